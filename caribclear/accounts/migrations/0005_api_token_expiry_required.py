from django.db import migrations, models


class Migration(migrations.Migration):
    """Its own migration (transaction): PostgreSQL does not alter a table whose rows the one before updated."""

    dependencies = [("accounts", "0004_api_token_scopes_expiry")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
