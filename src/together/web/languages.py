"""Welsh and English addresses: "/…" is English, "/cy/…" Welsh, for every page.

The address decides the language of a page, so a link that is shared, bookmarked or emailed opens
in the language it was sent in. The reader's choice is also remembered in a cookie (the language
of the last page they read), and used in one place only: the service's home address, "/", typed
or bookmarked (not followed from one of the service's own pages), opens in Welsh for someone who
last read in Welsh. No other address is ever redirected by it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import URLResolver, translate_url
from django.urls.resolvers import LocalePrefixPattern
from django.utils.translation import get_language

WELSH = "cy"
ENGLISH = "en"
RESPONSE_LANGUAGES = (ENGLISH, WELSH)

# Each language is named in itself, and the offer to answer in it is made in it: these words are
# always shown in their own language, whatever the page's, so they are not in the catalogue.
LANGUAGE_NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}
ANSWER_IN = {ENGLISH: "Answer in English", WELSH: "Atebwch yn Gymraeg"}


def page_language(language: str | None = None) -> str:
    """ "cy" or "en": the two-letter language of a page (English for any "en-…" variant)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return WELSH if language.lower().startswith(WELSH) else ENGLISH


class _LanguagePrefix(LocalePrefixPattern):
    """Django's language prefix, taking any English ("en", "en-gb") as the unprefixed language, so
    that English reached by ``translation.override("en")`` has the same addresses as the pages."""

    @property
    def language_prefix(self) -> str:
        language = page_language()
        return "" if language == ENGLISH else f"{language}/"


def language_patterns(*urls) -> list[URLResolver]:
    """What ``i18n_patterns(*urls, prefix_default_language=False)`` gives, with the prefix above."""
    return [URLResolver(_LanguagePrefix(prefix_default_language=False), list(urls))]


def prefix(language: str | None = None) -> str:
    """What a page's address starts with in a language: "" in English, "/cy" in Welsh. For the
    questionnaire's addresses, which are written out rather than reversed, for speed."""
    return "" if page_language(language) == ENGLISH else f"/{WELSH}"


def other_language(request) -> dict[str, str]:
    """The header's link to this page in the other language, keeping the query string."""
    current = page_language()
    other = ENGLISH if current == WELSH else WELSH
    path = request.path
    target = translate_url(path, other)
    if target == path:  # not a page reversed by name (a 404, say): swap the prefix by hand
        bare = path[len(f"/{WELSH}") :] if path.startswith(f"/{WELSH}/") else path
        target = bare if other == ENGLISH else f"/{WELSH}{bare}"
    query = request.META.get("QUERY_STRING", "")
    if query:
        target = f"{target}?{query}"
    return {
        "language": other,
        "name": LANGUAGE_NAMES[other],
        "answer": ANSWER_IN[other],
        "href": target,
    }


class RememberLanguage:
    """Remembers the language of the page read in Django's language cookie, and opens the home
    address in the remembered language when it is typed or bookmarked (see the module's text).

    Comes after LocaleMiddleware. Sets the cookie only when it changes, and not at all for someone
    who has only read in English: most pages send none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if (
            request.method == "GET"
            and request.path_info == "/"
            and remembered == WELSH
            and not request.META.get("QUERY_STRING")
            and not _from_this_service(request)
        ):
            return HttpResponseRedirect(f"/{WELSH}/")
        response = self.get_response(request)
        language = page_language()
        content_type = response.get("Content-Type", "")
        # Someone who has only ever read in English is sent no cookie at all.
        changed = remembered != language and (remembered is not None or language == WELSH)
        if changed and response.status_code == 200 and content_type.startswith("text/html"):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _from_this_service(request) -> bool:
    """Whether the request followed a link on one of this service's own pages."""
    referer = request.META.get("HTTP_REFERER")
    if not referer:
        return False
    return urlsplit(referer).netloc == request.get_host()


def text(field, language: str | None = None) -> str:
    """Framework text (a :class:`~together.framework.schema.Text`) in the reader's language, or
    in English where it has no Welsh: the one way views and exports pick it. Templates use the
    ``tr`` filter, which also marks English on a Welsh page."""
    if field is None:
        return ""
    return field.get(page_language(language))
