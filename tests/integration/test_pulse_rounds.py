"""Pulse rounds: created from the page or the command line, asking only the short form, with
results on its statements and comparisons with full rounds on the statements both asked."""

import re

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import MINIMAL_FILE
from tests.integration.helpers import close, complete_questionnaire, csrf, make_partnership, make_round, released
from together.frameworks import services
from together.partnerships.models import Organisation
from together.reviews import lifecycle
from together.reviews.models import Answer, Round, RoundKind

pytestmark = pytest.mark.django_db

SHORT_FORM = [
    "shared-purpose-outcomes",
    "shared-purpose-vision",
    "political-support-public",
    "residents-and-place-residents-first",
    "residents-and-place-ways-of-working",
    "leadership-and-relationships-championing",
    "leadership-and-relationships-raise-issues",
    "whole-workforce-side-by-side",
    "involving-people-early",
    "learning-step-by-step-adapt",
    "persistent-delivery-see-through",
    "national-context-raise-barriers",
]


def _pulse(partnership, version, name="Autumn pulse", open_=True):
    round_ = Round.objects.create(
        partnership=partnership, name=name, framework_version=version, open_link_code="x" * 40 + name[:3],
        kind=RoundKind.PULSE,
    )  # fmt: skip
    if open_:
        lifecycle.apply(round_, "open", None)
    return round_


def test_a_pulse_is_chosen_on_the_round_page_and_a_framework_without_a_short_form_refuses_it(
    client, facilitator, framework_version
):
    minimal = services.load(MINIMAL_FILE).version
    partnership = make_partnership(facilitator)
    client.force_login(facilitator)
    url = f"/partnerships/{partnership.pk}/rounds/new/"
    page = client.get(url).content.decode()
    assert "Full review or pulse?" in page
    assert "Its short form, for a pulse: 12 statements, about 15 minutes." in page
    assert page.count("Its short form, for a pulse") == 1  # the minimal framework has none
    entries = {entry.framework_id: entry for entry in services.visible(partnership)}
    form = {"csrfmiddlewaretoken": csrf(page), "name": "Autumn pulse", "closes_on": "", "open_link_enabled": "on"}
    refused = client.post(url, {**form, "framework": entries["minimal"].pk, "kind": "pulse"})
    assert refused.status_code == 200
    assert "The Minimal framework has no short form, so a pulse cannot ask it: choose a full review" in (
        refused.content.decode()
    )
    assert not Round.objects.filter(partnership=partnership).exists()
    bad_kind = client.post(url, {**form, "framework": entries["transforming-together"].pk, "kind": "quick"})
    assert bad_kind.status_code == 200 and "Select a valid choice" in bad_kind.content.decode()
    assert not Round.objects.filter(partnership=partnership).exists()
    made = client.post(url, {**form, "framework": entries["transforming-together"].pk, "kind": "pulse"})
    assert made.status_code == 302
    pulse = Round.objects.get(partnership=partnership)
    assert pulse.is_pulse and pulse.framework_version == framework_version and minimal != framework_version
    assert [s.id for s in pulse.framework.statements] == SHORT_FORM
    detail = client.get(made["Location"]).content.decode()
    assert "Pulse" in detail and "12 statements" in detail and "this round is a pulse" in detail
    listing = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert re.search(r"Autumn pulse</a> <strong class=\"govuk-tag govuk-tag--light-blue\">Pulse</strong>", listing)


def test_round_create_pulse_from_the_command_line(facilitator, framework_version, capsys):
    services.load(MINIMAL_FILE)
    partnership = make_partnership(facilitator)
    p = str(partnership.pk)
    call_command("round", "create", "--partnership", p, "--name", "Scripted pulse", "--closes", "2099-03-31", "--pulse")
    pulse = Round.objects.get(name="Scripted pulse")
    assert pulse.kind == RoundKind.PULSE and len(pulse.framework.statements) == 12
    assert "created draft pulse round" in capsys.readouterr().out
    call_command("round", "create", "--partnership", p, "--name", "Scripted full", "--closes", "2099-03-31")
    assert Round.objects.get(name="Scripted full").kind == RoundKind.FULL
    with pytest.raises(CommandError, match="--pulse: The Minimal framework has no short form") as raised:
        call_command(
            "round", "create", "--partnership", p, "--name", "Bad", "--closes", "2099-03-31",
            "--framework", "minimal", "--pulse",
        )  # fmt: skip
    assert raised.value.returncode == 2
    assert not Round.objects.filter(name="Bad").exists()


def test_a_pulse_asks_only_the_short_form_and_its_results_cover_only_it(client, facilitator, framework_version):
    partnership = make_partnership(facilitator)
    pulse = _pulse(partnership, framework_version)
    start = client.get(f"/r/{pulse.open_link_code}/").content.decode()
    assert "It takes about 15 minutes." in start
    # Every theme is asked, each with only its short-form statements.
    client.post(f"/r/{pulse.open_link_code}/")
    theme = client.get(f"/respond/{pulse.public_id}/theme/shared-purpose/").content.decode()
    assert 'name="rating-shared-purpose-outcomes"' in theme and 'name="rating-shared-purpose-vision"' in theme
    assert 'name="rating-shared-purpose-priorities"' not in theme
    client.cookies.clear()
    for _ in range(5):
        complete_questionnaire(client, pulse, f"/r/{pulse.open_link_code}/", value="4")
        client.cookies.clear()
    assert set(Answer.objects.filter(round=pulse).values_list("statement_id", flat=True)) == set(SHORT_FORM)
    close(pulse, facilitator)
    results = released(pulse).results
    assert sorted(results.statements) == sorted(SHORT_FORM)
    assert results.themes["shared-purpose"].mean == 4
    client.force_login(facilitator)
    page = client.get(f"/partnerships/{partnership.pk}/rounds/{pulse.pk}/results/").content.decode()
    assert "This round was a pulse: it asked only the framework's short form" in page
    assert "those 12 statements" in page


def test_a_pulse_round_keeps_its_kind_once_open(facilitator, framework_version):
    partnership = make_partnership(facilitator)
    pulse = _pulse(partnership, framework_version)
    pulse.kind = RoundKind.FULL
    with pytest.raises(ValueError, match="cannot change once it has opened"):
        pulse.save()
    draft = _pulse(partnership, framework_version, name="Draft pulse", open_=False)
    draft.kind = RoundKind.FULL
    draft.save()  # a draft can still be changed
    assert Round.objects.get(pk=draft.pk).kind == RoundKind.FULL


def _answers(round_, organisation, count, values):
    from tests.integration.test_results import add_responses

    for index in range(count):
        add_responses(round_, organisation, None, 1, value=values[index % len(values)])


def test_change_between_a_full_round_and_a_pulse_uses_only_the_statements_both_asked(
    client, facilitator, framework_version
):
    partnership = make_partnership(facilitator)
    council = Organisation.objects.get(partnership=partnership, name="Northbridge Council")
    full = make_round(partnership, framework_version)
    _answers(full, council, 12, [2, 3])
    close(full, facilitator)
    pulse = _pulse(partnership, framework_version)
    _answers(pulse, council, 12, [4, 5])
    close(pulse, facilitator)
    client.force_login(facilitator)
    html = client.get(f"/partnerships/{partnership.pk}/rounds/{pulse.pk}/results/change/").content.decode()
    assert "Compared with Spring review" in html
    assert "One of the two rounds was a pulse" in html and "only on the 12 statements both rounds asked" in html
    assert "These trends include pulses" in html and "from the 12 statements all of them asked" in html
    assert "Autumn pulse (pulse)" in html
    # Each theme is compared over its short-form statements only: two for the broad themes.
    assert "+2.0 over 2 statements compared." in html
    assert "+2.0 over 1 statements compared." in html
    # The report says the same.
    report = client.get(f"/partnerships/{partnership.pk}/rounds/{pulse.pk}/report/").content.decode()
    assert "This round was a pulse" in report and "only on the 12 statements both rounds asked" in report


def test_the_library_checks_an_uploaded_short_form_and_shows_its_size(client, facilitator, framework_version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.unit.test_framework_short_form import TWO_THEMES, marked
    from together.frameworks.models import LibraryFramework

    partnership = make_partnership(facilitator)
    client.force_login(facilitator)
    url = f"/partnerships/{partnership.pk}/frameworks/upload/"
    refused = client.post(url, {"file": SimpleUploadedFile("pulse.yaml", TWO_THEMES.encode())})
    assert refused.status_code == 200
    assert "theme &#x27;two&#x27; has no statement in the short form" in refused.content.decode()
    assert not LibraryFramework.objects.filter(framework_id="pulse-test").exists()
    accepted = client.post(url, {"file": SimpleUploadedFile("pulse.yaml", marked(TWO_THEMES, "two-a").encode())})
    assert accepted.status_code == 302
    draft = client.get(accepted["Location"]).content.decode()
    assert "Short form, for pulse rounds" in draft and "2 statements, about" in draft
    assert "the short form has 2 statements, fewer than the 8 to 14 a pulse works best with" in draft
