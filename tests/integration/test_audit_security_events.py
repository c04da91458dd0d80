"""Sign-in security events (an authenticator app, single sign-on) reach the operator's audit log."""

import pytest
from django.urls import reverse

from tests.integration.test_mfa import enrol
from tests.integration.test_sso import through_provider
from together.operator.models import AuditEvent
from together.signin import mfa

pytestmark = pytest.mark.django_db


def test_setting_up_and_removing_an_app_are_recorded(facilitator):
    enrol(facilitator)
    mfa.remove(facilitator)
    actions = set(AuditEvent.objects.filter(actor=facilitator).values_list("action", flat=True))
    assert {"mfa-enrolled", "mfa-removed"} <= actions


def test_a_single_sign_on_is_recorded_with_the_address_and_shown_to_operators(client, oidc_provider, facilitator):
    oidc_provider.sign_in_as(facilitator.email)
    assert through_provider(client)["Location"] == reverse("partnerships")
    event = AuditEvent.objects.get(action="sso-sign-in")
    assert event.actor == facilitator
    assert event.client_address == "127.0.0.1"
    facilitator.is_staff = True
    facilitator.save()
    html = client.get(reverse("operator:audit")).content.decode()
    assert "Signed in through single sign-on" in html


def test_an_operator_can_remove_someones_lost_app(client, facilitator):
    from together.accounts.models import User

    operator = User.objects.create_user("op@operator.example", "a long enough password 1", is_staff=True)
    enrol(facilitator)
    client.force_login(operator)
    page = client.get(reverse("operator:account", args=[facilitator.pk])).content.decode()
    assert "Remove their authenticator app" in page
    response = client.post(reverse("operator:account-remove-app", args=[facilitator.pk]))
    assert response.status_code == 302
    assert not mfa.has_device(facilitator)
    event = AuditEvent.objects.get(action="mfa-removed")
    assert (event.actor, event.target) == (operator, facilitator)
    # Someone without staff access cannot.
    enrol(facilitator)
    client.force_login(facilitator)
    assert client.post(reverse("operator:account-remove-app", args=[facilitator.pk])).status_code == 404
    assert mfa.has_device(facilitator)
