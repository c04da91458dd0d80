import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from together.web.integrity import WholeBodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "together.settings")
application = WholeBodies(get_wsgi_application(), settings.MAX_REQUEST_BYTES)
