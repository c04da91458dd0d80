from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: the keying page's values and problems by field name."""
    if not hasattr(mapping, "get"):
        return None
    return mapping.get(key)
