"""The ORM adapter: the engine's arrays for one KMB, read from the database in a constant number of
queries (about fifteen, however many households and flats).

`load_problem` reads the KMB's waiting, unparked applications (rows `h`), the free flats of its ORP
(columns `f`), the allocation rules of the ORP's municipalities (index `m`, in id order), the KMB's
matching settings and the declines that keep pairs apart for good. The `Problem` it returns maps
the indices back to database ids; nothing about a person's name, birth date or address is read.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clients.models import (
    Benefit,
    BenefitState,
    Client,
    Consent,
    ConsentRecipient,
    CreditorKind,
    Debt,
    Household,
    HousingSituation,
    Income,
    SupportIntensity,
)
from clients.models.debts import OUTSTANDING_STATES
from housing.matching import engine
from housing.models import (
    DeclineParty,
    Flat,
    HousingApplication,
    MatchingSettings,
    MunicipalRules,
    Proposal,
)
from kmb.territory.models import Municipality
from providers.models import (
    HOUSING_SUPPORT_TYPES,
    AssistancePlan,
    ReferralState,
    Service,
    ServiceReferral,
)

SUPPORT_NEED = {
    SupportIntensity.NONE: 0,
    SupportIntensity.LOW: 1,
    SupportIntensity.MEDIUM: 2,
    SupportIntensity.HIGH: 3,
}
ADULT_AGE = 18


@dataclass(frozen=True, eq=False)
class Problem:
    """The engine's inputs for one KMB on one day, and the maps from indices to database ids.

    Row h: `application_ids[h]` (a HousingApplication) of household `household_ids[h]`; column f:
    `flat_ids[f]`; municipality index m: `municipality_ids[m]`. The declined pairs are already in
    `settings.excluded_pairs` / `settings.excluded_owner_pairs`; `exclusions` keeps them as
    database ids: (household id, flat id, owner id or None, party).
    """

    households: engine.Households
    flats: engine.Flats
    rules: engine.MunicipalRules
    settings: engine.Settings
    application_ids: np.ndarray
    household_ids: np.ndarray
    flat_ids: np.ndarray
    municipality_ids: list[int]
    municipality_names: list[str]
    exclusions: list[tuple[int, int, int | None, str]]
    settings_model: MatchingSettings
    rules_models: dict[int, MunicipalRules]
    today: datetime.date

    @cached_property
    def evaluation(self) -> engine.Evaluation:
        """Eligibility and scores of every pair (computed once per Problem)."""
        return engine.evaluate(self.households, self.flats, self.rules, self.settings)

    @cached_property
    def _application_index(self) -> dict[int, int]:
        return {int(pk): h for h, pk in enumerate(self.application_ids)}

    @cached_property
    def _flat_index(self) -> dict[int, int]:
        return {int(pk): f for f, pk in enumerate(self.flat_ids)}

    def application_index(self, application_id: int) -> int | None:
        """Row of the application, None if it is not waiting (or is parked) today."""
        return self._application_index.get(application_id)

    def flat_index(self, flat_id: int) -> int | None:
        """Column of the flat, None if it is not a free flat of the KMB's ORP."""
        return self._flat_index.get(flat_id)

    def municipality_index(self, municipality_id: int) -> int | None:
        try:
            return self.municipality_ids.index(municipality_id)
        except ValueError:
            return None

    def explain(self, h: int, f: int) -> list[engine.RuleResult]:
        return engine.explain(self.households, self.flats, self.rules, self.settings, h, f)

    def score_parts(self, h: int, f: int) -> list[engine.ScorePart]:
        return engine.score_parts(self.households, self.flats, self.rules, self.settings, h, f)

    def failures(self, h=None, f=None) -> np.ndarray:
        """Failure bitmasks of the block h × f (see engine.failures)."""
        return engine.failures(self.households, self.flats, self.rules, self.settings, h, f)

    def snapshot(self, h: int, f: int) -> dict:
        """What a proposal of flat f to household h is based on, as plain JSON: the rules of the
        flat's municipality, the weights and norms, the household's and the flat's inputs (no
        name, birth date or address), every rule's result and the score's parts. Municipality
        indices in the rule values point into `municipalities`."""
        hh, fl = self.households, self.flats
        m = int(fl.municipality[f])
        parts = self.score_parts(h, f)
        return _plain(
            {
                "taken_on": self.today.isoformat(),
                "score": sum(part.points for part in parts),
                "municipalities": self.municipality_names,
                "settings": _settings_snapshot(self.settings_model),
                "municipal_rules": {
                    **_rules_snapshot(self.rules_models.get(self.municipality_ids[m])),
                    "support_capacity": self.rules.support_capacity[m],
                },
                "household": {
                    "persons": hh.persons[h],
                    "children": hh.children[h],
                    "income": hh.income[h],
                    "ethos": hh.ethos[h],
                    "support_need": hh.support_need[h],
                    "vulnerable": hh.vulnerable[h],
                    "emergency": hh.emergency[h],
                    "barrier_free": hh.barrier_free[h],
                    "residence": hh.residence[h],
                    "municipal_debt": hh.municipal_debt[h, m],
                    "valid_id": hh.valid_id[h],
                    "landlord_consent": hh.landlord_consent[h],
                    "has_provider": hh.has_provider[h],
                    "waiting_days": hh.waiting_days[h],
                    "preferred": np.flatnonzero(hh.preferred[h]),
                },
                "flat": {
                    "municipality": m,
                    "rooms": fl.rooms[f],
                    "area": fl.area[f],
                    "rent": fl.rent[f],
                    "charges": fl.charges[f],
                    "program": engine.PROGRAMS[int(fl.program[f])],
                    "barrier_free": fl.barrier_free[f],
                },
                "rules": [
                    {"code": r.code, "passed": r.passed, "applies": r.applies, "values": r.values}
                    for r in self.explain(h, f)
                ],
                "score_parts": [
                    {"code": p.code, "value": p.value, "weight": p.weight, "points": p.points}
                    for p in parts
                ],
            }
        )


def load_problem(
    *,
    kmb,
    today: datetime.date | None = None,
    rules_override: dict[int, MunicipalRules] | None = None,
    settings_override: MatchingSettings | None = None,
    flats: QuerySet | None = None,
    applications: QuerySet | None = None,
) -> Problem:
    """The matching problem of the KMB (an Organisation) on `today`.

    rules_override: unsaved MunicipalRules by municipality id, used instead of the stored ones (a
    rule-change preview). settings_override: an unsaved MatchingSettings used instead of the KMB's.
    flats / applications: querysets that narrow the flats and applications considered (the flats
    are still only the free ones of the ORP, the applications only the KMB's waiting, unparked
    ones). Raises ValidationError (in the user's language) for settings or rules no household
    could meet."""
    day = today or timezone.localdate()
    settings_model = settings_override or _stored_settings(kmb)
    municipalities = list(
        Municipality.objects.filter(orp_id=kmb.orp_id).order_by("pk").values_list("pk", "name")
    )
    municipality_ids = [pk for pk, _name in municipalities]
    m_index = {pk: m for m, pk in enumerate(municipality_ids)}
    apps = HousingApplication.objects.of_kmb(kmb.pk).waiting(day)
    if applications is not None:
        apps = apps.filter(pk__in=applications.values("pk"))
    rows = _application_rows(apps)
    household_ids = np.array([row[1] for row in rows], np.int64)
    h_index = {int(pk): h for h, pk in enumerate(household_ids)}
    in_problem = apps.values("household_id")
    flat_rows = _free_flats(kmb, flats)
    flat_ids = np.array([row[0] for row in flat_rows], np.int64)
    rules_models = _rules_models(municipality_ids, rules_override or {})
    exclusions = _exclusions(in_problem)
    excluded_pairs, excluded_owner_pairs = _excluded_indices(
        exclusions, h_index, {int(pk): f for f, pk in enumerate(flat_ids)}
    )
    return Problem(
        households=_households(rows, in_problem, day, m_index),
        flats=_flats(flat_rows, m_index),
        rules=_rules(municipalities, rules_models),
        settings=_settings(settings_model, excluded_pairs, excluded_owner_pairs),
        application_ids=np.array([row[0] for row in rows], np.int64),
        household_ids=household_ids,
        flat_ids=flat_ids,
        municipality_ids=municipality_ids,
        municipality_names=[name for _pk, name in municipalities],
        exclusions=exclusions,
        settings_model=settings_model,
        rules_models=rules_models,
        today=day,
    )


def _settings_snapshot(model: MatchingSettings) -> dict:
    return {
        "weights": model.weights(),
        "max_persons_per_room": str(model.max_persons_per_room),
        "min_area_per_person": str(model.min_area_per_person),
        "max_spare_rooms": model.max_spare_rooms,
        "max_housing_cost_share": model.max_housing_cost_share,
    }


def _rules_snapshot(model: MunicipalRules | None) -> dict:
    """The municipality's rules as configured (a municipality without rules requires nothing)."""
    model = model or MunicipalRules()
    money = (model.max_municipal_debt, model.max_rent)
    return {
        "require_residence": model.require_residence,
        "max_municipal_debt": None if money[0] is None else str(money[0]),
        "require_valid_id": model.require_valid_id,
        "require_landlord_consent": model.require_landlord_consent,
        "support_required_programs": list(model.support_required_programs),
        "max_rent": None if money[1] is None else str(money[1]),
        "max_rent_programs": list(model.max_rent_programs),
    }


def _plain(value):
    """JSON-safe: NumPy scalars and arrays as Python values, infinity (no limit) as None."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4) if np.isfinite(value) else None
    return value


# --- Households -------------------------------------------------------------------------------


def _application_rows(apps) -> list[tuple]:
    """The applications in the order they came (the first-come allocation's order)."""
    return list(
        apps.order_by("submitted_on", "pk").values_list(
            "pk",
            "household_id",
            "submitted_on",
            "emergency",
            "vulnerable",
            "household__barrier_free",
            "household__support_intensity",
            "household__permanent_residence_id",
        )
    )


def _households(rows, in_problem, day, m_index) -> engine.Households:
    n, n_m = len(rows), len(m_index)
    h_index = {row[1]: h for h, row in enumerate(rows)}
    members = _members(in_problem, day)
    income = _income(in_problem, day)
    ethos = _ethos(in_problem, day)
    persons = np.ones(n, np.int16)
    children = np.zeros(n, np.int16)
    valid_id = np.ones(n, bool)
    for household_id, count, dependants, missing_id in members:
        h = h_index[household_id]
        persons[h], children[h], valid_id[h] = max(count, 1), dependants, missing_id == 0
    return engine.Households(
        ids=np.array([row[0] for row in rows], np.int64),
        persons=persons,
        children=children,
        income=np.array([income.get(row[1], 0.0) for row in rows], np.float64),
        ethos=np.array([ethos.get(row[1], 0) for row in rows], np.int8),
        support_need=np.array([SUPPORT_NEED.get(row[6], 0) for row in rows], np.int8),
        vulnerable=np.array([row[4] for row in rows], bool),
        emergency=np.array([row[3] for row in rows], bool),
        barrier_free=np.array([row[5] for row in rows], bool),
        residence=np.array([m_index.get(row[7], -1) for row in rows], np.int32),
        municipal_debt=_municipal_debt(in_problem, h_index, m_index, (n, n_m)),
        valid_id=valid_id,
        landlord_consent=_flags(_landlord_consents(in_problem, day), h_index, n),
        has_provider=_flags(_with_provider(in_problem), h_index, n),
        waiting_days=np.array([(day - row[2]).days for row in rows], np.int32),
        preferred=_preferred(in_problem, h_index, m_index, (n, n_m)),
        arrival_order=np.arange(n, dtype=np.int64),
    )


def _members(in_problem, day):
    """(household id, persons, dependent children, adults without a valid ID) per household."""
    adult_born_by = _years_before(day, ADULT_AGE)
    return (
        Client.objects.filter(household_id__in=in_problem)
        .order_by()
        .values("household_id")
        .annotate(
            persons=Count("pk"),
            children=Count("pk", filter=Q(dependent_child=True)),
            missing_id=Count(
                "pk",
                filter=Q(has_valid_id=False, dependent_child=False, birth_date__lte=adult_born_by),
            ),
        )
        .values_list("household_id", "persons", "children", "missing_id")
    )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _float(expression):
    """Sums and amounts read as floats: the engine computes in floats, and converting thousands of
    Decimals is most of the adapter's time."""
    return Cast(expression, FloatField())


def _income(in_problem, day) -> dict[int, float]:
    """Monthly income including benefits granted and paid monthly."""
    totals: dict[int, float] = {}
    incomes = (
        Income.objects.current(day)
        .filter(household_id__in=in_problem)
        .order_by()
        .values("household_id")
        .annotate(total=_float(Sum("monthly_amount")))
        .values_list("household_id", "total")
    )
    benefits = (
        Benefit.objects.current(day)
        .filter(household_id__in=in_problem, state=BenefitState.GRANTED, monthly=True)
        .order_by()
        .values("household_id")
        .annotate(total=_float(Sum("amount")))
        .values_list("household_id", "total")
    )
    for household_id, total in [*incomes, *benefits]:
        totals[household_id] = totals.get(household_id, 0.0) + (total or 0.0)
    return totals


def _ethos(in_problem, day) -> dict[int, int]:
    """The ETHOS category of each household's latest situation (0 when none is recorded)."""
    latest: dict[int, int] = {}
    situations = (
        HousingSituation.objects.filter(household_id__in=in_problem, since__lte=day)
        .order_by("household_id", "-since", "-pk")
        .values_list("household_id", "ethos")
    )
    for household_id, ethos in situations:
        latest.setdefault(household_id, int(ethos))
    return latest


def _municipal_debt(in_problem, h_index, m_index, shape) -> np.ndarray:
    """Outstanding debts to each municipality that its housing department confirmed."""
    debt = np.zeros(shape, np.float32)
    rows = (
        Debt.objects.filter(
            debtor__household_id__in=in_problem,
            creditor_kind=CreditorKind.MUNICIPALITY,
            creditor_municipality_id__in=list(m_index),
            state__in=OUTSTANDING_STATES,
            confirmed_on__isnull=False,
        )
        .order_by()
        .values("debtor__household_id", "creditor_municipality_id")
        .annotate(total=_float(Sum("current_amount")))
        .values_list("debtor__household_id", "creditor_municipality_id", "total")
    )
    for household_id, municipality_id, total in rows:
        debt[h_index[household_id], m_index[municipality_id]] = total
    return debt


def _landlord_consents(in_problem, day):
    return (
        Consent.objects.valid(day)
        .filter(household_id__in=in_problem, recipient_kind=ConsentRecipient.LANDLORD)
        .values_list("household_id", flat=True)
    )


def _with_provider(in_problem) -> set[int]:
    """Households with a provider's support now: an active assistance plan with a provider, or a
    referral to a service that gives social work in the flat, accepted or started."""
    plans = (
        AssistancePlan.objects.active()
        .filter(household_id__in=in_problem, provider__isnull=False)
        .values_list("household_id", flat=True)
    )
    referrals = ServiceReferral.objects.filter(
        household_id__in=in_problem,
        state__in=[ReferralState.ACCEPTED, ReferralState.STARTED],
        service__kind__in=HOUSING_SUPPORT_TYPES,
    ).values_list("household_id", flat=True)
    return {*plans, *referrals}


def _flags(household_ids, h_index, n) -> np.ndarray:
    flags = np.zeros(n, bool)
    for household_id in household_ids:
        flags[h_index[household_id]] = True
    return flags


def _preferred(in_problem, h_index, m_index, shape) -> np.ndarray:
    preferred = np.zeros(shape, bool)
    # Municipalities outside the problem are skipped here rather than filtered in SQL: a filter
    # on 30 ids made SQLite probe the index 30 times per household (0.15 s instead of 0.03 s).
    through = Household.preferred_municipalities.through.objects.filter(
        household_id__in=in_problem
    ).values_list("household_id", "municipality_id")
    for household_id, municipality_id in through:
        if municipality_id in m_index:
            preferred[h_index[household_id], m_index[municipality_id]] = True
    return preferred


# --- Flats --------------------------------------------------------------------------------------


def _free_flats(kmb, flats: QuerySet | None) -> list[tuple]:
    chosen = (Flat.objects.all() if flats is None else flats).free()
    return list(
        chosen.filter(municipality__orp_id=kmb.orp_id)
        .order_by("pk")
        .values_list(
            "pk",
            "municipality_id",
            "rooms",
            _float("area"),
            _float("rent"),
            _float("service_charges"),
            "program",
            "barrier_free",
            "owner_id",
        )
    )


def _flats(rows, m_index) -> engine.Flats:
    programs = {code: p for p, code in enumerate(engine.PROGRAMS)}
    return engine.Flats(
        ids=np.array([row[0] for row in rows], np.int64),
        municipality=np.array([m_index[row[1]] for row in rows], np.int32),
        rooms=np.array([row[2] for row in rows], np.int16),
        area=np.array([row[3] for row in rows], np.float32),
        rent=np.array([row[4] for row in rows], np.float32),
        charges=np.array([row[5] for row in rows], np.float32),
        program=np.array([programs[row[6]] for row in rows], np.int8),
        barrier_free=np.array([row[7] for row in rows], bool),
        owner=np.array([row[8] for row in rows], np.int64),
    )


# --- Rules and settings -------------------------------------------------------------------------


def _rules_models(municipality_ids, override) -> dict[int, MunicipalRules]:
    stored = MunicipalRules.objects.filter(municipality_id__in=municipality_ids)
    models = {rules.municipality_id: rules for rules in stored}
    models.update({pk: rules for pk, rules in override.items() if pk in municipality_ids})
    return models


def _rules(municipalities, models: dict[int, MunicipalRules]) -> engine.MunicipalRules:
    """One row per municipality; a municipality without rules of its own requires nothing."""
    rules = engine.MunicipalRules.permissive(
        len(municipalities),
        support_capacity=_support_capacity([pk for pk, _name in municipalities]),
    )
    for m, (pk, name) in enumerate(municipalities):
        model = models.get(pk)
        if model is None:
            continue
        _check_rules(model, name)
        rules.require_residence[m] = model.require_residence
        rules.require_valid_id[m] = model.require_valid_id
        rules.require_landlord_consent[m] = model.require_landlord_consent
        if model.max_municipal_debt is not None:
            rules.max_debt[m] = float(model.max_municipal_debt)
        for p, program in enumerate(engine.PROGRAMS):
            rules.support_required[m, p] = program in model.support_required_programs
            applies = not model.max_rent_programs or program in model.max_rent_programs
            if model.max_rent is not None and applies:
                rules.max_rent[m, p] = float(model.max_rent)
    return rules


def _check_rules(model: MunicipalRules, name: str) -> None:
    try:
        model.full_clean(exclude=["municipality"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            _("The allocation rules of %(municipality)s are not valid: %(errors)s")
            % {"municipality": name, "errors": " ".join(error.messages)}
        ) from error
    if model.max_rent is not None and model.max_rent <= 0:
        raise ValidationError(
            _("The maximum rent in %(municipality)s must be more than zero.")
            % {"municipality": name}
        )


def _support_capacity(municipality_ids) -> np.ndarray:
    """Free places of active social-work services covering each municipality."""
    capacity = np.zeros(len(municipality_ids), np.int32)
    m_index = {pk: m for m, pk in enumerate(municipality_ids)}
    rows = (
        Service.municipalities.through.objects.filter(
            municipality_id__in=municipality_ids,
            service__is_active=True,
            service__kind__in=HOUSING_SUPPORT_TYPES,
        )
        .order_by()
        .values("municipality_id")
        .annotate(free=Sum("service__free_places"))
        .values_list("municipality_id", "free")
    )
    for municipality_id, free in rows:
        capacity[m_index[municipality_id]] = free or 0
    return capacity


def _stored_settings(kmb) -> MatchingSettings:
    """The KMB's settings; the defaults of the model when a manager has not saved any yet."""
    return MatchingSettings.objects.filter(kmb_id=kmb.pk).first() or MatchingSettings(kmb=kmb)


def _settings(model: MatchingSettings, excluded_pairs, excluded_owner_pairs) -> engine.Settings:
    try:
        model.full_clean(exclude=["kmb"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            _("The matching settings are not valid: %(errors)s")
            % {"errors": " ".join(error.messages)}
        ) from error
    max_per_room = float(model.max_persons_per_room)
    if model.max_spare_rooms + 1 < 1 / max_per_room:
        raise ValidationError(
            _(
                "The occupancy norms contradict each other: with at most %(per_room)s persons "
                "per room and %(spare)s spare rooms no flat fits a household of one."
            )
            % {
                "per_room": formats.localize(model.max_persons_per_room),
                "spare": model.max_spare_rooms,
            }
        )
    settings = engine.Settings(
        max_persons_per_room=max_per_room,
        min_area_per_person=float(model.min_area_per_person),
        max_spare_rooms=int(model.max_spare_rooms),
        max_housing_cost_share=model.max_housing_cost_share / 100,
        weights={name: float(weight) for name, weight in model.weights().items()},
        excluded_pairs=excluded_pairs,
        excluded_owner_pairs=excluded_owner_pairs,
    )
    try:
        settings.validate()
    except engine.InvalidSettings as error:
        raise ValidationError(
            _("The matching settings are not valid: %(errors)s") % {"errors": error}
        ) from error
    return settings


# --- Declined pairs -----------------------------------------------------------------------------


def _exclusions(in_problem) -> list[tuple[int, int, int | None, str]]:
    """Declines that keep a pair apart (household, flat; an owner's decline: all its flats)."""
    return list(
        Proposal.objects.excluding_pairs()
        .filter(application__household_id__in=in_problem)
        .order_by("pk")
        .values_list("application__household_id", "flat_id", "flat__owner_id", "declined_by")
    )


def _excluded_indices(exclusions, h_index, f_index) -> tuple[np.ndarray, np.ndarray]:
    pairs, owner_pairs = [], []
    for household_id, flat_id, owner_id, party in exclusions:
        h = h_index[household_id]
        if party == DeclineParty.OWNER:
            owner_pairs.append((h, owner_id))
        elif flat_id in f_index:
            pairs.append((h, f_index[flat_id]))
    return (
        np.array(pairs, np.int64).reshape(-1, 2),
        np.array(owner_pairs, np.int64).reshape(-1, 2),
    )
