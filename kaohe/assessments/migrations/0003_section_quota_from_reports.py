# The split of the 好 places moves from the reports app to the assessments app, where the
# approval it binds can read it (decision 0015). The table and its rows are kept: the model
# is first taken over under the table's old name, then the table is renamed.

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_initial'),
        ('org', '0001_initial'),
        ('plans', '0001_initial'),
        ('reports', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SectionQuota',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('headcount', models.PositiveIntegerField(verbose_name='参加考核人数')),
                        ('frontline_headcount', models.PositiveIntegerField(verbose_name='基层一线人数')),
                        ('frontline_weight', models.DecimalField(decimal_places=2, default=Decimal('0.50'), max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5'))], verbose_name='基层一线加权')),
                        ('places', models.PositiveIntegerField(verbose_name='“好”等次名额')),
                        ('saved_at', models.DateTimeField(auto_now=True)),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='section_quotas', to='plans.period', verbose_name='考核季度')),
                        ('saved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quotas', to='org.section', verbose_name='科室')),
                    ],
                    options={
                        'verbose_name': '科室“好”等次名额',
                        'verbose_name_plural': '科室“好”等次名额',
                        'ordering': ['period', 'section__code'],
                        'db_table': 'reports_sectionquota',
                        'constraints': [models.UniqueConstraint(fields=('period', 'section'), name='one_quota_a_section')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='sectionquota', table=None),
    ]
