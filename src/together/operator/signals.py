"""Signals other parts of the service send for the audit log to record.

``security_event`` is for security changes outside this app, such as two-factor authentication
or single sign-on: ``security_event.send(sender, user=…, action="mfa-enabled", detail="…")``, with
``request=`` too when there is one, so the client's address is recorded. ``user`` is the account
the event is about; ``actor`` may be given when someone else did it.
"""

from django.dispatch import Signal

security_event = Signal()
