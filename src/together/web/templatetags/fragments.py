"""``{% fragment key … %}…{% endfragment %}``: markup drawn once per process and key, then reused.

For the parts of a page that depend only on what the keys name (the language, which navigation
item is current, a framework version and theme), such as the page head, the header and footer
and a theme's introduction. Unlike ``{% cache %}`` nothing is pickled or sent to a cache server:
the markup is kept on the template node itself, so a template that is loaded again (as the
development server does after an edit) starts with nothing kept. The script prefix is always part
of the key, and so is the language, as the markup holds addresses ("/cy/…" in Welsh).

Only what the keys determine may be inside: never a CSRF token, a user, a form or an answer.
"""

from django import template
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()

MAX_KEPT = 512  # per fragment; far more than languages × navigation states × themes


class FragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, keys: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.keys = keys
        self.kept: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (get_script_prefix(), get_language(), *(expression.resolve(context) for expression in self.keys))
        markup = self.kept.get(key)
        if markup is None:
            markup = self.nodelist.render(context)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = markup
        return markup


@register.tag
def fragment(parser, token):
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, keys)
