"""A partnership's own framework put into Welsh through the translator's file: downloaded, filled
in, uploaded as a draft to publish, and then a bilingual round can open on it. Bad files change
nothing; only those who run the partnership upload; nobody else's framework can be reached."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration.helpers import make_round
from tests.integration.test_framework_library import PASSWORD, publish_minimal, world  # noqa: F401
from together.accounts.models import User
from together.framework.rules import missing_welsh
from together.frameworks.models import FrameworkDraft
from together.reviews import lifecycle

pytestmark = pytest.mark.django_db


def base(partnership, entry):
    return f"/partnerships/{partnership.pk}/frameworks/{entry.pk}"


def filled(data: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows[1:]:
        row[3] = row[3] or f"Cymraeg: {row[2]}"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_translator_s_file_fills_the_welsh_and_a_bilingual_round_then_opens(client, world):  # noqa: F811
    partnership, owner = world["p"], world["owner"]
    entry = publish_minimal(client, partnership)
    page = client.get(f"{base(partnership, entry)}/").content.decode()
    assert "Download the translator's file (CSV)" in page and "have none yet" in page
    download = client.get(f"{base(partnership, entry)}/versions/1/translation.csv")
    assert download.status_code == 200 and download["Content-Disposition"].endswith('-version-1-welsh.csv"')
    assert client.get(f"{base(partnership, entry)}/versions/1/translation.xlsx").status_code == 200
    assert client.get(f"{base(partnership, entry)}/versions/1/translation.pdf").status_code == 404
    # A round on version 1, marked bilingual, cannot open.
    round_ = make_round(partnership, entry.current, open_=False)
    round_.bilingual = True
    round_.save()
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.apply(round_, "open", owner)
    answer = client.post(
        f"{base(partnership, entry)}/translation/",
        {"file": SimpleUploadedFile("welsh.csv", filled(download.content))},
    )
    draft = FrameworkDraft.objects.get(partnership=partnership, source_name="welsh.csv")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/drafts/{draft.pk}/")
    assert client.post(f"{answer['Location']}publish/").status_code == 302
    entry.refresh_from_db()
    assert entry.current.number == 2 and missing_welsh(entry.current.framework) == []
    assert entry.current.framework.translation_status["cy"] == "complete"
    bilingual = make_round(partnership, entry.current, open_=False)
    bilingual.bilingual = True
    bilingual.save()
    lifecycle.apply(bilingual, "open", owner)
    assert bilingual.state == "open"


def test_a_wrong_translator_s_file_says_what_is_wrong_and_stores_nothing(client, world):  # noqa: F811
    partnership = world["p"]
    entry = publish_minimal(client, partnership)
    data = client.get(f"{base(partnership, entry)}/versions/1/translation.csv").content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    rows[2][2] = "English someone retyped"
    rows[2][3] = "Cymraeg"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    for name, content, message in (
        ("welsh.csv", out.getvalue().encode(), "row 3, column english: the English is not this version"),
        ("welsh.pdf", b"%PDF", "must be a CSV file or an Excel workbook"),
        ("welsh.xlsx", b"PK\x03\x04broken", "is not an Excel workbook that can be read"),
    ):
        page = client.post(
            f"{base(partnership, entry)}/translation/", {"file": SimpleUploadedFile(name, content)}, follow=True
        )
        assert page.status_code == 200 and message in page.content.decode(), name
    assert not FrameworkDraft.objects.filter(partnership=partnership).exclude(source_name="minimal.yaml").exists()
    entry.refresh_from_db()
    assert entry.current.number == 1


def test_only_those_who_run_it_upload_and_nobody_reaches_another_s(client, world):  # noqa: F811
    partnership = world["p"]
    entry = publish_minimal(client, partnership)
    client.force_login(world["viewer"])
    assert client.get(f"{base(partnership, entry)}/versions/1/translation.csv").status_code == 200
    refused = client.post(f"{base(partnership, entry)}/translation/", {"file": SimpleUploadedFile("w.csv", b"x")})
    assert refused.status_code in (403, 404)
    client.force_login(world["other_owner"])
    assert client.get(f"{base(partnership, entry)}/versions/1/translation.csv").status_code == 404
    other = f"/partnerships/{world['other'].pk}/frameworks/{entry.pk}"
    assert client.get(f"{other}/versions/1/translation.csv").status_code == 404
    assert client.post(f"{other}/translation/", {"file": SimpleUploadedFile("w.csv", b"x")}).status_code == 404
    assert User.objects.filter(email="owner@elsewhere.example").exists() and PASSWORD
