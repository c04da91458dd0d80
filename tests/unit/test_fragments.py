"""{% fragment %} draws its markup once per key and reuses it; anything outside is drawn each time."""

from django.template import Context, Engine
from django.urls import set_script_prefix

ENGINE = Engine(builtins=["together.web.templatetags.fragments"])


class Counter:
    def __init__(self):
        self.calls = 0

    def __str__(self):
        self.calls += 1
        return str(self.calls)


def test_markup_is_drawn_once_per_key():
    template = ENGINE.from_string("[{% fragment lang %}{{ counter }}-{{ lang }}{% endfragment %}|{{ counter }}]")
    counter = Counter()
    assert template.render(Context({"counter": counter, "lang": "en"})) == "[1-en|2]"
    assert template.render(Context({"counter": counter, "lang": "en"})) == "[1-en|3]"  # kept; outside drawn
    assert template.render(Context({"counter": counter, "lang": "cy"})) == "[4-cy|5]"  # another key
    assert template.render(Context({"counter": counter, "lang": "en"})) == "[1-en|6]"


def test_a_template_loaded_again_keeps_nothing_and_the_script_prefix_is_part_of_the_key():
    source = "{% fragment %}{{ counter }}{% endfragment %}"
    counter = Counter()
    first = ENGINE.from_string(source)
    assert first.render(Context({"counter": counter})) == "1"
    assert ENGINE.from_string(source).render(Context({"counter": counter})) == "2"
    try:
        set_script_prefix("/elsewhere/")
        assert first.render(Context({"counter": counter})) == "3"
    finally:
        set_script_prefix("/")
    assert first.render(Context({"counter": counter})) == "1"
