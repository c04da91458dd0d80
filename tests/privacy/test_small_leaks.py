"""Small leaks: each a side door to something the release layer keeps shut."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.integration.helpers import add_member, complete_questionnaire, make_partnership, make_round
from tests.integration.test_results import add_responses
from together.partnerships.models import Organisation, Role
from together.releases import services as releases
from together.reviews import lifecycle
from together.reviews.models import Round, RoundState

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_edit_cannot_reopen_a_closed_round(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    stale = Round.objects.get(pk=round_.pk)  # an edit form loaded while the round was open
    lifecycle.apply(round_, "close", facilitator)
    releases.obtain(round_, releases.OPERATOR)
    from together.reviews.forms import RoundForm

    form = RoundForm({"name": "Renamed", "open_link_enabled": "on"}, instance=stale)
    assert form.is_valid()
    form.save(commit=False).save(update_fields=list(RoundForm.Meta.fields))
    assert Round.objects.get(pk=round_.pk).state == RoundState.CLOSED
    # And the edit page itself is closed to a closed round.
    client = _signed_in(facilitator)
    response = client.post(f"/partnerships/{partnership.pk}/rounds/{round_.pk}/edit/", {"name": "Again"})
    assert response.status_code == 302 and Round.objects.get(pk=round_.pk).name == "Renamed"


def test_viewers_see_no_count_below_the_threshold_in_a_published_round(
    facilitator, framework_version, django_user_model
):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    add_responses(round_, partnership.organisations.first(), None, 2)
    for name in ("close", "publish"):
        lifecycle.apply(round_, name, facilitator)
    viewer = django_user_model.objects.create_user("viv@northbridge.example", "a long enough password 1", name="V")
    add_member(partnership, viewer, Role.VIEWER)
    client = _signed_in(viewer)
    base = f"/partnerships/{partnership.pk}/rounds/{round_.pk}"
    page = client.get(f"{base}/results/").content.decode()
    assert "Fewer than 5 people responded" in page and "2 people" not in page
    report = client.get(f"{base}/report/").content.decode()
    assert "Fewer than 5 people responded" in report and "March 2026" not in report
    assert json.loads(client.get(f"{base}/export/results.json").content)["respondents"] is None
    # The facilitator, who sees the running count anyway, gets the number.
    assert "2 people responded" in _signed_in(facilitator).get(f"{base}/results/").content.decode()


def test_the_change_page_uses_the_threshold_each_round_was_released_with(facilitator, framework_version, settings):
    partnership = make_partnership(facilitator)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    earlier = make_round(partnership, framework_version)
    add_responses(earlier, council, None, 8, value=2)
    add_responses(earlier, council, None, 4, value=None)  # "don't know" throughout
    lifecycle.apply(earlier, "close", facilitator)
    settings.MIN_GROUP_SIZE = 10  # released with 10: 12 people, but 8 ratings a statement, hidden
    releases.obtain(earlier, releases.OPERATOR)
    Round.objects.filter(pk=earlier.pk).update(name="Autumn 2025 review")
    later = make_round(partnership, framework_version)
    add_responses(later, council, None, 8, value=4)
    lifecycle.apply(later, "close", facilitator)
    settings.MIN_GROUP_SIZE = 5  # the setting lowered afterwards
    page = _signed_in(facilitator).get(f"/partnerships/{partnership.pk}/rounds/{later.pk}/results/change/")
    html = page.content.decode()
    # The earlier round showed no statement, so none is compared now either.
    assert "Compared with Autumn 2025 review" in html and "2.0" not in html


def test_an_unreadable_import_header_is_an_error_not_a_crash(client, facilitator, framework_version):
    round_ = make_round(make_partnership(facilitator), framework_version, open_=False)
    client.force_login(facilitator)
    base = f"/partnerships/{round_.partnership_id}/rounds/{round_.pk}/import"
    huge = b'"' + b"x" * 200_000 + b'"\n1\n'
    response = client.post(f"{base}/", {"file": SimpleUploadedFile("wide.csv", huge)})
    assert response.status_code == 200
    assert "wide.csv: line 1: a cell is longer than 100,000 characters" in response.content.decode()
    from django.core.management import CommandError, call_command

    path = io.BytesIO(huge)
    with pytest.raises(CommandError):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
            handle.write(path.getvalue())
            handle.flush()
            call_command("import", str(round_.pk), handle.name, "--quiet", "--map", "a=b")


def test_removing_an_organisation_while_a_round_runs_says_nothing_about_choices(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    round_ = make_round(partnership, framework_version, user=facilitator)
    chosen = Organisation.objects.create(partnership=partnership, name="Chosen Trust", sector="voluntary")
    unchosen = Organisation.objects.create(partnership=partnership, name="Unchosen Trust", sector="voluntary")
    respondent = Client()
    respondent.post(f"/r/{round_.open_link_code}/")
    respondent.post(f"/respond/{round_.public_id}/about/", {"organisation": chosen.pk, "group": ""})
    client = _signed_in(facilitator)
    messages = []
    for organisation in (chosen, unchosen):
        page = client.post(f"/partnerships/{partnership.pk}/organisations/{organisation.pk}/remove/", follow=True)
        messages.append(page.content.decode().count("cannot be removed while a round is open"))
    assert messages == [1, 1]
    assert Organisation.objects.filter(pk__in=[chosen.pk, unchosen.pk]).count() == 2
    complete_questionnaire(Client(), round_, f"/r/{round_.open_link_code}/")
