from django.conf import settings
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from together.web.languages import other_language, page_language

SERVICE_NAME = "Transforming Together"

# The navigation's addresses, worked out once per URL configuration, script prefix and language rather than
# on every page. The resolver is kept with them: a changed configuration (as tests make) has a
# new resolver, so the addresses are worked out again.
_addresses: dict[tuple[str, str], tuple[object, dict[str, str]]] = {}


def _navigation_addresses() -> dict[str, str]:
    resolver = get_resolver(get_urlconf())
    prefix = (get_script_prefix(), page_language())
    cached = _addresses.get(prefix)
    if cached is None or cached[0] is not resolver:
        names = ("framework", "partnerships", "sign-in", "account", "operator:home")
        cached = (resolver, {name: reverse(name) for name in names})
        _addresses[prefix] = cached
    return cached[1]


def service(request):
    path = request.path
    addresses = _navigation_addresses()
    items = [
        (_("The framework"), addresses["framework"]),
    ]
    if request.user.is_authenticated:
        items.insert(0, (_("Your partnerships"), addresses["partnerships"]))
        items.append((_("Your account"), addresses["account"]))
        if request.user.is_staff:
            items.append((_("Operator"), addresses["operator:home"]))
    else:
        items.append((_("Sign in"), addresses["sign-in"]))
    navigation = [
        {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
        for text, href in items
    ]
    return {
        "service_name": SERVICE_NAME,
        "navigation": navigation,
        # What the signed-out header depends on, so base.html can cache it: which item is current.
        "navigation_key": "".join("1" if item["current"] else "0" for item in navigation),
        "operator_name": settings.OPERATOR_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "min_group_size": settings.MIN_GROUP_SIZE,
        "language_toggle": other_language(request),
    }
