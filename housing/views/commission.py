"""The housing commission: its sessions, the agenda of anonymised summaries, decisions and
minutes; the summary of a proposal; and the case manager's recommendation to the commission.

The housing department prepares its municipality's sessions; the KMB of the ORP reads them.
Every page that shows a summary is audited. No page here shows a person: the household appears
only as its code and what the redaction policy lets through.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from housing import minutes, summaries
from housing.commission_forms import (
    AgendaItemForm,
    DecisionForm,
    RecommendationForm,
    SessionForm,
)
from housing.models import (
    AgendaItem,
    CommissionSession,
    HousingApplication,
    Proposal,
    ProposalStatus,
    SessionStatus,
)
from housing.services import commission as services
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors

form_methods = require_http_methods(["GET", "POST"])


def _session_for(user, pk: int, *, write: bool = False) -> CommissionSession:
    """The session if the user sees it (else 404); write=True: 403 unless they prepare it."""
    sessions = CommissionSession.objects.select_related("municipality", "created_by")
    session = get_object_or_404(access.sessions_visible_to(user, sessions), pk=pk)
    if write and not access.may_manage_session(user, session):
        raise PermissionDenied
    return session


def _item_for(user, pk: int, *, write: bool = False) -> AgendaItem:
    visible = access.sessions_visible_to(user, CommissionSession.objects.all())
    items = AgendaItem.objects.select_related("session__municipality", "proposal", "decided_by")
    item = get_object_or_404(items.filter(session__in=visible), pk=pk)
    if write and not access.may_manage_session(user, item.session):
        raise PermissionDenied
    return item


# --- Sessions ----------------------------------------------------------------------------------


@require_GET
@access.require(Can.VIEW_COMMISSION)
def session_list(request):
    sessions = access.sessions_visible_to(
        request.user, CommissionSession.objects.select_related("municipality")
    ).annotate(
        item_count=Count("items"), undecided_count=Count("items", filter=Q(items__decision=""))
    )
    context = {
        "planned": [s for s in sessions if s.status == SessionStatus.PLANNED],
        "closed": [s for s in sessions if s.status == SessionStatus.CLOSED],
        "may_create": access.can(request.user, Can.DECIDE_COMMISSION),
    }
    return render(request, "housing/commission/session_list.html", context)


@form_methods
@access.require(Can.DECIDE_COMMISSION)
def session_create(request):
    municipality = request.user.organisation.municipality
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(
            municipality=municipality, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The session is planned. Add the proposals to its agenda."))
        return redirect(session)
    context = {"form": form, "title": _("New session of the housing commission")}
    return render(request, "housing/commission/session_form.html", context)


@form_methods
@access.require(Can.DECIDE_COMMISSION)
def session_edit(request, pk):
    session = _session_for(request.user, pk, write=True)
    if session.status != SessionStatus.PLANNED:
        return _closed(request, session)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(session=form.instance, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(session)
    context = {"form": form, "title": _("Date and place of the session"), "session": session}
    return render(request, "housing/commission/session_form.html", context)


@require_GET
@access.require(Can.VIEW_COMMISSION)
def session_detail(request, pk):
    session = _session_for(request.user, pk)
    items = [_shown(item) for item in session.items.select_related("proposal", "decided_by")]
    record_read(request=request, obj=session)
    context = {
        "session": session,
        "items": items,
        "may_manage": access.may_manage_session(request.user, session),
        "is_planned": session.status == SessionStatus.PLANNED,
        "all_decided": bool(items) and all(shown["item"].decision for shown in items),
    }
    return render(request, "housing/commission/session_detail.html", context)


@require_POST
@access.require(Can.DECIDE_COMMISSION)
def session_close(request, pk):
    session = _session_for(request.user, pk, write=True)
    try:
        services.close_session(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is closed. Its minutes are final."))
    return redirect(session)


@require_GET
@never_cache
@access.require(Can.VIEW_COMMISSION)
def session_minutes(request, pk):
    session = _session_for(request.user, pk)
    items = [_shown(item) for item in session.items.select_related("proposal", "decided_by")]
    record_read(request=request, obj=session)
    body = minutes.render_minutes(session=session, items=items, request=request)
    filename = f"komise-{session.held_on:%Y-%m-%d}-{session.pk}.pdf"
    return HttpResponse(
        body,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(False, filename)},
    )


def _closed(request, session: CommissionSession):
    messages.error(request, _("The session is closed: its agenda and decisions are final."))
    return redirect(session)


# --- The agenda --------------------------------------------------------------------------------


@form_methods
@access.require(Can.DECIDE_COMMISSION)
def item_add(request, pk):
    session = _session_for(request.user, pk, write=True)
    if session.status != SessionStatus.PLANNED:
        return _closed(request, session)
    waiting = access.proposals_visible_to(
        request.user,
        Proposal.objects.filter(
            status=ProposalStatus.RESERVED, flat__municipality_id=session.municipality_id
        ).select_related("application", "flat__municipality"),
    ).exclude(agenda_items__decision="")
    form = AgendaItemForm(request.POST or None, proposals=waiting.order_by("status_changed_at"))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_agenda(
                session=session, proposal=form.cleaned_data["proposal"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The proposal is on the agenda."))
            return redirect(session)
    context = {"session": session, "form": form}
    return render(request, "housing/commission/item_add.html", context)


@require_GET
@access.require(Can.VIEW_COMMISSION)
def item_detail(request, pk):
    item = _item_for(request.user, pk)
    return _item_page(request, item, form=_decision_form(request, item))


@require_POST
@access.require(Can.DECIDE_COMMISSION)
def item_decide(request, pk):
    item = _item_for(request.user, pk, write=True)
    form = _decision_form(request, item, data=request.POST)
    if form is None:
        messages.error(request, _("This item is no longer waiting for a decision."))
        return redirect("housing:agenda-item-detail", pk=item.pk)
    if form.is_valid():
        try:
            services.record_decision(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Item %(order)s: the decision is recorded.") % {"order": item.order}
            )
            return redirect(item.session)
    return _item_page(request, item, form=form)


@require_POST
@access.require(Can.DECIDE_COMMISSION)
def item_remove(request, pk):
    item = _item_for(request.user, pk, write=True)
    try:
        services.remove_from_agenda(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The item is off the agenda."))
    return redirect(item.session)


def _decision_form(request, item: AgendaItem, data=None) -> DecisionForm | None:
    """The decision form while the item waits for one and the user prepares the session."""
    open_item = not item.decision and item.session.status == SessionStatus.PLANNED
    if not open_item or not access.may_manage_session(request.user, item.session):
        return None
    return DecisionForm(data, identifiers=services.COMMISSION_TEXT)


def _item_page(request, item: AgendaItem, *, form):
    record_read(request=request, obj=item)
    context = {
        **_shown(item),
        "session": item.session,
        "form": form,
        "may_manage": access.may_manage_session(request.user, item.session),
    }
    return render(request, "housing/commission/item_detail.html", context)


def _shown(item: AgendaItem) -> dict:
    summary, flat = summaries.frozen(item.summary)
    return {
        "item": item,
        "summary": summary,
        "rows": summary.rows(),
        "flat_rows": summaries.flat_rows(flat),
    }


# --- Summaries of proposals, and the recommendation -------------------------------------------


@require_GET
@access.require(Can.VIEW_COMMISSION)
def proposal_summary(request, pk):
    proposals = Proposal.objects.select_related("flat__municipality", "application")
    proposal = get_object_or_404(access.proposals_visible_to(request.user, proposals), pk=pk)
    record_read(request=request, obj=proposal.application)
    context = {"proposal": proposal}
    try:
        summary = summaries.summary_of(proposal.application_id, flat=proposal.flat)
    except ValidationError:
        context["unclean"] = True
    else:
        context["rows"] = summary.rows()
    context["flat_rows"] = summaries.flat_rows(summaries.flat_facts(proposal.flat))
    return render(request, "housing/commission/proposal_summary.html", context)


@form_methods
@access.require(Can.EDIT_CASES)
def application_recommendation(request, pk):
    applications = access.applications_visible_to(request.user, HousingApplication.objects.all())
    application = summaries.load_application(get_object_or_404(applications, pk=pk).pk)
    if not access.may_change_case_file(request.user, application.household):
        raise PermissionDenied
    form = RecommendationForm(
        request.POST or None,
        instance=application,
        identifiers=summaries.identifiers_of(application),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_recommendation(
                application=application, by=request.user, **_recommendation(form)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The recommendation for the commission is saved."))
            return redirect(application.case.get_absolute_url())
    record_read(request=request, obj=application)
    context = {"form": form, "application": application}
    return render(request, "housing/commission/recommendation_form.html", context)


def _recommendation(form: RecommendationForm) -> dict:
    data = form.cleaned_data
    return {
        "recommendation": data["recommendation"],
        "readiness": data["readiness"],
        "text": data["recommendation_text"],
    }
