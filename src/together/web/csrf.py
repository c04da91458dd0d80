"""Send the CSRF cookie when it is new or has changed, not again on every page.

Django's CSRF middleware renews the cookie on every response whose page used the token, only to
push its expiry (a year) further out. Every questionnaire page has a form, so each one carried a
``Set-Cookie`` the browser already held, which cost a little on each side each time. Listed just
after Django's ``CsrfViewMiddleware``, this middleware sees the response first and drops that
renewal when the cookie would go back unchanged. The cookie is still sent on a first visit and
whenever the token changes (at sign-in); the protection itself is Django's, untouched.
"""

from django.conf import settings


class SendCsrfCookieOnlyWhenChanged:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        meta = request.META
        if (
            meta.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not settings.CSRF_USE_SESSIONS
            and meta.get("CSRF_COOKIE") is not None
            and meta.get("CSRF_COOKIE") == request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        ):
            meta["CSRF_COOKIE_NEEDS_UPDATE"] = False
        return response
