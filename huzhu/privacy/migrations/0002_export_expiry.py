"""Export archives get an expiry and are encrypted at rest; archives built before are encrypted
here (bound to their job and owner) and expire 48 hours after they were finished."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from huzhu.privacy.crypto import encrypt_bytes

    ExportJob = apps.get_model("privacy", "ExportJob")
    keep = timedelta(hours=settings.EXPORT_KEEP_HOURS)
    for job in ExportJob.objects.exclude(archive=None).iterator():
        blob = bytes(job.archive)
        if blob.startswith(b"hz1:"):
            continue
        job.archive = encrypt_bytes(blob, purpose=f"export:{job.user_id}:{job.pk}")
        job.expires_at = (job.finished_at or job.created_at) + keep
        job.save(update_fields=["archive", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
