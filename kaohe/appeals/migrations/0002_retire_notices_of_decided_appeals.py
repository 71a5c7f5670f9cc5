"""The office's notices of appeals written before notifications had a topic: those of appeals
already decided no longer ask anyone to act (marked read); those still pending get their link
and topic, so that the decision retires them like any new one."""

from django.db import migrations


def _matching(Notification, appeal):  # noqa: N803 (the historical model)
    # The notice's text named the person and the filing day: "<name> 对 … 提出申诉（<day>）".
    return Notification.objects.filter(
        topic="", text__startswith=f"{appeal.assessment.person.name} 对 ",
        text__contains=f"提出申诉（{appeal.filed_on.isoformat()}）")


def forwards(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    Notification = apps.get_model("assessments", "Notification")
    for appeal in Appeal.objects.select_related("assessment__person"):
        notices = _matching(Notification, appeal)
        if appeal.decided_at is not None:
            notices.update(read=True, topic=f"appeal:{appeal.pk}")
        else:
            notices.update(topic=f"appeal:{appeal.pk}", url=f"/appeals/{appeal.pk}/")


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("assessments", "0005_notification_link_and_topic"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
