"""An invitation no longer records that it has responded: that write, made in the same
transaction as the response's, could pair the two (on PostgreSQL by the rows' ``xmin``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_invitation_draft_digests"),
    ]

    operations = [
        migrations.RemoveField(model_name="invitation", name="responded"),
    ]
