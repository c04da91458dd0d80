"""GOV.UK Notify as a Django email backend.

``EMAIL_BACKEND=together.messaging.notify.NotifyEmailBackend`` sends every email through
Notify's API instead of SMTP. Notify sends from a template: the operator creates one email
template whose subject is ``((subject))`` and whose message is ``((body))``, and gives its id
as ``NOTIFY_TEMPLATE_ID``; a kind of message may have its own template
(``NOTIFY_TEMPLATE_IDS``, such as ``reminder=<id>``), with the same two fields. See
docs/deploying.md.
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


def template_for(kind: str | None) -> str:
    template = settings.NOTIFY_TEMPLATE_IDS.get(kind or "", "") or settings.NOTIFY_TEMPLATE_ID
    if not template:
        raise ImproperlyConfigured("NOTIFY_TEMPLATE_ID: is required to send email through GOV.UK Notify")
    return template


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        if not settings.NOTIFY_API_KEY:
            raise ImproperlyConfigured("NOTIFY_API_KEY: is required to send email through GOV.UK Notify")
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.EMAIL_TIMEOUT
        )
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.request_session.close()
            self.client = None

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        created = self.open()
        sent = 0
        try:
            for message in email_messages:
                template = template_for(getattr(message, "kind", None))
                for recipient in message.recipients():
                    try:
                        self.client.send_email_notification(
                            email_address=parseaddr(recipient)[1],
                            template_id=template,
                            personalisation={"subject": message.subject, "body": message.body},
                        )
                    except Exception:
                        if not self.fail_silently:
                            raise
                    else:
                        sent += 1
        finally:
            if created:
                self.close()
        return sent
