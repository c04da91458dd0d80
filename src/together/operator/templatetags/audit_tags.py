from django import template

from together.operator import audit

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return audit.label(action)
