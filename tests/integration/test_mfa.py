"""Multi-factor authentication: setting up an app, signing in with a code or a recovery code,
limits on wrong codes, removing the app, and MFA_REQUIRED for those who run reviews."""

import re
from base64 import b32decode
from binascii import hexlify

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.integration.helpers import add_member, make_partnership
from together import conf
from together.accounts.models import User
from together.partnerships.models import Role
from together.signin import codes as recovery
from together.signin import mfa, signals
from together.signin.models import RecoveryCode

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password 1"


def code_for(secret_hex: str, steps_ahead: int = 0) -> str:
    """The app's code now (or a step ahead, which the service also accepts, as a code not yet used)."""
    return f"{totp(bytes.fromhex(secret_hex), drift=steps_ahead):06d}"


def wrong_code_for(secret_hex: str) -> str:
    right = {code_for(secret_hex, step) for step in (-1, 0, 1, 2)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333", "444444") if candidate not in right)


def enrol(user) -> tuple[str, list[str]]:
    secret = mfa.new_secret()
    codes = mfa.enrol(user, secret, code_for(secret))
    assert codes is not None
    return secret, codes


def sign_in_with_password(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("sign-in"), data)


def test_set_up_shows_a_qr_code_and_the_key_and_needs_a_right_code(client, facilitator, security_events):
    client.force_login(facilitator)
    html = client.get(reverse("security-set-up")).content.decode()
    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml;charset=utf-8,%3Csvg', html)
    shown = re.search(r"data-secret>([A-Z2-7 ]+)</code>", html).group(1)
    secret = hexlify(b32decode(shown.replace(" ", ""))).decode()
    assert client.get(reverse("security-set-up")).content.decode().count(shown) == 1  # the same key until confirmed

    response = client.post(reverse("security-set-up"), {"code": "12 34"})
    assert "Enter the code as 6 digits, like 123456" in response.content.decode()
    response = client.post(reverse("security-set-up"), {"code": wrong_code_for(secret)})
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()

    response = client.post(reverse("security-set-up"), {"code": code_for(secret)})
    assert response["Location"] == reverse("security-recovery-codes")
    device = TOTPDevice.objects.get(user=facilitator)
    assert device.confirmed and device.key == secret
    page = client.get(reverse("security-recovery-codes")).content.decode()
    codes = re.findall(r"data-recovery-code>([a-z2-7]{8})</code>", page)
    assert len(set(codes)) == 10
    # Only keyed hashes of the codes are stored.
    stored = set(RecoveryCode.objects.filter(device__user=facilitator).values_list("digest", flat=True))
    assert stored == {recovery.digest(code) for code in codes}
    # Shown once: the page does not show them again.
    assert client.get(reverse("security-recovery-codes"))["Location"] == reverse("security")
    assert [action for _, action, _ in security_events] == [signals.MFA_ENROLLED]


def test_someone_with_an_app_is_asked_for_a_code_after_the_password(client, facilitator):
    secret, _ = enrol(facilitator)
    response = sign_in_with_password(client, facilitator, next_url="/partnerships/new/")
    assert response["Location"] == reverse("sign-in-code")
    # Half signed in is not signed in.
    assert client.get(reverse("partnerships"))["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})
    assert response["Location"] == "/partnerships/new/"
    assert client.get(reverse("partnerships")).status_code == 200
    assert int(client.session["_auth_user_id"]) == facilitator.pk


def test_a_code_cannot_be_used_twice(client, facilitator):
    secret, _ = enrol(facilitator)
    code = code_for(secret, 1)
    sign_in_with_password(client, facilitator)
    client.post(reverse("sign-in-code"), {"code": code})
    client.post(reverse("sign-out"))
    sign_in_with_password(client, facilitator)
    response = client.post(reverse("sign-in-code"), {"code": code})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_a_recovery_code_signs_in_once(client, facilitator, security_events):
    _, codes = enrol(facilitator)
    sign_in_with_password(client, facilitator)
    response = client.post(reverse("sign-in-code"), {"code": codes[3].upper()[:4] + " " + codes[3][4:]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("partnerships")
    assert "You used a recovery code. You have 9 left." in response.content.decode()
    assert (facilitator, signals.RECOVERY_CODE_USED, "Recovery code used; 9 left") in security_events

    client.post(reverse("sign-out"))
    sign_in_with_password(client, facilitator)
    response = client.post(reverse("sign-in-code"), {"code": codes[3]})
    assert "The code is not right" in response.content.decode()
    assert mfa.recovery_codes_left(facilitator) == 9


def test_a_code_in_the_wrong_form_says_so_and_counts_nothing(client, facilitator, security_events):
    enrol(facilitator)
    sign_in_with_password(client, facilitator)
    html = client.post(reverse("sign-in-code"), {"code": "12ab"}).content.decode()
    assert "Enter the 6 digits from your authenticator app, or a recovery code of 8 letters and numbers" in html
    assert 'class="govuk-error-summary"' in html
    html = client.post(reverse("sign-in-code"), {"code": ""}).content.decode()
    assert "Enter the code from your authenticator app, or a recovery code" in html
    assert [action for _, action, _ in security_events] == [signals.MFA_ENROLLED]


def test_five_wrong_codes_drop_the_half_signed_in_session(client, facilitator, security_events):
    secret, _ = enrol(facilitator)
    wrong = wrong_code_for(secret)
    sign_in_with_password(client, facilitator)
    for tries_left in (4, 3, 2, 1):
        html = client.post(reverse("sign-in-code"), {"code": wrong}).content.decode()
        assert f"({tries_left} tr" in html
    response = client.post(reverse("sign-in-code"), {"code": wrong})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    # The attempt is over: even the right code now needs the password first.
    response = client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})
    assert response["Location"] == reverse("sign-in")
    assert "_auth_user_id" not in client.session
    assert [action for _, action, _ in security_events].count(signals.WRONG_CODE) == 5

    # Starting again with the password gives a new attempt.
    sign_in_with_password(client, facilitator)
    assert client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})["Location"] == reverse("partnerships")


def test_wrong_codes_across_attempts_lock_the_account_for_a_while(client, facilitator, settings):
    settings.SIGN_IN_LOCKOUT = (7, 900)
    secret, _ = enrol(facilitator)
    wrong = wrong_code_for(secret)
    sign_in_with_password(client, facilitator)
    for _ in range(5):
        client.post(reverse("sign-in-code"), {"code": wrong})
    sign_in_with_password(client, facilitator)
    client.post(reverse("sign-in-code"), {"code": wrong})
    response = client.post(reverse("sign-in-code"), {"code": wrong})
    assert response.status_code == 429
    assert "This account is locked for now" in response.content.decode()
    assert "Try again in 15 minutes." in response.content.decode()

    # From another browser, with the password and the right code: still locked.
    other = client.__class__()
    sign_in_with_password(other, facilitator)
    response = other.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})
    assert response.status_code == 429 and "_auth_user_id" not in other.session


def test_the_code_page_without_a_password_first_sends_you_to_sign_in(client, db):
    assert client.get(reverse("sign-in-code"))["Location"] == reverse("sign-in")
    assert client.post(reverse("sign-in-code"), {"code": "123456"})["Location"] == reverse("sign-in")


def test_a_half_signed_in_session_runs_out(client, facilitator, monkeypatch):
    secret, _ = enrol(facilitator)
    sign_in_with_password(client, facilitator)
    session = client.session
    session["together.signin.pending"]["until"] = 0
    session.save()
    assert client.post(reverse("sign-in-code"), {"code": code_for(secret, 1)})["Location"] == reverse("sign-in")


def test_removing_the_app_needs_the_password_or_a_code(client, facilitator, security_events):
    secret, _ = enrol(facilitator)
    client.force_login(facilitator)
    html = client.post(reverse("security-remove"), {"proof": "not my password"}).content.decode()
    assert "That is not your password or a current code from your authenticator app" in html
    assert mfa.has_device(facilitator)
    assert [action for _, action, _ in security_events][-1] == signals.WRONG_CODE

    assert client.post(reverse("security-remove"), {"proof": code_for(secret, 1)})["Location"] == reverse("security")
    assert not mfa.has_device(facilitator) and mfa.recovery_codes_left(facilitator) == 0
    assert [action for _, action, _ in security_events][-1] == signals.MFA_REMOVED
    # Signing in is one step again.
    client.post(reverse("sign-out"))
    assert sign_in_with_password(client, facilitator)["Location"] == reverse("partnerships")


def test_new_recovery_codes_replace_the_old(client, facilitator, security_events):
    _, old = enrol(facilitator)
    client.force_login(facilitator)
    response = client.post(reverse("security-new-codes"), {"proof": PASSWORD})
    assert response["Location"] == reverse("security-recovery-codes")
    page = client.get(reverse("security-recovery-codes")).content.decode()
    new = re.findall(r"data-recovery-code>([a-z2-7]{8})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not mfa.verify(facilitator, old[0])
    assert mfa.verify(facilitator, new[0]) == "recovery"
    assert signals.RECOVERY_CODES_REGENERATED in [action for _, action, _ in security_events]


def test_security_page_says_what_is_set_up(client, facilitator):
    client.force_login(facilitator)
    assert "Not set up" in client.get(reverse("security")).content.decode()
    enrol(facilitator)
    html = client.get(reverse("security")).content.decode()
    assert "Set up: you are asked for a code when you sign in" in html and "10 left" in html
    assert client.get(reverse("security-set-up"))["Location"] == reverse("security")


def test_security_pages_need_a_signed_in_person(client, db):
    for name in ("security", "security-set-up", "security-recovery-codes", "security-new-codes", "security-remove"):
        assert client.get(reverse(name))["Location"].startswith("/sign-in/?next=")


# --- MFA_REQUIRED -----------------------------------------------------------------------------


@pytest.fixture
def people(db):
    owner = User.objects.create_user("owner@northbridge.example", PASSWORD)
    partnership = make_partnership(owner)
    facilitator = User.objects.create_user("fac@northbridge.example", PASSWORD)
    add_member(partnership, facilitator, Role.FACILITATOR)
    viewer = User.objects.create_user("viewer@northbridge.example", PASSWORD)
    add_member(partnership, viewer, Role.VIEWER)
    staff = User.objects.create_user("staff@operator.example", PASSWORD, is_staff=True)
    nobody = User.objects.create_user("new@northbridge.example", PASSWORD)
    return {
        "owner": owner,
        "facilitator": facilitator,
        "viewer": viewer,
        "staff": staff,
        "nobody": nobody,
        "p": partnership,
    }


@pytest.mark.parametrize("who", ["owner", "facilitator", "staff"])
def test_required_mfa_sends_those_who_run_reviews_to_set_up_and_nowhere_else(client, people, settings, who):
    settings.MFA_REQUIRED = True
    user = people[who]
    response = sign_in_with_password(client, user)
    assert client.get(response["Location"])["Location"] == reverse("security-set-up")
    for path in ("/partnerships/", f"/partnerships/{people['p'].pk}/", "/account/api/", "/framework/", "/"):
        assert client.get(path)["Location"] == reverse("security-set-up"), path
    assert client.post(f"/partnerships/{people['p'].pk}/edit/", {"name": "x"})["Location"] == reverse("security-set-up")
    for name in ("security-set-up", "security", "privacy", "accessibility"):
        assert client.get(reverse(name)).status_code == 200, name
    html = client.get(reverse("security-set-up")).content.decode()
    assert "set up an authenticator app before you carry on" in html

    secret = client.session["together.signin.new_secret"]
    client.post(reverse("security-set-up"), {"code": code_for(secret)})
    assert client.get("/partnerships/").status_code == 200
    assert client.post(reverse("sign-out")).status_code == 302


def test_required_mfa_lets_people_sign_out(client, people, settings):
    settings.MFA_REQUIRED = True
    client.force_login(people["owner"])
    client.post(reverse("sign-out"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["viewer", "nobody"])
def test_required_mfa_does_not_force_viewers(client, people, settings, who):
    settings.MFA_REQUIRED = True
    client.force_login(people[who])
    assert client.get("/partnerships/").status_code == 200
    assert client.get(f"/partnerships/{people['p'].pk}/").status_code == (200 if who == "viewer" else 404)


def test_becoming_a_facilitator_brings_the_requirement(client, people, settings):
    settings.MFA_REQUIRED = True
    viewer = people["viewer"]
    client.force_login(viewer)
    assert client.get("/partnerships/").status_code == 200
    viewer.memberships.update(role=Role.FACILITATOR)
    assert client.get("/partnerships/")["Location"] == reverse("security-set-up")


def test_without_the_requirement_nobody_is_forced(client, people, settings):
    settings.MFA_REQUIRED = False
    client.force_login(people["owner"])
    assert client.get("/partnerships/").status_code == 200


def test_removing_the_app_when_required_sends_you_back_to_set_up(client, people, settings):
    settings.MFA_REQUIRED = True
    owner = people["owner"]
    enrol(owner)
    client.force_login(owner)
    assert "you will need to set up an app again" in client.get(reverse("security-remove")).content.decode()
    client.post(reverse("security-remove"), {"proof": PASSWORD})
    assert client.get("/partnerships/")["Location"] == reverse("security-set-up")


def test_the_api_is_not_redirected(client, people, settings):
    settings.MFA_REQUIRED = True
    client.force_login(people["owner"])
    assert client.get("/api/v1/partnerships/").status_code == 401


def test_mfa_required_follows_debug_unless_set():
    assert conf.read({"SECRET_KEY": "k"})["MFA_REQUIRED"] is True
    assert conf.read({"DEBUG": "true"})["MFA_REQUIRED"] is False
    assert conf.read({"DEBUG": "true", "MFA_REQUIRED": "true"})["MFA_REQUIRED"] is True
    assert conf.read({"SECRET_KEY": "k", "MFA_REQUIRED": "false"})["MFA_REQUIRED"] is False
