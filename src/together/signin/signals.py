"""Security events, for an audit log to record.

``security_event`` is sent with ``user`` (the account concerned, or None when none is known),
``action`` (one of the names below) and ``detail`` (a short plain-English text). Nothing here
stores anything: whoever connects to the signal decides what to keep.
"""

# One signal for the whole service: the operator area's audit log records what is sent on it.
from together.operator.signals import security_event

MFA_ENROLLED = "mfa-enrolled"
MFA_REMOVED = "mfa-removed"
RECOVERY_CODES_REGENERATED = "recovery-codes-replaced"
RECOVERY_CODE_USED = "recovery-code-used"
WRONG_CODE = "wrong-code"
SSO_SIGN_IN = "sso-sign-in"
SSO_REFUSED = "sso-refused"


def send(user, action: str, detail: str = "", request=None, *, actor=None) -> None:
    """``actor``: who did it, when someone other than ``user`` (an operator)."""
    security_event.send(sender=__name__, user=user, action=action, detail=detail, request=request, actor=actor)
