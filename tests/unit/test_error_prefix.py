"""Error messages on form fields start with a visually hidden prefix in the page's language."""

import pytest
from django import forms

from together.web.templatetags import govuk


class _Form(forms.Form):
    comment = forms.CharField(widget=forms.Textarea, help_text="Say anything")


@pytest.fixture
def translated(monkeypatch):
    monkeypatch.setattr(govuk, "gettext", lambda text: {"Error:": "Gwall:"}.get(text, text))


def test_the_prefix_comes_through_translation(translated):
    form = _Form(data={"comment": ""})
    assert not form.is_valid()
    html = govuk.govuk_textarea(form["comment"])
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in html
    assert "Error:" not in html
