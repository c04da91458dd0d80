"""Facilitator pages for review rounds: set-up, lifecycle, links, invitations and response rates."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from together.frameworks import services as frameworks
from together.partnerships.access import READ, RUN, can_run, member_required
from together.web import languages
from together.web.languages import text as framework_text

from . import invitations, lifecycle
from .forms import InvitationUploadForm, RoundForm
from .models import Round, RoundKind, RoundState, VariantLink


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _round(partnership, round_id) -> Round:
    return get_object_or_404(Round.objects.select_related("framework_version"), pk=round_id, partnership=partnership)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def round_create(request, partnership):
    from together.framework.estimate import estimate

    entries = frameworks.visible(partnership)
    if not entries:
        messages.error(request, _("No framework is loaded yet, so a round cannot be created. Ask an administrator."))
        return redirect("partnership", partnership.pk)
    # "Bring in an earlier survey": a round made to hold another tool's file, which never opens.
    importing = request.GET.get("purpose") == "import"
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        frameworks=entries,
        initial={"bilingual": partnership.welsh_standards},
    )
    if importing:
        for name in ("closes_on", "open_link_enabled", "bilingual"):
            form.fields.pop(name)
    if request.method == "POST" and form.is_valid():
        from . import keys

        round_ = form.save(commit=False)
        round_.partnership = partnership
        round_.framework_version = form.chosen_entry().current
        round_.kind = form.cleaned_data["kind"]
        round_.open_link_code = keys.new_key()
        if importing:
            round_.open_link_enabled = False
        round_.save()
        if importing:
            messages.success(request, _("Round created for the earlier survey. Upload its export."))
            return redirect("import-upload", partnership.pk, round_.pk)
        messages.success(request, _("Round created. Check the details, then open it when you are ready."))
        return redirect("round", partnership.pk, round_.pk)
    options = [
        (
            entry,
            estimate(entry.current.framework),
            estimate(entry.current.framework.short_form()) if entry.current.framework.has_short_form else None,
        )
        for entry in entries
    ]
    return render(
        request,
        "reviews/round_create.html",
        {"form": form, "partnership": partnership, "options": options, "importing": importing},
    )


@member_required(READ)
def round_detail(request, partnership, round_id):
    from together.imports import services as imports
    from together.imports.models import ImportBatch, pending_in
    from together.releases import services as releases

    round_ = _round(partnership, round_id)
    base = _base_url(request)
    role = request.membership.role
    running = can_run(request.membership)
    release = releases.release_of(round_)
    # Counts by organisation and group come only from the release, with disclosure control;
    # while the round runs there is just the overall count.
    breakdown = None
    if release is not None and releases.may_see(round_, role):
        results = releases.obtain(round_, role, request.user).results
        if results.visible:
            organisations = results.group_sizes["organisation"]
            breakdown = {
                "tables": [
                    (_("By organisation"), _("Organisation"), [g for g in organisations if not isinstance(g.key, str)]),
                    (_("By sector"), _("Sector"), [g for g in organisations if isinstance(g.key, str)]),
                    (_("By respondent group"), _("Group"), results.group_sizes["group"]),
                ],
                "threshold": release.threshold,
            }
    context = {
        "partnership": partnership,
        "round": round_,
        "can_run": running,
        "transitions": lifecycle.available(round_),
        # The same link in each language, each opening the questionnaire in its language.
        "open_links": [
            (
                language,
                languages.LANGUAGE_NAMES[language],
                f"{base}{languages.prefix(language)}/r/{round_.open_link_code}/",
            )
            for language in languages.RESPONSE_LANGUAGES
        ],
        "counts": releases.live_counts(round_, role),
        "breakdown": breakdown,
        "release": release,
        "events": round_.events.select_related("user"),
        "framework": round_.framework,
        "threshold": settings.MIN_GROUP_SIZE,
    }
    if running:
        context["invitations"] = invitations.invitation_status(round_)
        context["emails"] = invitations.email_status(round_)
        context["batches"] = ImportBatch.objects.filter(round=round_).select_related("imported_by", "removed_by")
        context["import_refusal"] = imports.refusal(round_)
        context["pending_import"] = pending_in(round_.pk)
    if round_.bilingual:
        from together.framework.rules import missing_welsh

        context["welsh_missing"] = len(missing_welsh(round_.framework))
    context["variant_links"], context["variants_offered"] = _variant_links(round_, base)
    return render(request, "reviews/round.html", context)


def audience_name(variant) -> str:
    """Who answers a variant, as its link and results are headed."""
    from together.results.audiences import audience_name as name

    return name(variant)


def offer_label(variant) -> str:
    """The round page's button that gives a variant its link."""
    if variant.audience == "young_people" and variant.ages is not None:
        return _("Ask young people aged %(youngest)s to %(oldest)s") % {
            "youngest": variant.ages.youngest,
            "oldest": variant.ages.oldest,
        }
    if variant.audience == "easy_read":
        return _("Offer the easy read version")
    if variant.audience == "young_people":
        return _("Ask young people")
    return _("Ask residents too")


def _may_add_variants(round_: Round) -> bool:
    """A variant's link can be added to a full review that has not closed and was not imported."""
    return (
        round_.kind == RoundKind.FULL
        and round_.state in (RoundState.DRAFT, RoundState.OPEN)
        and round_.fieldwork_from is None
        and round_.open_link_code != ""
    )


def _variant_links(round_: Round, base: str) -> tuple[list, list]:
    """The round's links for other audiences (each in every language), and the framework's
    variants that could still be given one."""
    framework = round_.framework_version.framework
    links = []
    for link in round_.variant_links.all():
        try:
            variant = framework.variant(link.variant)
        except KeyError:
            continue
        addresses = [
            (language, languages.LANGUAGE_NAMES[language], f"{base}{languages.prefix(language)}/r/{link.code}/")
            for language in languages.RESPONSE_LANGUAGES
        ]
        links.append((link, variant, addresses, audience_name(variant)))
    linked = {link.variant for link, *_rest in links}
    offered = (
        [(v, offer_label(v)) for v in framework.variants if v.id not in linked] if _may_add_variants(round_) else []
    )
    return links, offered


@member_required(RUN)
@require_POST
def round_variant_link(request, partnership, round_id):
    """Add a link for a variant's audience (residents, say), or close or reopen it."""
    from . import keys

    round_ = _round(partnership, round_id)
    variant_id, action = request.POST.get("variant", ""), request.POST.get("action", "")
    framework = round_.framework_version.framework
    if variant_id not in {variant.id for variant in framework.variants}:
        messages.error(request, _("This round's framework has no such version of the questionnaire."))
        return redirect("round", partnership.pk, round_.pk)
    if action == "add":
        if not _may_add_variants(round_):
            messages.error(
                request,
                _(
                    "Residents and young people can be asked only in a full review that has not closed, "
                    "and not in an imported survey."
                ),
            )
        else:
            VariantLink.objects.get_or_create(round=round_, variant=variant_id, defaults={"code": keys.new_key()})
            messages.success(
                request,
                _("“%(title)s” now has its own link, which takes answers while the round is open.")
                % {"title": framework_text(framework.variant(variant_id).title)},
            )
    elif action in ("close", "reopen"):
        updated = VariantLink.objects.filter(round=round_, variant=variant_id).update(enabled=action == "reopen")
        if updated:
            messages.success(
                request,
                (
                    _("The link for “%(title)s” now accepts answers.")
                    if action == "reopen"
                    else _("The link for “%(title)s” is closed.")
                )
                % {"title": framework_text(framework.variant(variant_id).title)},
            )
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def round_edit(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state not in (RoundState.DRAFT, RoundState.OPEN):
        messages.error(request, _("A round's details can be changed only while it is a draft or open."))
        return redirect("round", partnership.pk, round_.pk)
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round_)
    if request.method == "POST" and form.is_valid():
        # Only the form's own fields: a full save would write back the state this request read,
        # undoing a close (or a release) made by someone else meanwhile.
        form.save(commit=False).save(update_fields=list(RoundForm.Meta.fields))
        messages.success(request, _("Round details saved."))
        return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "partnerships/form.html",
        {"form": form, "title": _("Edit round details"), "partnership": partnership},
    )


@member_required(RUN)
@require_POST
def round_transition(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    try:
        lifecycle.apply(round_, request.POST.get("transition", ""), request.user)
    except lifecycle.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The round is now %(state)s.") % {"state": round_.get_state_display().lower()})
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_POST
def round_open_link(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    enable = request.POST.get("enable") == "1"
    Round.objects.filter(pk=round_.pk).update(open_link_enabled=enable)
    messages.success(
        request,
        _("The open link now accepts answers.")
        if enable
        else _("The open link is closed. Personal invitations still work."),
    )
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_http_methods(["GET", "POST"])
def invitation_upload(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    form = InvitationUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    row_errors = []
    if round_.state not in (RoundState.DRAFT, RoundState.OPEN):
        messages.error(request, _("Invitations can be added only while a round is a draft or open."))
        return redirect("round", partnership.pk, round_.pk)
    if request.method == "POST" and form.is_valid():
        try:
            created = invitations.import_csv(round_, form.cleaned_data["file"].read())
        except invitations.InvitationsInvalid as invalid:
            row_errors = invalid.errors
            form.add_error("file", _("The file has %(n)s problem(s). Nothing was imported.") % {"n": len(row_errors)})
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s invitation added. It has not been emailed yet.",
                    "%(n)s invitations added. They have not been emailed yet.",
                    len(created),
                )
                % {"n": len(created)},
            )
            return redirect("round", partnership.pk, round_.pk)
    return render(
        request,
        "reviews/invitations_upload.html",
        {
            "form": form,
            "partnership": partnership,
            "round": round_,
            "row_errors": row_errors,
            "invitations": round_.invitations.select_related("organisation"),
        },
    )


@member_required(RUN)
@require_POST
def invitations_send(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state != RoundState.OPEN:
        messages.error(request, _("Open the round before you send invitations."))
    else:
        queued = invitations.send_invitations(round_, _base_url(request))
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(n)s invitation is being sent. This page shows how sending is going.",
                    "%(n)s invitations are being sent. This page shows how sending is going.",
                    queued,
                )
                % {"n": queued},
            )
        else:
            messages.info(request, _("Everyone invited has been emailed or is being emailed now."))
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_POST
def invitations_remind(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state != RoundState.OPEN:
        messages.error(request, _("Reminders can be sent only while the round is open."))
    else:
        queued = invitations.send_reminders(round_, _base_url(request))
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(n)s reminder is being sent to someone who has not responded.",
                    "%(n)s reminders are being sent to people who have not responded.",
                    queued,
                )
                % {"n": queued},
            )
        else:
            messages.info(request, _("Everyone who has not responded has a reminder on its way already."))
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
@require_POST
def invitations_retry(request, partnership, round_id):
    round_ = _round(partnership, round_id)
    if round_.state != RoundState.OPEN:
        messages.error(request, _("Emails can be sent only while the round is open."))
    else:
        queued = invitations.retry_failed(round_)
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(n)s failed email is being tried again.", "%(n)s failed emails are being tried again.", queued
                )
                % {"n": queued},
            )
        else:
            messages.info(request, _("No emails have failed, so there is nothing to try again."))
    return redirect("round", partnership.pk, round_.pk)


@member_required(RUN)
def import_progress(request, partnership, round_id, batch_id):
    from together.imports import services as imports
    from together.imports import wizard
    from together.imports.models import BatchState, ImportBatch

    from .importer import ImportProblem

    round_ = _round(partnership, round_id)
    batch = get_object_or_404(ImportBatch.all_objects, pk=batch_id, round=round_)
    stalled = imports.stalled(batch)
    running = batch.state == BatchState.PENDING and not stalled
    problems = [str(ImportProblem(p["row"], p["column"], p["message"])) for p in batch.problems]
    return render(
        request,
        "reviews/import_progress.html",
        {
            "partnership": partnership,
            "round": round_,
            "batch": batch,
            "running": running,
            "stalled": stalled,
            "writing": running and batch.checked >= batch.rows,
            "problems": problems,
            "can_map_again": batch.state == BatchState.FAILED and wizard.find(round_, request.user) is not None,
        },
    )


@member_required(RUN)
@require_POST
def import_remove(request, partnership, round_id, batch_id):
    from together.imports import services as imports
    from together.imports.models import ImportBatch

    round_ = _round(partnership, round_id)
    batch = get_object_or_404(ImportBatch, pk=batch_id, round=round_)
    try:
        removed = imports.remove(batch, request.user)
    except imports.ImportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s imported response from %(file)s removed.",
                "%(n)s imported responses from %(file)s removed.",
                removed,
            )
            % {"n": removed, "file": batch.file_name},
        )
    return redirect("round", partnership.pk, round_.pk)
