"""Where a round's pages offer its starter "how I saw it then": their own kept solo review.

The one way the round and results pages learn of a solo review, and only of the signed-in
reader's own: the tag asks for the review kept by ``request.user`` beside this round, so a page
rendered for anybody else finds nothing. No results, release, report or export code reads it."""

from __future__ import annotations

from django import template

from together.solo import services

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_review(context, round_):
    request = context.get("request")
    if request is None or round_ is None:
        return None
    return services.kept_for(request.user, round_.pk)
