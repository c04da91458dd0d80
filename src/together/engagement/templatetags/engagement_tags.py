from django import template

from together.engagement import services

register = template.Library()


@register.simple_tag
def engagement_notes(round_, theme_id=None):
    """The partnership's engagement notes that sit beside this round's results (and theme)."""
    if round_ is None:
        return []
    return services.for_round(round_, theme_id)
