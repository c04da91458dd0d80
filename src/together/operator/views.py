"""The operator area: accounts, partnerships, sign-up requests and the audit log. Staff only."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from together.accounts.models import User
from together.messaging import delivery
from together.messaging.models import ACCOUNT_KINDS, OutgoingEmail, Status
from together.partnerships.models import Membership, Partnership, Role
from together.signin import mfa

from . import audit, services, signup
from .access import staff_required
from .forms import AccountSearchForm, AuditFilterForm, InviteForm, RefuseForm
from .models import AuditEvent, SignupRequest, SignupState
from .paging import paginate


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@staff_required
@require_GET
def home(request):
    return render(
        request,
        "operator/home.html",
        {
            "accounts": User.objects.count(),
            "disabled": User.objects.filter(is_active=False).count(),
            "partnerships": Partnership.objects.count(),
            "signups": SignupRequest.objects.filter(state=SignupState.WAITING).count(),
            "signup_on": signup.enabled(),
        },
    )


@staff_required
@require_GET
def accounts(request):
    form = AccountSearchForm(request.GET)
    people = User.objects.order_by("email")
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        people = people.filter(email__icontains=query)
    failed = _failed_account_emails()
    return render(
        request,
        "operator/accounts.html",
        {
            "form": form,
            "query": query,
            "failed_emails": failed[:FAILED_SHOWN],
            "failed_count": failed.count(),
            **paginate(request, people, 25),
        },
    )


FAILED_SHOWN = 20


def _failed_account_emails():
    """Emails about accounts, sign-ups and joining partnerships that failed for good."""
    return (
        OutgoingEmail.objects.filter(kind__in=ACCOUNT_KINDS, status=Status.FAILED)
        .select_related("account", "member_invitation", "signup")
        .order_by("-updated_at", "-pk")
    )


@staff_required
@require_POST
def account_emails_retry(request):
    queued = delivery.retry(_failed_account_emails())
    if queued:
        messages.success(
            request,
            ngettext("%(n)s failed email is being tried again.", "%(n)s failed emails are being tried again.", queued)
            % {"n": queued},
        )
    else:
        messages.error(request, _("No account emails have failed."))
    return redirect("operator:accounts")


@staff_required
@require_http_methods(["GET", "POST"])
def account_invite(request):
    may_make_operators = request.user.is_superuser
    form = InviteForm(request.POST if request.method == "POST" else None, may_make_operators=may_make_operators)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite(
                form.cleaned_data["email"],
                form.cleaned_data["name"],
                by=request.user,
                base_url=_base_url(request),
                operator=form.cleaned_data.get("operator", False),
                request=request,
            )
        except services.AccountError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("An invitation is on its way to %(email)s.") % {"email": user.email})
            return redirect("operator:account", user.pk)
    return render(request, "operator/invite.html", {"form": form, "days": settings.INVITATION_TIMEOUT // 86400})


@staff_required
@require_GET
def account(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    memberships = Membership.objects.filter(user=person).select_related("partnership").order_by("partnership__name")
    events = audit.involving(AuditEvent.objects.all(), person)[:10]
    return render(
        request,
        "operator/account.html",
        {
            "person": person,
            "memberships": memberships,
            "events": events,
            "invited_only": services.invited_only(person),
            "is_self": person.pk == request.user.pk,
            "has_app": mfa.has_device(person),
        },
    )


@staff_required
@require_POST
def account_remove_app(request, user_id):
    """For someone who has lost the phone with their authenticator app and every recovery code."""
    person = get_object_or_404(User, pk=user_id)
    if person.pk == request.user.pk:
        messages.error(request, _("Remove your own app from Sign-in security, with a code or your password."))
    elif not mfa.has_device(person):
        messages.error(request, _("%(email)s has no authenticator app set up.") % {"email": person.email})
    else:
        mfa.remove(person, by=request.user, request=request)
        messages.success(
            request,
            _(
                "%(email)s's authenticator app and recovery codes are removed. "
                "They can set up a new app when they next sign in."
            )
            % {"email": person.email},
        )
    return redirect("operator:account", person.pk)


@staff_required
@require_POST
def account_active(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    wanted = request.POST.get("active")
    if wanted not in ("yes", "no"):
        messages.error(request, _("Choose whether to disable or enable the account."))
        return redirect("operator:account", person.pk)
    try:
        services.set_active(person, wanted == "yes", by=request.user, request=request)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        if wanted == "yes":
            messages.success(request, _("%(email)s can sign in again.") % {"email": person.email})
        else:
            messages.success(
                request, _("%(email)s is disabled and has been signed out everywhere.") % {"email": person.email}
            )
    return redirect("operator:account", person.pk)


@staff_required
@require_POST
def account_reinvite(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    try:
        services.invite_again(person, by=request.user, base_url=_base_url(request), request=request)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": person.email})
    return redirect("operator:account", person.pk)


@staff_required
@require_GET
def partnerships(request):
    owners = Membership.objects.filter(role=Role.OWNER).select_related("user").order_by("user__email")
    listed = (
        Partnership.objects.annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(Prefetch("memberships", queryset=owners, to_attr="owners"))
        .order_by("name", "pk")
    )
    return render(request, "operator/partnerships.html", paginate(request, listed, 25))


@staff_required
@require_GET
def audit_log(request):
    recorded = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    form = AuditFilterForm(request.GET, recorded=list(recorded))
    events = AuditEvent.objects.all()
    filtered = form.is_valid()
    if filtered:
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        email = form.cleaned_data["account"].strip()
        if email:
            events = events.filter(
                Q(actor_email__iexact=email) | Q(target_email__iexact=email) | Q(actor__email__iexact=email)
            )
    return render(
        request, "operator/audit.html", {"form": form, "days": settings.AUDIT_LOG_DAYS, **paginate(request, events, 50)}
    )


@staff_required
@require_GET
def signups(request):
    return render(
        request,
        "operator/signups.html",
        {"signups": SignupRequest.objects.filter(state=SignupState.WAITING), "signup_on": signup.enabled()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def signup_decide(request, signup_id):
    request_ = get_object_or_404(SignupRequest, pk=signup_id, state=SignupState.WAITING)
    form = RefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "approve":
            try:
                user = signup.approve(request_, by=request.user, base_url=_base_url(request), request=request)
            except signup.SignupError as error:
                messages.error(request, str(error))
                return redirect("operator:signups")
            messages.success(
                request, _("Approved: %(email)s has been sent a link to set a password.") % {"email": user.email}
            )
            return redirect("operator:signups")
        if decision == "refuse" and form.is_valid():
            signup.refuse(
                request_, by=request.user, note=form.cleaned_data["note"], base_url=_base_url(request), request=request
            )
            messages.success(request, _("Refused: %(email)s has been told.") % {"email": request_.email})
            return redirect("operator:signups")
        if decision not in ("approve", "refuse"):
            form.add_error(None, _("Choose whether to approve or refuse the request."))
    return render(request, "operator/signup.html", {"signup": request_, "form": form})
