from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaperSettings


class PaperSettingsForm(forms.ModelForm):
    class Meta:
        model = PaperSettings
        fields = ["return_address", "double_keying"]
        labels = {
            "return_address": _("Where should people send their completed form?"),
            "double_keying": _("Key each form twice, by two different people, and list where they differ"),
        }
        help_texts = {
            "return_address": _(
                "Printed at the end of the form, for example a freepost address or a box at reception."
            ),
        }
        widgets = {"return_address": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"return_address": {"max_length": _("The return address must be 500 characters or fewer")}}


def keyed_from(post) -> dict:
    """What was keyed on the entry page, as the dict :mod:`.services` checks."""
    ratings, targets, comments = {}, {}, {}
    for name, value in post.items():
        if name.startswith("r-"):
            ratings[name[2:]] = value
        elif name.startswith("t-"):
            targets[name[2:]] = value
        elif name.startswith("c-"):
            comments[name[2:]] = value
    return {
        "variant": post.get("variant", ""),
        "organisation": post.get("organisation", ""),
        "group": post.get("group", ""),
        "ratings": ratings,
        "targets": targets,
        "priorities": post.getlist("priorities"),
        "comments": comments,
    }
