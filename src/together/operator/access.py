"""The operator area is for staff accounts only. Anyone signed in without staff access gets
"Page not found", so the area's existence is not confirmed; someone signed out is asked to sign in."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped
