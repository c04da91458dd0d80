"""Every facilitator view against every kind of visitor: each sees only what their role on *that* partnership allows."""

import pytest

from tests.integration.helpers import add_member, make_partnership, make_round
from together.accounts.models import User
from together.partnerships.models import Membership, Role

pytestmark = pytest.mark.django_db

READ, RUN, OWN = "read", "run", "own"

# (method, path template, who may use it)
VIEWS = [
    ("get", "/partnerships/{p}/", READ),
    ("get", "/partnerships/{p}/edit/", RUN),
    ("post", "/partnerships/{p}/edit/", RUN),
    ("get", "/partnerships/{p}/organisations/add/", RUN),
    ("post", "/partnerships/{p}/organisations/add/", RUN),
    ("get", "/partnerships/{p}/organisations/{o}/", RUN),
    ("post", "/partnerships/{p}/organisations/{o}/remove/", RUN),
    ("get", "/partnerships/{p}/groups/add/", RUN),
    ("get", "/partnerships/{p}/groups/{g}/", RUN),
    ("get", "/partnerships/{p}/members/", READ),
    ("get", "/partnerships/{p}/members/invite/", OWN),
    ("post", "/partnerships/{p}/members/invite/", OWN),
    ("get", "/partnerships/{p}/members/{m}/role/", OWN),
    ("post", "/partnerships/{p}/members/{m}/remove/", OWN),
    ("get", "/partnerships/{p}/rounds/new/", RUN),
    ("post", "/partnerships/{p}/rounds/new/", RUN),
    ("get", "/partnerships/{p}/rounds/{r}/", READ),
    ("get", "/partnerships/{p}/rounds/{r}/edit/", RUN),
    ("post", "/partnerships/{p}/rounds/{r}/state/", RUN),
    ("post", "/partnerships/{p}/rounds/{r}/open-link/", RUN),
    ("get", "/partnerships/{p}/rounds/{r}/invitations/", RUN),
    ("post", "/partnerships/{p}/rounds/{r}/invitations/send/", RUN),
    ("post", "/partnerships/{p}/rounds/{r}/invitations/remind/", RUN),
    ("get", "/partnerships/{p}/rounds/{r}/import/{b}/", RUN),
    ("post", "/partnerships/{p}/rounds/{r}/invitations/retry/", RUN),
    ("get", "/partnerships/{p}/actions/", READ),
    ("get", "/partnerships/{p}/actions/export.csv", READ),
    ("get", "/partnerships/{p}/actions/new/", RUN),
    ("post", "/partnerships/{p}/actions/new/", RUN),
    ("get", "/partnerships/{p}/actions/{a}/", READ),
    ("get", "/partnerships/{p}/actions/{a}/edit/", RUN),
]

ALLOWED = {
    "owner": {READ, RUN, OWN},
    "facilitator": {READ, RUN},
    "viewer": {READ},
}


@pytest.fixture
def world(framework_version):
    owner = User.objects.create_user("owner@northbridge.example", "pw-for-tests-only-1")
    partnership = make_partnership(owner)
    facilitator = User.objects.create_user("facilitator@northbridge.example", "pw-for-tests-only-1")
    viewer = User.objects.create_user("viewer@northbridge.example", "pw-for-tests-only-1")
    add_member(partnership, facilitator, Role.FACILITATOR)
    viewer_membership = add_member(partnership, viewer, Role.VIEWER)
    outsider = User.objects.create_user("owner@elsewhere.example", "pw-for-tests-only-1")
    make_partnership(outsider, name="Elsewhere Partnership", organisations=("Elsewhere Council",))
    round_ = make_round(partnership, framework_version)
    from together.actions.models import Action
    from together.imports.models import BatchState, ImportBatch

    action = Action.objects.create(partnership=partnership, title="Joint briefing")
    batch = ImportBatch.all_objects.create(
        round=round_, file_name="last-year.csv", sha256="0" * 64, rows=10, state=BatchState.PENDING
    )
    ids = {
        "a": action.pk,
        "p": partnership.pk,
        "o": partnership.organisations.first().pk,
        "g": partnership.groups.first().pk,
        "m": viewer_membership.pk,
        "r": round_.pk,
        "b": batch.pk,
    }
    users = {"owner": owner, "facilitator": facilitator, "viewer": viewer, "outsider": outsider}
    return ids, users


@pytest.mark.parametrize(("method", "template", "needs"), VIEWS, ids=[f"{m} {t}" for m, t, _ in VIEWS])
@pytest.mark.parametrize("who", ["owner", "facilitator", "viewer", "outsider", "anonymous"])
def test_permission_matrix(client, world, method, template, needs, who):
    ids, users = world
    url = template.format(**ids)
    if who != "anonymous":
        client.force_login(users[who])
    response = getattr(client, method)(url)
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url
    elif who == "outsider":
        assert response.status_code == 404, f"another partnership's owner must not learn {url} exists"
    elif needs in ALLOWED[who]:
        assert response.status_code in (200, 302), f"{who} should be able to {method} {url}"
    else:
        assert response.status_code == 403, f"{who} must not {method} {url}"


@pytest.mark.parametrize(
    "template",
    [
        "/partnerships/{p}/organisations/{other_o}/",
        "/partnerships/{p}/rounds/{other_r}/",
        "/partnerships/{p}/members/{other_m}/role/",
    ],
)
def test_objects_of_another_partnership_are_not_found_through_this_one(client, world, framework_version, template):
    ids, users = world
    other = Membership.objects.get(user=users["outsider"]).partnership
    other_round = make_round(other, framework_version)
    url = template.format(
        p=ids["p"],
        other_o=other.organisations.first().pk,
        other_r=other_round.pk,
        other_m=Membership.objects.get(user=users["outsider"]).pk,
    )
    client.force_login(users["owner"])
    assert client.get(url).status_code == 404


def test_partnership_list_shows_only_your_own(client, world):
    _, users = world
    client.force_login(users["viewer"])
    html = client.get("/partnerships/").content.decode()
    assert "Northbridge Partnership" in html
    assert "Elsewhere Partnership" not in html
