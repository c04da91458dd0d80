"""``{{ invitation|responded:round }}``: whether an invitation has sent answers, for the
invitations page. The round's used keys are read once and kept on the round for the page."""

from django import template

from together.reviews import invitations

register = template.Library()


@register.filter
def responded(invitation, round_) -> bool:
    used = getattr(round_, "_used_digests", None)
    if used is None:
        used = round_._used_digests = invitations.used_digests(round_)
    return invitations.has_responded(invitation, used)
