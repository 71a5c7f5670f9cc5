# The split of the 好 places now belongs to the assessments app (its migration 0003 takes the
# table over and renames it): here the model only leaves the reports app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_section_quota_from_reports'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SectionQuota')],
            database_operations=[],
        ),
    ]
