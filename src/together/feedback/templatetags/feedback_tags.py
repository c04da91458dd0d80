"""The respondent's closed-round page links to the round's "you said, we did" once it is published."""

from __future__ import annotations

from django import template
from django.urls import reverse

from together.feedback import services

register = template.Library()


@register.simple_tag
def published_summary_url(round_) -> str:
    if round_ is None or services.published(round_) is None:
        return ""
    return reverse("you-said-we-did", args=[round_.public_id])


@register.simple_tag
def summary_written(round_) -> bool:
    from together.feedback.models import Summary

    summary = Summary.objects.filter(round=round_).first()
    return summary is not None and summary.written
