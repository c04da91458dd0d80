"""Facilitator pages for a partnership: set-up, organisations, groups and members."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from together.accounts.models import User
from together.operator import audit

from . import services
from .access import OWN, READ, RUN, can_own, can_run, member_required
from .forms import (
    ROLE_HINTS,
    GroupForm,
    InviteMemberForm,
    JoinForm,
    OrganisationForm,
    PartnershipForm,
    RoleForm,
)
from .models import Membership, Organisation, RespondentGroup


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
def partnership_list(request):
    memberships = Membership.objects.filter(user=request.user).select_related("partnership")
    return render(request, "partnerships/list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request):
    form = PartnershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        partnership = services.create_partnership(request.user, **form.cleaned_data)
        messages.success(request, _("Partnership created. Now add its partner organisations."))
        return redirect("partnership", partnership.pk)
    return render(request, "partnerships/form.html", {"form": form, "title": _("Create a partnership")})


@member_required(READ)
def partnership_detail(request, partnership):
    return render(
        request,
        "partnerships/detail.html",
        {
            "partnership": partnership,
            "membership": request.membership,
            "can_run": can_run(request.membership),
            "can_own": can_own(request.membership),
            "organisations": partnership.organisations.all(),
            "groups": partnership.groups.all(),
            "rounds": partnership.rounds.select_related("framework_version"),
        },
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def partnership_edit(request, partnership):
    form = PartnershipForm(request.POST if request.method == "POST" else None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partnership details saved."))
        return redirect("partnership", partnership.pk)
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "title": _("Edit partnership details"), "partnership": partnership},
    )


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def organisation_form(request, partnership, organisation_id=None):
    organisation = (
        get_object_or_404(Organisation, pk=organisation_id, partnership=partnership) if organisation_id else None
    )
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation, partnership=partnership
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.partnership = partnership
        saved.save()
        messages.success(request, _("%(name)s saved.") % {"name": saved.name})
        return redirect("partnership", partnership.pk)
    title = _("Change organisation") if organisation else _("Add a partner organisation")
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "title": title, "partnership": partnership, "delete": organisation},
    )


@member_required(RUN)
@require_POST
def organisation_delete(request, partnership, organisation_id):
    organisation = get_object_or_404(Organisation, pk=organisation_id, partnership=partnership)
    from together.reviews.models import RoundState

    # While a round is open, whether the removal works would say whether someone has chosen this
    # organisation, so it is refused with the same words either way.
    if partnership.rounds.filter(state=RoundState.OPEN).exists():
        messages.error(
            request,
            _("%(name)s cannot be removed while a round is open. Remove it after the round closes.")
            % {"name": organisation.name},
        )
        return redirect("partnership", partnership.pk)
    try:
        organisation.delete()
    except ProtectedError:
        messages.error(
            request,
            _("%(name)s has responses or invitations, so it cannot be removed.") % {"name": organisation.name},
        )
    else:
        messages.success(request, _("%(name)s removed.") % {"name": organisation.name})
    return redirect("partnership", partnership.pk)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def group_form(request, partnership, group_id=None):
    group = get_object_or_404(RespondentGroup, pk=group_id, partnership=partnership) if group_id else None
    form = GroupForm(request.POST if request.method == "POST" else None, instance=group, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.partnership = partnership
        if group is None:
            saved.position = partnership.groups.count()
        saved.save()
        messages.success(request, _("Group %(name)s saved.") % {"name": saved.name})
        return redirect("partnership", partnership.pk)
    title = _("Rename group") if group else _("Add a respondent group")
    return render(request, "partnerships/form.html", {"form": form, "title": title, "partnership": partnership})


@member_required(READ)
def members(request, partnership):
    return render(
        request,
        "partnerships/members.html",
        {
            "partnership": partnership,
            "memberships": partnership.memberships.select_related("user", "organisation"),
            "pending": partnership.member_invitations.filter(accepted_at__isnull=True),
            "can_own": can_own(request.membership),
        },
    )


@member_required(OWN)
@require_http_methods(["GET", "POST"])
def member_invite(request, partnership):
    form = InviteMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                partnership,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                request.user,
                _base_url(request),
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, _("An invitation is on its way to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("members", partnership.pk)
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "title": _("Invite a colleague"),
            "partnership": partnership,
            "role_hints": ROLE_HINTS,
        },
    )


@member_required(OWN)
@require_http_methods(["GET", "POST"])
def member_role(request, partnership, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, partnership=partnership)
    form = RoleForm(
        request.POST if request.method == "POST" else None,
        initial={"role": membership.role, "organisation": membership.organisation_id},
        partnership=partnership,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except services.MembershipError as error:
            form.add_error("role", str(error))
        else:
            Membership.objects.filter(pk=membership.pk).update(organisation=form.cleaned_data["organisation"])
            if form.cleaned_data["role"] != membership.role:
                audit.record(
                    audit.ROLE_CHANGED,
                    actor=request.user,
                    target=membership.user,
                    request=request,
                    detail=f"{partnership.name}: {membership.role} to {form.cleaned_data['role']}",
                )
            messages.success(request, _("Role changed for %(who)s.") % {"who": membership.user})
            return redirect("members", partnership.pk)
    title = _("Change role for %(who)s") % {"who": membership.user}
    return render(request, "partnerships/form.html", {"form": form, "title": title, "partnership": partnership})


@member_required(OWN)
@require_POST
def member_remove(request, partnership, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, partnership=partnership)
    try:
        services.remove_member(membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        audit.record(
            audit.MEMBER_REMOVED,
            actor=request.user,
            target=membership.user,
            request=request,
            detail=f"{partnership.name}: was {membership.role}",
        )
        messages.success(request, _("%(who)s removed from the partnership.") % {"who": membership.user})
    return redirect("members", partnership.pk)


@require_http_methods(["GET", "POST"])
def join(request, token):
    """Accept an owner's invitation: sign in, or create an account for the invited address."""
    invitation = services.find_member_invitation(token)
    if invitation is None:
        return render(request, "partnerships/join_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_member_invitation(invitation, request.user)
            except services.MembershipError as error:
                messages.error(request, str(error))
                return redirect("home")
            messages.success(request, _("You have joined %(p)s.") % {"p": invitation.partnership})
            return redirect("partnership", invitation.partnership_id)
        return render(request, "partnerships/join_confirm.html", {"invitation": invitation})
    if existing:
        return render(request, "partnerships/join_sign_in.html", {"invitation": invitation, "next": request.path})
    form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(invitation.email, form.cleaned_data["password"], name=form.cleaned_data["name"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.accept_member_invitation(invitation, user)
        messages.success(request, _("Your account is ready and you have joined %(p)s.") % {"p": invitation.partnership})
        return redirect("partnership", invitation.partnership_id)
    return render(request, "partnerships/join.html", {"invitation": invitation, "form": form})
