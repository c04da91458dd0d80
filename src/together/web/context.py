from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

SERVICE_NAME = "Transforming Together"


def service(request):
    path = request.path
    items = [
        (_("The framework"), reverse("framework")),
    ]
    if request.user.is_authenticated:
        items.insert(0, (_("Your partnerships"), reverse("partnerships")))
    else:
        items.append((_("Sign in"), reverse("sign-in")))
    navigation = [
        {"text": text, "href": href, "current": path == href or (href != "/" and path.startswith(href))}
        for text, href in items
    ]
    return {
        "service_name": SERVICE_NAME,
        "navigation": navigation,
        "operator_name": settings.OPERATOR_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "min_group_size": settings.MIN_GROUP_SIZE,
    }
