import datetime

from django.db import migrations, models

OFFICIAL_ROLES = ("officer", "supervisor", "administrator")


def scope_existing_tokens(apps, schema_editor):
    """Tokens made before scopes and expiry: they keep what they could do (officials created theirs in a
    session that passed the second factor) and expire 90 days after today, so no system stops at once."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=90)
    for token in ApiToken.objects.select_related("user"):
        official = token.user.role in OFFICIAL_ROLES
        token.scopes = ["file", "intel", "read"] if official else ["file", "read"]
        token.second_factor = official
        token.expires_at = expires
        token.save(update_fields=["scopes", "second_factor", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_secretariat_and_staff_numbers")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="second_factor",
            field=models.BooleanField(default=False, verbose_name="created after a two-step sign-in"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop),
    ]
