from django.db import migrations, models


class Migration(migrations.Migration):
    """Each event and the head name their keyed hash; what was written before is HMAC-SHA256."""

    dependencies = [
        ('audit', '0002_keyed_head'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='algorithm',
            field=models.CharField(default='sha256', max_length=8, verbose_name='哈希算法'),
        ),
        migrations.AddField(
            model_name='chainhead',
            name='algorithm',
            field=models.CharField(default='sha256', max_length=8),
        ),
    ]
