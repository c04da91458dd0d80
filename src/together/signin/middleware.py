"""MFA_REQUIRED: owners, facilitators and staff without an authenticator app are sent to set one up."""

from django.conf import settings
from django.shortcuts import redirect

from . import mfa

# What someone who must set up an app can still reach: setting it up, signing out, and the pages
# every visitor may read.
REACHABLE = frozenset(
    {"security", "security-set-up", "security-recovery-codes", "sign-out", "accessibility", "privacy"}
)


class RequireMultiFactor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.url_name in REACHABLE or request.path.startswith("/api/"):
            # The API takes tokens, not sessions: a token is made on a page this gate covers.
            return None
        if request.session.get(mfa.SECOND_FACTOR_AT_PROVIDER):
            return None  # signed in through single sign-on, whose provider asked for the second factor
        if mfa.must_enrol(request.user):
            return redirect("security-set-up")
        return None
