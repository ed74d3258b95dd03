"""The matching pages of a KMB: the overview with its worklists, a flat's shortlist, a household's
suitable flats, "why not?" for a pair, the global proposal, and the proposals with their steps.

Housing-department staff never reach these pages (they show persons); the commission works on
anonymised summaries of its own. Administrators read them, audited, but do no matching."""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.models import Client, Ethos, Relationship
from clients.models.people import applicant_field
from housing.matching import engine, rules
from housing.matching.load import Problem, load_problem
from housing.matching_forms import (
    DeclineForm,
    LeaseFromProposalForm,
    NoteForm,
    PairsForm,
    ProposeForm,
    ReviewForm,
)
from housing.models import (
    DeclineReview,
    Flat,
    HousingApplication,
    Proposal,
    ProposalStatus,
)
from housing.services import matching as services
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors

SHORTLIST_LENGTH = 25
INELIGIBLE_SHOWN = 20
form_methods = require_http_methods(["GET", "POST"])


def posted(request):
    """The form data of a POST (even an empty one: no box ticked is an answer), else None."""
    return request.POST if request.method == "POST" else None


def own_kmb(user):
    """The KMB the user works for: matching is the KMB's work (administrators only read)."""
    if user.role not in access.CASEWORK_ROLES:
        raise PermissionDenied
    return user.organisation


def stall_worklist(proposals: QuerySet, *, now: datetime.datetime | None = None) -> dict:
    """Live proposals whose status has not moved for 14 days or more, and for 7 to 14 days."""
    now = now or timezone.now()
    two_weeks = now - datetime.timedelta(days=14)
    return {
        "over_14": proposals.stalled(days=14, now=now),
        "over_7": proposals.stalled(days=7, now=now).filter(status_changed_at__gte=two_weeks),
    }


def with_applicants(proposals: QuerySet) -> QuerySet:
    """Proposals as the lists show them: flat, code and the applicant's name in one query."""
    return proposals.select_related("flat__municipality", "application").annotate(
        applicant_first_name=applicant_field("first_name", "application__household"),
        applicant_last_name=applicant_field("last_name", "application__household"),
    )


def _problem(request, kmb, **narrowing) -> Problem | None:
    """The KMB's matching problem, or None with the reason shown (settings no one could meet)."""
    try:
        return load_problem(kmb=kmb, **narrowing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


# --- What the pages show about a pair ---------------------------------------------------------


@dataclass
class Explained:
    """A rule's result for a pair, as a sentence."""

    code: str
    passed: bool
    applies: bool
    text: str


@dataclass
class Part:
    """A score component of a pair: what it measures, its value 0..1, weight and points."""

    label: str
    value: float
    weight: float
    points: float


def parts_of(score_parts) -> list[Part]:
    return [
        Part(str(rules.COMPONENT_LABELS[p.code]), p.value, p.weight, p.points) for p in score_parts
    ]


@dataclass
class Row:
    """A household (on a flat's shortlist) or a flat (among a household's suitable flats)."""

    h: int
    f: int
    score: float | None
    rules: list[Explained]
    parts: list[Part] = field(default_factory=list)
    application: HousingApplication | None = None
    flat: Flat | None = None
    name: str = ""
    proposal: Proposal | None = None
    facts: dict = field(default_factory=dict)


def explained(results, municipalities: list[str]) -> list[Explained]:
    return [
        Explained(r.code, r.passed, r.applies, rules.sentence(r, municipalities)) for r in results
    ]


def _row(problem: Problem, h: int, f: int, *, eligible: bool) -> Row:
    results = problem.explain(h, f)
    if not eligible:
        results = [r for r in results if not r.passed]
    parts = parts_of(problem.score_parts(h, f)) if eligible else []
    score = float(problem.evaluation.score[h, f]) if eligible else None
    row = Row(h, f, score, explained(results, problem.municipality_names), parts)
    row.facts = _facts(problem.households, h)
    return row


def _facts(households: engine.Households, h: int) -> dict:
    """What the lists say about a household at a glance."""
    ethos = int(households.ethos[h])
    return {
        "persons": int(households.persons[h]),
        "children": int(households.children[h]),
        "waiting_days": int(households.waiting_days[h]),
        "ethos": Ethos(str(ethos)).label if ethos else "",
        "emergency": bool(households.emergency[h]),
        "vulnerable": bool(households.vulnerable[h]),
    }


def _rows(problem: Problem, pairs, *, eligible: bool) -> list[Row]:
    rows = [_row(problem, h, f, eligible=eligible) for h, f in pairs]
    _attach(problem, rows)
    return rows


def _attach(problem: Problem, rows: list[Row]) -> None:
    """Each row's application (with the applicant's name), flat and the pair's proposal, in
    three queries."""
    app_ids = {int(problem.application_ids[row.h]) for row in rows}
    flat_ids = {int(problem.flat_ids[row.f]) for row in rows}
    applications = HousingApplication.objects.select_related("case").in_bulk(app_ids)
    names = {
        household_id: f"{first} {last}"
        for household_id, first, last in Client.objects.filter(
            household__housing_applications__in=app_ids, relationship=Relationship.APPLICANT
        ).values_list("household_id", "first_name", "last_name")
    }
    flats = Flat.objects.select_related("municipality").in_bulk(flat_ids)
    proposals = {
        (p.application_id, p.flat_id): p
        for p in Proposal.objects.filter(application__in=app_ids, flat__in=flat_ids).exclude(
            status=ProposalStatus.WITHDRAWN
        )
    }
    for row in rows:
        row.application = applications[int(problem.application_ids[row.h])]
        row.flat = flats[int(problem.flat_ids[row.f])]
        row.name = names.get(row.application.household_id, "")
        row.proposal = proposals.get((row.application.pk, row.flat.pk))


def rule_counts(problem: Problem, masks: np.ndarray) -> list[tuple[str, int]]:
    """(rule name, how many of the pairs fail it) for the rules some pair fails."""
    counts = []
    for bit, code in enumerate(engine.RULES):
        failing = int(((masks.astype(np.int64) >> bit) & 1).sum())
        if failing:
            counts.append((rules.name(code), failing))
    return counts


# --- Overview ---------------------------------------------------------------------------------


@require_GET
@access.require(Can.VIEW_MATCHING)
def matching_overview(request):
    user = request.user
    today = timezone.localdate()
    applications = access.applications_visible_to(user, HousingApplication.objects.all())
    proposals = access.proposals_visible_to(user, Proposal.objects.all())
    free_flats = access.flats_visible_to(user, Flat.objects.free())
    context = {
        "waiting": applications.waiting(today).count(),
        "parked": applications.parked(today).count(),
        "live": proposals.live().count(),
        "free_count": free_flats.count(),
        "free_flats": free_flats.select_related("municipality").order_by(
            "municipality__name", "street", "number", "pk"
        )[:50],
        **{
            name: list(with_applicants(stalled).order_by("status_changed_at", "pk"))
            for name, stalled in stall_worklist(proposals).items()
        },
        "to_review": list(
            with_applicants(
                proposals.filter(
                    status=ProposalStatus.DECLINED, decline_review=DeclineReview.PENDING
                )
            ).order_by("status_changed_at", "pk")
        ),
        "may_match": user.role in access.CASEWORK_ROLES,
    }
    return render(request, "housing/matching/overview.html", context)


# --- A flat's shortlist, a household's suitable flats, a pair --------------------------------


@require_GET
@access.require(Can.VIEW_MATCHING)
def flat_shortlist(request, pk):
    kmb = own_kmb(request.user)
    flat = access.get_flat_for(request.user, Flat.objects.select_related("municipality"), pk)
    problem = _problem(request, kmb, flats=Flat.objects.filter(pk=flat.pk))
    context = {"flat": flat, "problem": problem, "rows": [], "ineligible": []}
    if problem is not None and len(problem.flat_ids):
        order = engine.shortlist(problem.evaluation, 0, limit=SHORTLIST_LENGTH)
        masks = problem.failures(f=[0])[:, 0]
        failing = np.flatnonzero(masks)
        context |= {
            "rows": _rows(problem, [(h, 0) for h in order], eligible=True),
            "eligible_count": int(problem.evaluation.eligible[:, 0].sum()),
            "ineligible": _rows(
                problem, [(h, 0) for h in failing[:INELIGIBLE_SHOWN]], eligible=False
            ),
            "ineligible_count": len(failing),
            "rule_counts": rule_counts(problem, masks),
        }
    record_read(request=request, obj=flat)
    return render(request, "housing/matching/shortlist.html", context)


@require_GET
@access.require(Can.VIEW_MATCHING)
def application_flats(request, pk):
    application = _application_for(request.user, pk)
    problem = _problem(
        request,
        application.household.kmb,
        applications=HousingApplication.objects.filter(pk=application.pk),
    )
    context = {"application": application, "problem": problem, "rows": [], "ineligible": []}
    if problem is not None and len(problem.application_ids):
        order = engine.suitable_flats(problem.evaluation, 0, limit=SHORTLIST_LENGTH)
        masks = problem.failures(h=[0])[0]
        failing = np.flatnonzero(masks)
        context |= {
            "rows": _rows(problem, [(0, f) for f in order], eligible=True),
            "eligible_count": int(problem.evaluation.eligible[0].sum()),
            "ineligible": _rows(
                problem, [(0, f) for f in failing[:INELIGIBLE_SHOWN]], eligible=False
            ),
            "ineligible_count": len(failing),
            "rule_counts": rule_counts(problem, masks),
            "may_propose": access.may_change_case_file(request.user, application.household),
        }
    record_read(request=request, obj=application)
    return render(request, "housing/matching/application_flats.html", context)


@require_GET
@access.require(Can.VIEW_MATCHING)
def pair(request, pk, flat):
    """Why (not)? Every rule's result for the household and the flat, and the score's parts."""
    application = _application_for(request.user, pk)
    flat = get_object_or_404(
        access.flats_visible_to(request.user, Flat.objects.select_related("municipality")).filter(
            municipality__orp_id=application.household.kmb.orp_id
        ),
        pk=flat,
    )
    problem = _problem(
        request,
        application.household.kmb,
        flats=Flat.objects.filter(pk=flat.pk),
        applications=HousingApplication.objects.filter(pk=application.pk),
    )
    row = None
    if problem is not None and len(problem.application_ids) and len(problem.flat_ids):
        row = _rows(problem, [(0, 0)], eligible=True)[0]
        row.score = row.score if problem.evaluation.eligible[0, 0] else None
    context = {
        "application": application,
        "flat": flat,
        "row": row,
        "problem": problem,
        "may_propose": access.may_change_case_file(request.user, application.household),
    }
    record_read(request=request, obj=application)
    return render(request, "housing/matching/pair.html", context)


def _application_for(user, pk) -> HousingApplication:
    applications = HousingApplication.objects.select_related("household__kmb", "case")
    return get_object_or_404(access.applications_visible_to(user, applications), pk=pk)


@require_POST
@access.require(Can.VIEW_MATCHING)
def flat_propose(request, pk):
    """Propose the flat to a household from the flat's shortlist or the household's suitable
    flats (`back` says which page to return to when the proposal is refused)."""
    user = request.user
    kmb = own_kmb(user)
    flat = access.get_flat_for(user, Flat.objects.all(), pk)
    applications = access.applications_visible_to(user, HousingApplication.objects.all())
    form = ProposeForm(request.POST, applications=applications.filter(household__kmb=kmb))
    if not form.is_valid():
        messages.error(request, _("Choose a household from the shortlist."))
        return redirect("housing:matching-flat", pk=flat.pk)
    application = form.cleaned_data["application"]
    try:
        proposal = services.propose(application=application, flat=flat, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.POST.get("back") == "application":
            return redirect("housing:matching-application", pk=application.pk)
        return redirect("housing:matching-flat", pk=flat.pk)
    messages.success(request, _("The flat has been proposed to the household."))
    return redirect(proposal)


# --- The global proposal ----------------------------------------------------------------------


@dataclass
class Allocation:
    """One flat and the household the optimal and the greedy allocation give it."""

    flat: Flat
    optimal: Row | None
    greedy: Row | None


@form_methods
@access.require(Can.VIEW_MATCHING)
def global_proposal(request):
    """All free flats assigned to waiting households with the highest total score, beside the
    first-come allocation; the chosen pairs of the first can be proposed at once."""
    user = request.user
    kmb = own_kmb(user)
    if request.method == "POST":
        return _propose_pairs(request, kmb)
    problem = _problem(request, kmb)
    context = {"problem": problem, "allocations": []}
    if problem is not None and len(problem.application_ids) and len(problem.flat_ids):
        evaluation = _without_holders(problem)
        optimal = engine.assign_optimal(evaluation)
        greedy = engine.assign_greedy(evaluation, problem.households)
        context |= {
            "allocations": _allocations(problem, optimal, greedy),
            "optimal": optimal,
            "greedy": greedy,
        }
    return render(request, "housing/matching/global.html", context)


def _without_holders(problem: Problem) -> engine.Evaluation:
    """The evaluation without the households that already hold a reserved or approved flat."""
    holders = Proposal.objects.filter(
        application__in=[int(pk) for pk in problem.application_ids],
        status__in=[ProposalStatus.RESERVED, ProposalStatus.APPROVED],
    ).values_list("application_id", flat=True)
    rows = [problem.application_index(pk) for pk in holders]
    evaluation = problem.evaluation
    if not rows:
        return evaluation
    eligible, score = evaluation.eligible.copy(), evaluation.score.copy()
    eligible[rows], score[rows] = False, -np.inf
    return engine.Evaluation(eligible=eligible, score=score)


def _allocations(problem: Problem, optimal, greedy) -> list[Allocation]:
    pairs = {*map(tuple, optimal.pairs.tolist()), *map(tuple, greedy.pairs.tolist())}
    rows = {(row.h, row.f): row for row in _rows(problem, sorted(pairs), eligible=True)}
    by_flat = {}
    for name, assignment in (("optimal", optimal), ("greedy", greedy)):
        for h, f in assignment.pairs.tolist():
            by_flat.setdefault(f, {})[name] = rows[(h, f)]
    flats = Flat.objects.select_related("municipality").in_bulk(
        [int(problem.flat_ids[f]) for f in by_flat]
    )
    return [
        Allocation(flats[int(problem.flat_ids[f])], chosen.get("optimal"), chosen.get("greedy"))
        for f, chosen in sorted(by_flat.items())
    ]


def _propose_pairs(request, kmb):
    user = request.user
    applications = access.applications_visible_to(user, HousingApplication.objects.all())
    form = PairsForm(
        request.POST,
        applications=applications.filter(household__kmb=kmb),
        flats=access.flats_visible_to(user, Flat.objects.all()),
    )
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["pairs"]))
        return redirect("housing:matching-global")
    try:
        proposals = services.propose_pairs(pairs=form.cleaned_data["pairs"], by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("housing:matching-global")
    count = len(proposals)
    messages.success(
        request,
        ngettext("%(count)s flat has been proposed.", "%(count)s flats have been proposed.", count)
        % {"count": count},
    )
    return redirect("housing:proposal-list")


# --- Proposals --------------------------------------------------------------------------------


@require_GET
@access.require(Can.VIEW_MATCHING)
def proposal_list(request):
    proposals = access.proposals_visible_to(request.user, Proposal.objects.all())
    status = request.GET.get("status", "live")
    if status == "live":
        proposals = proposals.live()
    elif status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(with_applicants(proposals).order_by("-status_changed_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": ProposalStatus.choices}
    return render(request, "housing/matching/proposal_list.html", context)


def _proposal_for(user, pk, *, write=False) -> Proposal:
    proposals = Proposal.objects.select_related(
        "application__household__kmb",
        "application__case__case_manager",
        "flat__municipality",
        "flat__owner",
        "proposed_by",
        "decline_reviewed_by",
        "lease",
    )
    proposal = get_object_or_404(access.proposals_visible_to(user, proposals), pk=pk)
    if write and not access.may_decide_proposal(user, proposal):
        raise PermissionDenied
    return proposal


@require_GET
@access.require(Can.VIEW_MATCHING)
def proposal_detail(request, pk):
    user = request.user
    proposal = _proposal_for(user, pk)
    snapshot = proposal.snapshot or {}
    may_decide = access.may_decide_proposal(user, proposal)
    context = {
        "proposal": proposal,
        "applicant": proposal.application.household.members.filter(
            relationship=Relationship.APPLICANT
        ).first(),
        "events": list(proposal.events.select_related("by")),
        "snapshot": snapshot,
        "taken_on": _date(snapshot.get("taken_on")),
        "rules": _snapshot_rules(snapshot),
        "parts": _snapshot_parts(snapshot),
        "may_decide": may_decide,
        "may_review": may_decide
        and access.can(user, Can.REVIEW_DECLINES)
        and proposal.status == ProposalStatus.DECLINED
        and proposal.decline_review == DeclineReview.PENDING,
    }
    record_read(request=request, obj=proposal)
    return render(request, "housing/matching/proposal_detail.html", context)


def _date(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def _snapshot_rules(snapshot: dict) -> list[Explained]:
    """The rules as they were evaluated when the proposal was made."""
    results = [
        engine.RuleResult(r["code"], r["passed"], r["applies"], r["values"])
        for r in snapshot.get("rules", [])
    ]
    return explained(results, snapshot.get("municipalities", []))


def _snapshot_parts(snapshot: dict) -> list[Part]:
    return parts_of(engine.ScorePart(**part) for part in snapshot.get("score_parts", []))


def _act(request, pk, action, *, done: str, form_class=NoteForm, capability=None):
    """Run a POST-only step on the proposal: `action(proposal, form)`, then back to its page."""
    proposal = _proposal_for(request.user, pk, write=True)
    if capability and not access.can(request.user, capability):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(proposal)
    try:
        action(proposal, form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(proposal)


@require_POST
@access.require(Can.VIEW_MATCHING)
def proposal_reserve(request, pk):
    return _act(
        request,
        pk,
        lambda proposal, form: services.reserve(proposal=proposal, by=request.user),
        done=_("The flat is reserved for the household."),
    )


@require_POST
@access.require(Can.VIEW_MATCHING)
def proposal_withdraw(request, pk):
    return _act(
        request,
        pk,
        lambda proposal, form: services.withdraw(
            proposal=proposal, note=form.cleaned_data["note"], by=request.user
        ),
        done=_("The proposal has been withdrawn."),
    )


@require_POST
@access.require(Can.VIEW_MATCHING)
def proposal_review(request, pk):
    return _act(
        request,
        pk,
        lambda proposal, form: services.review_decline(
            proposal=proposal, confirm=form.confirm, by=request.user
        ),
        done=_("The review of the decline has been recorded."),
        form_class=ReviewForm,
        capability=Can.REVIEW_DECLINES,
    )


@form_methods
@access.require(Can.VIEW_MATCHING)
def proposal_decline(request, pk):
    user = request.user
    proposal = _proposal_for(user, pk, write=True)
    form = DeclineForm(posted(request), kmb=proposal.application.household.kmb)

    def act(form):
        data = form.cleaned_data
        return services.decline(
            proposal=proposal,
            party=data["party"],
            reason=data["reason"],
            reason_text=data["reason_text"],
            note=data["note"],
            by=user,
        )

    return _form_page(
        request,
        form,
        proposal,
        act=act,
        title=_("Record a decline"),
        done=_("The decline has been recorded."),
    )


@form_methods
@access.require(Can.VIEW_MATCHING)
def proposal_lease(request, pk):
    user = request.user
    proposal = _proposal_for(user, pk, write=True)
    form = LeaseFromProposalForm.for_flat(posted(request), proposal.flat)
    return _form_page(
        request,
        form,
        proposal,
        act=lambda form: services.sign_lease(proposal=proposal, by=user, **form.cleaned_data),
        title=_("Sign the lease"),
        done=_("The lease has been recorded; the household is housed."),
    )


def _form_page(request, form, proposal, *, act, title: str, done: str):
    """Show `form` about the proposal; when it is valid, `act(form)` and go to what it returns.
    A refusal of the service shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(target)
    crumbs = [
        (reverse("housing:matching-overview"), _("Matching")),
        (proposal.get_absolute_url(), proposal),
    ]
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "back": crumbs[-1][0],
        "proposal": proposal,
    }
    record_read(request=request, obj=proposal)
    return render(request, "housing/matching/proposal_form.html", context)
