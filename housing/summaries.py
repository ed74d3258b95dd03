"""The anonymised case summary of a housing application, as the housing commission reads it.

This module only loads: it reads the household's records from the ORM (a constant number of
queries, however large the household and its history) and hands plain facts to the redaction
policy (`kmb.redaction.redact_case_summary`), which alone decides what leaves the KMB. Nothing
here formats a person's data for an output. Only code-list labels are passed on, never a free-text
field (a foundation's name, a note, a description of the situation).
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clients.models import (
    Benefit,
    BenefitKind,
    BenefitState,
    Client,
    CreditorKind,
    Debt,
    DebtState,
    DsspComponent,
    Ethos,
    HousingSituation,
    Income,
    Relationship,
    SupportIntensity,
)
from clients.models.debts import OUTSTANDING_STATES
from housing.models import Flat, HousingApplication, Readiness, Recommendation
from kmb.redaction import (
    AnonymisedSummary,
    DebtFacts,
    HouseholdIdentifiers,
    MemberFacts,
    Residence,
    format_czk,
    municipality_label,
    redact_case_summary,
)
from providers.models import (
    AssistancePlan,
    CooperationEndReason,
    GoalState,
    PlanStatus,
    SupportVisit,
    VisitKind,
)


def load_application(pk: int) -> HousingApplication:
    """The application with everything its summary and the free-text checker need, in a
    constant number of queries."""
    today = timezone.localdate()
    return (
        HousingApplication.objects.select_related(
            "household__permanent_residence__orp", "household__kmb", "case"
        )
        .prefetch_related(
            Prefetch("household__members", queryset=_members_with_debts()),
            Prefetch(
                "household__situations",
                queryset=HousingSituation.objects.order_by("-since", "-pk"),
            ),
            Prefetch("household__incomes", queryset=Income.objects.current(today).order_by("pk")),
            Prefetch("household__benefits", queryset=Benefit.objects.current(today).order_by("pk")),
            Prefetch(
                "household__assistance_plans",
                queryset=AssistancePlan.objects.prefetch_related("goals"),
            ),
        )
        .get(pk=pk)
    )


def _members_with_debts():
    return Client.objects.order_by("pk").prefetch_related(
        Prefetch(
            "debts",
            queryset=Debt.objects.filter(state__in=OUTSTANDING_STATES).order_by("pk"),
        )
    )


def identifiers_of(application: HousingApplication) -> HouseholdIdentifiers:
    """What identifies the household, for the free-text checker only (never for an output):
    its members' names, dates of birth, birth numbers, phones and e-mails, where it lives, and its
    municipality of residence when that is too small to be named."""
    household = application.household
    members = list(household.members.all())
    residence = household.permanent_residence
    places = []
    if residence and municipality_label(*_residence(household)) != residence.name:
        places.append(residence.name)
    return HouseholdIdentifiers(
        names=tuple(f"{m.first_name} {m.last_name}" for m in members),
        birth_dates=tuple(m.birth_date for m in members),
        birth_numbers=tuple(m.birth_number for m in members if m.birth_number),
        phones=tuple(m.phone for m in members if m.phone),
        emails=tuple(m.email for m in members if m.email),
        addresses=tuple(
            a for a in (household.address, household.permanent_residence_elsewhere) if a
        ),
        places=tuple(places),
    )


def summarise(application: HousingApplication, *, flat: Flat) -> AnonymisedSummary:
    """The anonymised summary of the application for the commission of `flat`'s municipality
    (the debt to that municipality is shown apart). `application` comes from `load_application`;
    a recommendation text that no longer passes the checker raises ValidationError."""
    household = application.household
    today = timezone.localdate()
    members = list(household.members.all())
    debts = [debt for member in members for debt in member.debts.all()]
    situation = next(iter(household.situations.all()), None)
    return redact_case_summary(
        code=application.pseudonym,
        identifiers=identifiers_of(application),
        members=[
            MemberFacts(age=m.age, relationship=Relationship(m.relationship).label) for m in members
        ],
        ethos=_ethos(situation),
        residence=_residence(household),
        monthly_income=_monthly_income(household),
        benefits=[_benefit_label(benefit) for benefit in household.benefits.all()],
        debts=[_debt_facts(debt, flat.municipality_id, today) for debt in debts],
        needs=_needs(application),
        plan_goals_met=_goals(household, met=True),
        plan_goals_total=_goals(household, met=False),
        cooperation=_cooperation(household),
        recommendation=(
            Recommendation(application.recommendation).label if application.recommendation else ""
        ),
        readiness=[Readiness(code).label for code in application.readiness],
        recommendation_text=application.recommendation_text,
    )


def summary_of(pk: int, *, flat: Flat) -> AnonymisedSummary:
    return summarise(load_application(pk), flat=flat)


def flat_facts(flat: Flat) -> dict:
    """The proposed flat as the commission of its own municipality sees it (a flat is not a
    person: its address may be shown). JSON-ready, to be frozen with the summary."""
    return {
        "address": str(flat),
        "municipality": flat.municipality.name,
        "disposition": flat.get_disposition_display(),
        "area": str(flat.area),
        "floor": flat.floor,
        "barrier_free": flat.barrier_free,
        "rent": str(flat.rent),
        "service_charges": str(flat.service_charges),
        "program": flat.get_program_display(),
        "kind": flat.get_kind_display(),
    }


# --- The facts, from the loaded records ---------------------------------------------------------


def _ethos(situation: HousingSituation | None) -> str:
    if situation is None:
        return _("not recorded")
    label = Ethos(situation.ethos).label
    return f"{label} ({_('commercial hostel')})" if situation.in_commercial_hostel else label


def _residence(household) -> Residence | None:
    municipality = household.permanent_residence
    if municipality:
        return Residence(municipality.name, municipality.population, municipality.orp.name)
    if household.permanent_residence_elsewhere:
        # Outside the KMB's area: the size is unknown, so the place is never named.
        return Residence(household.permanent_residence_elsewhere, None, "")
    return None


def _monthly_income(household) -> Decimal:
    """Current incomes and granted monthly benefits; a benefit applied for is not income yet."""
    incomes = sum((income.monthly_amount for income in household.incomes.all()), Decimal(0))
    benefits = sum(
        (
            benefit.amount
            for benefit in household.benefits.all()
            if benefit.state == BenefitState.GRANTED and benefit.monthly and benefit.amount
        ),
        Decimal(0),
    )
    return incomes + benefits


def _benefit_label(benefit: Benefit) -> str:
    """The kind of benefit (and DSSP component) from the code lists; a foundation's name is
    free text and stays in the KMB."""
    label = BenefitKind(benefit.kind).label
    if benefit.dssp_component:
        label = f"{label}: {DsspComponent(benefit.dssp_component).label}"
    if benefit.state == BenefitState.APPLIED:
        label = f"{label} ({BenefitState.APPLIED.label.lower()})"
    return str(label)


def _debt_facts(debt: Debt, municipality_id: int, today) -> DebtFacts:
    to_municipality = (
        debt.creditor_kind == CreditorKind.MUNICIPALITY
        and debt.creditor_municipality_id == municipality_id
    )
    return DebtFacts(
        creditor=CreditorKind(debt.creditor_kind).label,
        amount=debt.current_amount,
        to_municipality=to_municipality,
        # A confirmation older than the KMB's own limit is not a figure to decide on.
        confirmed=to_municipality and not debt.confirmation_is_stale(today),
        distraint=debt.state == DebtState.DISTRAINT,
        insolvency=debt.state == DebtState.INSOLVENCY,
    )


def _needs(application: HousingApplication) -> list[str]:
    household = application.household
    needs = []
    if application.emergency:
        needs.append(_("emergency"))
    if application.vulnerable:
        needs.append(_("special vulnerability"))
    if household.barrier_free:
        needs.append(_("needs a barrier-free flat"))
    if household.support_intensity != SupportIntensity.NONE:
        needs.append(
            _("support: %(intensity)s")
            % {"intensity": SupportIntensity(household.support_intensity).label}
        )
    if household.pets:
        # Whether, not which: the pets field is free text.
        needs.append(_("has pets"))
    return needs


def _goals(household, *, met: bool) -> int:
    """Goals of all the household's assistance plans: those met, or all that count (a dropped
    goal is neither met nor failed)."""
    goals = [goal for plan in household.assistance_plans.all() for goal in plan.goals.all()]
    if met:
        return sum(goal.state == GoalState.MET for goal in goals)
    return sum(goal.state != GoalState.DROPPED for goal in goals)


def _cooperation(household) -> list[tuple[str, int]]:
    """Providers' reports counted by kind, and cooperations that ended by why they ended (code
    lists): counts only, never who reported, what or where."""
    visits = (
        SupportVisit.objects.filter(plan__household=household)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by("kind")
    )
    pairs = [(VisitKind(kind).label, count) for kind, count in visits]
    ended = Counter(
        plan.end_reason
        for plan in household.assistance_plans.all()
        if plan.status == PlanStatus.ENDED and plan.end_reason
    )
    pairs += [
        (_("Cooperation ended: %(reason)s") % {"reason": CooperationEndReason(code).label}, n)
        for code, n in sorted(ended.items())
    ]
    return pairs


# --- Showing a frozen summary -------------------------------------------------------------------


def frozen(item_summary: dict) -> tuple[AnonymisedSummary, dict]:
    """The summary and flat an agenda item keeps (see services.commission.add_to_agenda)."""
    return AnonymisedSummary.from_dict(item_summary["household"]), item_summary["flat"]


def flat_rows(facts: dict) -> list[tuple[str, str]]:
    """(heading, value) pairs of the proposed flat, in the current language."""
    yes_no = {True: _("yes"), False: _("no")}
    area = formats.number_format(Decimal(facts["area"]), 1, use_l10n=True)
    return [
        (_("Address"), facts["address"]),
        (_("Disposition"), facts["disposition"]),
        (_("Area"), f"{area} m²"),
        (_("Floor"), str(facts["floor"])),
        (_("Barrier-free"), yes_no[facts["barrier_free"]]),
        (_("Rent"), format_czk(Decimal(facts["rent"]))),
        (_("Service charges"), format_czk(Decimal(facts["service_charges"]))),
        (_("Program"), facts["program"]),
        (_("Kind"), facts["kind"]),
    ]
