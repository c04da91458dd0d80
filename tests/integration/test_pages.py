"""Public pages, signing in and out, and what happens before a framework is loaded."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "framework", "accessibility", "privacy", "sign-in"])
def test_public_pages_render_with_the_service_layout(client, framework_version, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-skip-link"' in html
    assert "govuk-phase-banner" in html
    assert reverse("accessibility") in html and reverse("privacy") in html
    assert '<html lang="en"' in html


def test_framework_page_lists_every_theme_scale_level_finding_and_place(client, framework_version):
    from django.utils.html import escape

    framework = framework_version.framework
    html = client.get(reverse("framework")).content.decode()
    for theme in framework.themes:
        assert reverse("theme", args=[theme.id]) in html
    for level in framework.scale.levels:
        assert level.label.en in html
    for exemplar in framework.exemplars():
        assert exemplar.place.en in html
    for finding in framework.findings:
        assert escape(finding.text.en) in html


def test_theme_page_shows_statements_guidance_exemplars_and_actions(client, framework_version):
    from django.utils.html import escape

    theme = framework_version.framework.theme("involving-people")
    response = client.get(reverse("theme", args=[theme.id]))
    html = response.content.decode()
    assert response.status_code == 200
    for statement in theme.statements:
        assert escape(statement.text.en) in html
        assert escape(statement.guidance.en) in html
    for exemplar in theme.exemplars:
        assert escape(exemplar.text.en) in html
    for action in theme.suggested_actions:
        assert escape(action.text.en) in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_unknown_theme_is_not_found(client, framework_version):
    response = client.get(reverse("theme", args=["no-such-theme"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_framework_page_explains_how_to_load_a_framework_when_none_is(client):
    response = client.get(reverse("framework"))
    assert response.status_code == 200
    assert "together framework load frameworks/transforming-together.yaml" in response.content.decode()


def test_sign_in_and_out(client, facilitator):
    response = client.post(
        reverse("sign-in"), {"username": "fran@northbridge.example", "password": "a long enough password 1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == facilitator
    assert client.get(reverse("sign-out")).status_code == 405  # signing out needs a form post
    response = client.post(reverse("sign-out"), follow=True)
    assert "You have signed out." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_password_shows_a_govuk_error_summary(client, facilitator):
    response = client.post(reverse("sign-in"), {"username": "fran@northbridge.example", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html
    assert not response.wsgi_request.user.is_authenticated


def test_empty_sign_in_says_what_is_missing(client, db):
    html = client.post(reverse("sign-in"), {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your email address' in html
    assert 'href="#id_password">Enter your password' in html
    assert "govuk-input--error" in html


def test_health_check(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_an_id_too_large_for_the_database_is_not_found(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/partnerships/99999999999999999999999999/").status_code == 404
    assert client.get("/api/v1/partnerships/99999999999999999999999999/").json() == {"detail": "Not found."}
