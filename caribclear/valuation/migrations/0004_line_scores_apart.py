
import django.db.models.deletion
from django.db import migrations, models


def scores_apart(apps, schema_editor):
    """Every stored score moves to the new table, in one statement."""
    schema_editor.execute(
        "INSERT INTO valuation_linescore (line_id, score)"
        " SELECT id, score FROM valuation_declarationline WHERE score IS NOT NULL"
    )


def scores_back(apps, schema_editor):
    schema_editor.execute(
        "UPDATE valuation_declarationline SET score ="
        " (SELECT s.score FROM valuation_linescore s WHERE s.line_id = valuation_declarationline.id)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('valuation', '0003_cell_fillfactor'),
    ]

    operations = [
        migrations.CreateModel(
            name='LineScore',
            fields=[
                ('line', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='scored', serialize=False, to='valuation.declarationline')),
                ('score', models.FloatField(verbose_name='valuation score')),
            ],
            options={
                'verbose_name': 'valuation score',
                'verbose_name_plural': 'valuation scores',
            },
        ),
        migrations.RunPython(scores_apart, scores_back, elidable=False),
        migrations.RemoveField(
            model_name='declarationline',
            name='score',
        ),
    ]
