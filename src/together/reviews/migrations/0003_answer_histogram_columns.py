import django.db.models.deletion
from django.db import migrations, models


def copy_from_responses(apps, schema_editor):
    """Fill the new columns of answers and priorities from their response."""
    Answer = apps.get_model("reviews", "Answer")
    Priority = apps.get_model("reviews", "Priority")
    Response = apps.get_model("reviews", "Response")
    for response in Response.objects.all().only("id", "round_id", "state", "organisation_id", "group_id").iterator():
        for model in (Answer, Priority):
            model.objects.filter(response_id=response.id).update(
                round_id=response.round_id,
                submitted=response.state == "submitted",
                organisation_id=response.organisation_id,
                group_id=response.group_id,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("reviews", "0002_comment_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="reviews.round"
            ),
        ),
        migrations.AddField(model_name="answer", name="submitted", field=models.BooleanField(default=False)),
        migrations.AddField(
            model_name="answer",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partnerships.organisation",
            ),
        ),
        migrations.AddField(
            model_name="answer",
            name="group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partnerships.respondentgroup",
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="round",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="reviews.round"
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="submitted",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="priority",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partnerships.organisation",
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partnerships.respondentgroup",
            ),
        ),
        migrations.RunPython(copy_from_responses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="reviews.round"),
        ),
        migrations.AlterField(
            model_name="priority",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="reviews.round"),
        ),
        migrations.AddIndex(
            model_name="priority",
            index=models.Index(
                fields=["round", "theme_id", "organisation", "group", "submitted"], name="priority_counts"
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["round", "statement_id", "organisation", "group", "value", "submitted"],
                name="answer_histogram",
            ),
        ),
    ]
