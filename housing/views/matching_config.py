"""What a KMB manager configures for matching: weights and norms, each municipality's allocation
rules (both with a preview of what a change would do before it is saved) and the decline reasons.

Only managers (Can.CONFIGURE_MATCHING) reach these pages, each for their own KMB and the
municipalities of its ORP; another ORP's municipality or another KMB's reason is not found (404).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from housing.config_forms import DeclineReasonForm, DeclineReasonTextForm, RulesForm, SettingsForm
from housing.matching.preview import preview_change
from housing.models import DeclineParty, DeclineReason, FlatStatus, Program, Proposal
from housing.services import matching_config as services
from kmb import access
from kmb.access import Can
from kmb.lib.forms import add_errors
from kmb.territory.models import Municipality

form_methods = require_http_methods(["GET", "POST"])


def _crumbs(*more) -> list:
    return [(reverse("housing:matching-overview"), _("Matching")), *more]


def _form_or_preview(request, form, *, kind: str, template: str, save, done: str, **context):
    """The configuration form's one flow: "Preview" (the button, or htmx as the form changes)
    shows what the change of `kind` ("rules" or "settings") would do without saving; "Save"
    saves through `save(instance)` and comes back to the form."""
    previewing = request.method == "POST" and (
        request.htmx or request.POST.get("action") == "preview"
    )
    if request.method == "POST" and not previewing and form.is_valid():
        try:
            save(form.instance)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(request.path)
    if previewing:
        context |= _preview(request.user.organisation, form, kind=kind)
    context |= {"form": form, "previewing": previewing}
    if previewing and request.htmx:
        return render(request, f"{template}#preview", context)
    return render(request, template, context)


def _preview(kmb, form, *, kind: str) -> dict:
    if not form.is_valid():
        return {"preview": None, "preview_errors": [m for ms in form.errors.values() for m in ms]}
    try:
        preview = preview_change(kmb=kmb, **{kind: form.instance})
    except ValidationError as error:
        return {"preview": None, "preview_errors": error.messages}
    return {"preview": preview, "preview_errors": []}


# --- Weights and norms ------------------------------------------------------------------------


@form_methods
@access.require(Can.CONFIGURE_MATCHING)
def settings_edit(request):
    settings = services.settings_of(request.user.organisation)
    form = SettingsForm(request.POST or None, instance=settings)
    return _form_or_preview(
        request,
        form,
        template="housing/config/settings_form.html",
        save=lambda instance: services.save_settings(settings=instance, by=request.user),
        done=_("The matching settings have been saved. New proposals use them."),
        kind="settings",
        stored=settings.pk is not None,
        crumbs=_crumbs(),
        history=_history(settings),
    )


# --- Allocation rules of the ORP's municipalities ---------------------------------------------


def _municipalities(user):
    return Municipality.objects.filter(orp_id=user.organisation.orp_id)


@require_GET
@access.require(Can.CONFIGURE_MATCHING)
def rules_list(request):
    municipalities = (
        _municipalities(request.user)
        .select_related("allocation_rules")
        .annotate(free_flats=Count("flats", filter=Q(flats__status=FlatStatus.FREE)))
        .order_by("name", "pk")
    )
    rows = [(m, rules_summary(getattr(m, "allocation_rules", None))) for m in municipalities]
    return render(request, "housing/config/rules_list.html", {"rows": rows, "crumbs": _crumbs()})


def rules_summary(rules) -> list[str]:
    """The municipality's rules in short sentences, for the list."""
    if rules is None:
        return []
    lines = []
    if rules.require_residence:
        lines.append(_("permanent residence in the municipality"))
    if rules.max_municipal_debt is not None:
        lines.append(
            _("debt to the municipality at most %(amount)s CZK")
            % {"amount": formats.number_format(rules.max_municipal_debt, 0, force_grouping=True)}
        )
    if rules.require_valid_id:
        lines.append(_("valid identity documents"))
    if rules.require_landlord_consent:
        lines.append(_("consent to share with the landlord"))
    if rules.support_required_programs:
        lines.append(
            _("only with support: %(programs)s")
            % {"programs": _programs(rules.support_required_programs)}
        )
    if rules.max_rent is not None:
        lines.append(
            _("rent at most %(amount)s CZK (%(programs)s)")
            % {
                "amount": formats.number_format(rules.max_rent, 0, force_grouping=True),
                "programs": _programs(rules.max_rent_programs) or _("every program"),
            }
        )
    return lines


def _programs(codes) -> str:
    return ", ".join(str(Program(code).label).lower() for code in codes if code in Program.values)


def _history(instance) -> list[dict]:
    """The last saves of a settings or rules row: when, who, and which fields changed."""
    if instance.pk is None:
        return []
    records = list(instance.history.select_related("history_user").order_by("-history_id")[:11])
    entries = []
    previous_of = [*records[1:], None]
    for index, record in enumerate(records[:10]):
        previous = previous_of[index]
        if previous is None:
            fields = [_("first saved")]
        else:
            fields = [
                str(instance._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(previous).changes
                if change.field not in ("created_at", "updated_at")
            ]
        entries.append({"when": record.history_date, "who": record.history_user, "fields": fields})
    return entries


@form_methods
@access.require(Can.CONFIGURE_MATCHING)
def rules_edit(request, pk):
    municipality = get_object_or_404(_municipalities(request.user), pk=pk)
    rules = services.rules_of(municipality)
    form = RulesForm(request.POST or None, instance=rules)
    return _form_or_preview(
        request,
        form,
        template="housing/config/rules_form.html",
        save=lambda instance: services.save_rules(rules=instance, by=request.user),
        done=_("The allocation rules of %(municipality)s have been saved.")
        % {"municipality": municipality},
        kind="rules",
        municipality=municipality,
        crumbs=_crumbs((reverse("housing:matching-rules"), _("Allocation rules"))),
        history=_history(rules),
    )


# --- Decline reasons --------------------------------------------------------------------------


def _reasons(user):
    return DeclineReason.objects.filter(kmb_id=user.organisation_id)


@require_GET
@access.require(Can.CONFIGURE_MATCHING)
def reason_list(request):
    used = (
        Proposal.objects.filter(decline_reason=OuterRef("pk"))
        .order_by()
        .values("decline_reason")
        .annotate(count=Count("pk"))
        .values("count")
    )
    reasons = _reasons(request.user).annotate(used=Coalesce(Subquery(used), 0))
    groups = [
        (party.label, [reason for reason in reasons if reason.party == party])
        for party in DeclineParty
    ]
    context = {"groups": groups, "any": bool(reasons), "crumbs": _crumbs()}
    return render(request, "housing/config/reason_list.html", context)


@form_methods
@access.require(Can.CONFIGURE_MATCHING)
def reason_create(request):
    form = DeclineReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_decline_reason(
                kmb=request.user.organisation,
                party=form.cleaned_data["party"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The reason has been added to the list."))
            return redirect("housing:decline-reason-list")
    return _reason_form(request, form, _("New decline reason"))


@form_methods
@access.require(Can.CONFIGURE_MATCHING)
def reason_edit(request, pk):
    reason = get_object_or_404(_reasons(request.user), pk=pk)
    form = DeclineReasonTextForm(request.POST or None, instance=reason)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_decline_reason(
                reason=reason, text=form.cleaned_data["text"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The reason has been reworded. Decisions already recorded keep their wording."),
            )
            return redirect("housing:decline-reason-list")
    return _reason_form(request, form, _("Reword the decline reason"), reason=reason)


def _reason_form(request, form, title, **context):
    crumbs = _crumbs((reverse("housing:decline-reason-list"), _("Decline reasons")))
    context |= {"form": form, "title": title, "crumbs": crumbs, "back": crumbs[-1][0]}
    return render(request, "housing/config/reason_form.html", context)


@require_POST
@access.require(Can.CONFIGURE_MATCHING)
def reason_retire(request, pk):
    reason = get_object_or_404(_reasons(request.user), pk=pk)
    services.retire_decline_reason(reason=reason, by=request.user)
    messages.success(
        request,
        _("“%(reason)s” is no longer offered; decisions that used it keep it.")
        % {"reason": reason},
    )
    return redirect("housing:decline-reason-list")


@require_POST
@access.require(Can.CONFIGURE_MATCHING)
def reason_restore(request, pk):
    reason = get_object_or_404(_reasons(request.user), pk=pk)
    services.restore_decline_reason(reason=reason, by=request.user)
    messages.success(request, _("“%(reason)s” is offered again.") % {"reason": reason})
    return redirect("housing:decline-reason-list")
