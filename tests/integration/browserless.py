"""A respondent that walks the questionnaire over real HTTP, like a browser without JavaScript."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class HttpRespondent:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.url = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=60) as reply:
            self.url = reply.geturl()
            return reply.read().decode()

    def post(self, path: str, page: str, fields: list[tuple[str, str]]) -> str:
        token = CSRF.search(page).group(1)
        body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *fields]).encode()
        with self.opener.open(self.base_url + path, data=body, timeout=60) as reply:
            self.url = reply.geturl()
            return reply.read().decode()

    def fill_in(self, round_, framework, value: str = "4") -> str:
        """Everything up to the check-your-answers page; returns that page."""
        start = f"/r/{round_.open_link_code}/"
        page = self.post(start, self.get(start), [])
        base = f"/respond/{round_.public_id}"
        page = self.post(f"{base}/about/", page, [])
        for theme in framework.themes:
            page = self.post(f"{base}/theme/{theme.id}/", page, [(f"rating-{s.id}", value) for s in theme.statements])
        return self.post(f"{base}/priorities/", page, [("themes", framework.themes[0].id)])

    def submit(self, round_, check_page: str) -> str:
        return self.post(f"/respond/{round_.public_id}/check/", check_page, [])
