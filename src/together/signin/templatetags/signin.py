from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from together.signin import oidc

register = template.Library()


@register.inclusion_tag("signin/_sso_button.html")
def sso_button(next_url=""):
    """The "Sign in with …" button, only when single sign-on is configured."""
    if not oidc.configured():
        return {"href": None}
    href = reverse("sso-start")
    if next_url:
        href += "?" + urlencode({"next": next_url})
    return {"href": href, "label": settings.OIDC_BUTTON_LABEL}
