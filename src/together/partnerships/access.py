"""Who may do what on a partnership. Every facilitator-side view goes through :func:`member_required`.

- Not a member of *that* partnership (including another partnership's facilitator): 404, so
  the partnership's existence is not even confirmed.
- A member whose role is too low: 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Role

READ = (Role.OWNER, Role.FACILITATOR, Role.VIEWER)
RUN = (Role.OWNER, Role.FACILITATOR)
OWN = (Role.OWNER,)


def membership_for(user, partnership_id: int, roles=READ) -> Membership:
    membership = (
        Membership.objects.select_related("partnership", "organisation")
        .filter(user=user, partnership_id=partnership_id)
        .first()
    )
    if membership is None:
        raise Http404("No such partnership")
    if membership.role not in roles:
        raise PermissionDenied
    return membership


def member_required(roles=READ):
    """Load ``partnership_id`` from the URL, check the role, and pass the membership on."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, partnership_id: int, *args, **kwargs):
            membership = membership_for(request.user, partnership_id, roles)
            request.membership = membership
            return view(request, membership.partnership, *args, **kwargs)

        return wrapped

    return decorator


def can_run(membership: Membership) -> bool:
    return membership.role in RUN


def can_own(membership: Membership) -> bool:
    return membership.role in OWN
