"""Paper questionnaires: the printed form, keying returned forms in, and double keying."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader

from tests.integration.helpers import add_member, close, make_partnership, make_round, released
from together.paper.models import EntryState, PaperEntry, PaperSettings
from together.partnerships.models import Role
from together.reviews.models import Answer, Channel, Comment, Priority, Response

pytestmark = pytest.mark.django_db


def base(round_):
    return f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/paper/"


def form_data(round_, value="4", **extra):
    framework = round_.framework
    data = {f"r-{s.id}": value for s in framework.statements}
    data["organisation"] = str(round_.partnership.organisations.first().pk)
    data["group"] = str(round_.partnership.groups.first().pk)
    data["priorities"] = [framework.themes[0].id]
    data[f"c-{framework.themes[0].id}"] = "Written on the form"
    data.update(extra)
    return data


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def test_the_printed_form_has_every_statement_the_code_and_the_return_address(
    signed_in, framework_version, facilitator
):
    round_ = make_round(make_partnership(facilitator), framework_version)
    page = signed_in.post(base(round_), {"return_address": "Freepost NORTHBRIDGE REVIEW\nTown Hall"})
    assert page.status_code == 302
    code = round_.public_id.hex[:8].upper()
    html = signed_in.get(base(round_) + "form/").content.decode()
    assert code in html and "Freepost NORTHBRIDGE REVIEW" in html
    assert 'rel="stylesheet" href="/static/css/paper.css"' in html
    for statement in framework_version.framework.statements:
        assert escape(statement.text.en) in html
    for large in ("", "?large=1"):
        response = signed_in.get(base(round_) + "form.pdf" + large)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert code in text and "Freepost NORTHBRIDGE REVIEW" in text
        assert "Do not write your name" in text
        assert " ".join(framework_version.framework.statements[-1].text.en.split())[:40] in text
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    # Large print takes more pages.
    normal = len(PdfReader(io.BytesIO(signed_in.get(base(round_) + "form.pdf").content)).pages)
    large = len(PdfReader(io.BytesIO(signed_in.get(base(round_) + "form.pdf?large=1").content)).pages)
    assert large > normal


def test_a_keyed_form_is_one_paper_response(signed_in, framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version)
    response = signed_in.post(base(round_) + "key/", form_data(round_, value="2"))
    assert response.status_code == 302 and response["Location"] == base(round_) + "key/"
    sent = Response.objects.get()
    assert sent.channel == Channel.PAPER and sent.state == "submitted"
    assert Answer.objects.filter(response=sent, value=2, submitted=True).count() == len(
        framework_version.framework.statements
    )
    assert Priority.objects.filter(response=sent).count() == 1
    assert Comment.objects.get(response=sent).text == "Written on the form"
    entry = PaperEntry.objects.get()
    assert entry.state == EntryState.ENTERED and entry.first == {} and entry.second == {}
    # Nothing on the entry leads to the response.
    assert {f.name for f in PaperEntry._meta.get_fields()} & {"response", "responses"} == set()
    assert "1 paper response entered so far" in signed_in.get(base(round_)).content.decode()


def test_paper_responses_count_in_the_results(signed_in, framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version)
    for _ in range(5):
        signed_in.post(base(round_) + "key/", form_data(round_, value="5"))
    results = released(close(round_)).results
    assert results.respondents == 5
    assert all(results.statements[s.id].mean == 5.0 for s in framework_version.framework.statements)


def test_bad_keying_names_each_field_and_stores_nothing(signed_in, framework_version, facilitator):
    round_ = make_round(make_partnership(facilitator), framework_version)
    framework = framework_version.framework
    first, second = framework.statements[:2]
    data = form_data(
        round_, **{f"r-{first.id}": "9", f"r-{second.id}": "x", "priorities": [t.id for t in framework.themes]}
    )
    page = signed_in.post(base(round_) + "key/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert escape("1.1: enter a number from 1 to 5, d for don't know, or leave it empty") in text
    assert "1.2: enter a number" in text
    assert "The form allows 3 themes at most" in text
    assert 'value="9"' in text  # what was keyed is kept for correcting
    blank = signed_in.post(base(round_) + "key/", {"organisation": "", "group": ""})
    assert "Nothing was keyed: a blank form is not a response" in blank.content.decode()
    unknown = signed_in.post(base(round_) + "key/", form_data(round_, organisation="999999"))
    assert "Choose an organisation from the list" in unknown.content.decode()
    assert not Response.objects.exists() and not PaperEntry.objects.exists()


def test_double_keying_agreeing_and_differing(client, framework_version, facilitator):
    from together.accounts.models import User

    round_ = make_round(make_partnership(facilitator), framework_version)
    PaperSettings.objects.create(round=round_, double_keying=True)
    colleague = User.objects.create_user("k@northbridge.example", "a long enough password 1", name="Kay")
    add_member(round_.partnership, colleague, role=Role.FACILITATOR)
    first, second = Client(), Client()
    first.force_login(facilitator)
    second.force_login(colleague)

    first.post(base(round_) + "key/", form_data(round_, value="3"))
    entry = PaperEntry.objects.get()
    assert entry.state == EntryState.AWAITING_CHECK and not Response.objects.exists()
    # The same person cannot check their own keying.
    assert first.get(base(round_) + f"{entry.pk}/key-again/").status_code == 302
    refused = first.post(base(round_) + f"{entry.pk}/key-again/", form_data(round_, value="3"), follow=True)
    assert "Someone other than the person who keyed the form first" in refused.content.decode()
    # Agreeing keyings are entered at once.
    agreed = second.post(base(round_) + f"{entry.pk}/key-again/", form_data(round_, value="3"))
    assert agreed["Location"] == base(round_)
    entry.refresh_from_db()
    assert entry.state == EntryState.ENTERED and entry.first == {} and Response.objects.count() == 1

    # A second form, keyed differently in two places.
    framework = framework_version.framework
    statement = framework.statements[4]
    first.post(base(round_) + "key/", form_data(round_, value="3"))
    entry = PaperEntry.objects.get(number=2)
    differing = second.post(
        base(round_) + f"{entry.pk}/key-again/", form_data(round_, value="3", **{f"r-{statement.id}": "2", "group": ""})
    )
    assert differing["Location"] == base(round_) + f"{entry.pk}/resolve/"
    entry.refresh_from_db()
    assert entry.state == EntryState.MISMATCH and Response.objects.count() == 1
    page = first.get(differing["Location"]).content.decode()
    assert "differ in 2 places" in page and "1.5" in page
    # Every difference must be settled.
    half = first.post(differing["Location"], {f"r-{statement.id}": "second"})
    assert "Choose which keying is right for: Group" in half.content.decode()
    assert Response.objects.count() == 1
    done = first.post(differing["Location"], {f"r-{statement.id}": "second", "group": "first"})
    assert done["Location"] == base(round_)
    entry.refresh_from_db()
    assert entry.state == EntryState.ENTERED and entry.first == {} and entry.second == {}
    assert Response.objects.count() == 2
    values = set(Answer.objects.filter(statement_id=statement.id).values_list("value", flat=True))
    assert values == {3, 2}
    # The group was settled as the first keying had it (the second left it empty).
    assert not Response.objects.filter(group__isnull=True).exists()


def test_only_members_who_run_the_round_and_only_while_it_is_open(client, framework_version, facilitator):
    from together.accounts.models import User

    round_ = make_round(make_partnership(facilitator), framework_version)
    viewer = User.objects.create_user("v@northbridge.example", "a long enough password 1", name="V")
    add_member(round_.partnership, viewer, role=Role.VIEWER)
    stranger = User.objects.create_user("s@elsewhere.example", "a long enough password 1", name="S")
    for user in (viewer, stranger):
        other = Client()
        other.force_login(user)
        for path in ("", "form/", "form.pdf", "key/"):
            assert other.get(base(round_) + path).status_code in (403, 404)
        assert other.post(base(round_) + "key/", form_data(round_)).status_code in (403, 404)
    assert not Response.objects.exists()
    client.force_login(facilitator)
    close(round_)
    refused = client.post(base(round_) + "key/", form_data(round_), follow=True)
    assert "Paper forms can be keyed in only while the round is open." in refused.content.decode()
    assert not Response.objects.exists()
