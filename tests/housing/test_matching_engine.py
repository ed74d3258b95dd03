"""The matching engine on hand-built arrays: every rule passing and failing (with its English
sentence), per-municipality rules switched on and off, exclusions, scores, settings validation,
and the assignments against brute force. No database."""

import itertools

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from housing.matching import engine, rules
from housing.matching.engine import PROGRAMS, RULES

MUNICIPALITIES = ["Liberec", "Jablonec"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


HOUSEHOLD = {
    "persons": 2,
    "children": 0,
    "income": 30_000,
    "ethos": 8,
    "support_need": 0,
    "vulnerable": False,
    "emergency": False,
    "barrier_free": False,
    "residence": 0,
    "debt": {},
    "valid_id": True,
    "landlord_consent": True,
    "has_provider": False,
    "waiting_days": 100,
    "preferred": (),
}
FLAT = {
    "municipality": 0,
    "rooms": 2,
    "area": 50.0,
    "rent": 8_000.0,
    "charges": 2_000.0,
    "program": "social",
    "barrier_free": False,
    "owner": 1,
}


def build_households(rows: list[dict], m: int = 2) -> engine.Households:
    rows = [{**HOUSEHOLD, **row} for row in rows]
    debt = np.zeros((len(rows), m))
    preferred = np.zeros((len(rows), m), bool)
    for h, row in enumerate(rows):
        for municipality, amount in row["debt"].items():
            debt[h, municipality] = amount
        preferred[h, list(row["preferred"])] = True
    plain = [name for name in HOUSEHOLD if name not in ("debt", "preferred")]
    return engine.Households(
        ids=np.arange(1, len(rows) + 1),
        municipal_debt=debt,
        preferred=preferred,
        **{name: [row[name] for row in rows] for name in plain},
    )


def build_flats(rows: list[dict]) -> engine.Flats:
    rows = [
        {**FLAT, **row, "program": PROGRAMS.index(row.get("program", "social"))} for row in rows
    ]
    return engine.Flats(
        ids=np.arange(101, 101 + len(rows)), **{name: [row[name] for row in rows] for name in FLAT}
    )


def build_rules(m: int = 2, **columns) -> engine.MunicipalRules:
    base = engine.MunicipalRules.permissive(m)
    values = {name: getattr(base, name).copy() for name in base.__dataclass_fields__}
    for name, value in columns.items():
        values[name][...] = value
    return engine.MunicipalRules(**values)


def build(household=None, flat=None, rules_=None, **settings_):
    return (
        build_households([household or {}]),
        build_flats([flat or {}]),
        rules_ or build_rules(),
        engine.Settings(**settings_),
    )


def rule(code, household=None, flat=None, rules_=None, **settings_):
    """The result of one rule for a one-household, one-flat problem, with its sentence."""
    problem = build(household, flat, rules_, **settings_)
    result = engine.explain(*problem, 0, 0)[RULES.index(code)]
    assert result.code == code
    evaluation = engine.evaluate(*problem)
    mask = int(engine.failures(*problem)[0, 0])
    assert (code in engine.failed_rules(mask)) == (not result.passed)
    assert bool(evaluation.eligible[0, 0]) == (mask == 0)
    return result.passed, result.applies, rules.sentence(result, MUNICIPALITIES)


# --- Occupancy ------------------------------------------------------------------------------


def test_occupancy_within_norms_passes():
    assert rule("occupancy", {"persons": 3}, {"rooms": 2, "area": 45}) == (
        True,
        True,
        "Persons 3, rooms 2, area 45 m²: within the norms (at most 2 persons per room, at least "
        "8 m² per person).",
    )


def test_occupancy_too_many_persons_per_room_fails():
    assert rule("occupancy", {"persons": 5}, {"rooms": 2, "area": 60}) == (
        False,
        True,
        "Persons 5, rooms 2, area 60 m²: more than 2 persons per room.",
    )


def test_occupancy_too_small_area_fails():
    assert rule("occupancy", {"persons": 4}, {"rooms": 2, "area": 31.5}) == (
        False,
        True,
        "Persons 4, rooms 2, area 31.5 m²: less than 8 m² per person.",
    )


def test_occupancy_wastefully_large_fails():
    assert rule("occupancy", {"persons": 1}, {"rooms": 3, "area": 70}) == (
        False,
        True,
        "Persons 1, rooms 3, area 70 m²: wastefully large, at most 2 rooms fit.",
    )


def test_occupancy_norms_are_configurable():
    household, flat = {"persons": 3}, {"rooms": 1, "area": 30}
    assert rule("occupancy", household, flat)[0] is False
    assert rule("occupancy", household, flat, max_persons_per_room=3.0)[0] is True
    assert rule("occupancy", {"persons": 1}, {"rooms": 3, "area": 70}, max_spare_rooms=2)[0]
    assert rule("occupancy", household, flat, max_persons_per_room=3.0, min_area_per_person=11)[
        2
    ] == ("Persons 3, rooms 1, area 30 m²: less than 11 m² per person.")


# --- Affordability ----------------------------------------------------------------------------


def test_affordability_within_share_passes():
    assert rule("affordability", {"income": 22_300}, {"rent": 8_000, "charges": 2_000}) == (
        True,
        True,
        "Rent 8,000 CZK and charges 2,000 CZK make 10,000 CZK a month: within 45 % of the income "
        "of 22,300 CZK (10,035 CZK).",
    )


def test_affordability_over_share_fails():
    assert rule("affordability", {"income": 20_000}, {"rent": 8_000, "charges": 2_000}) == (
        False,
        True,
        "Rent 8,000 CZK and charges 2,000 CZK make 10,000 CZK a month: more than 45 % of the "
        "income of 20,000 CZK (9,000 CZK).",
    )


def test_affordability_share_is_configurable():
    household, flat = {"income": 20_000}, {"rent": 8_000, "charges": 2_000}
    assert rule("affordability", household, flat, max_housing_cost_share=0.5)[0] is True


# --- Program ----------------------------------------------------------------------------------

HOUSING_FIRST = {"program": "housing_first"}


def test_program_housing_first_roofless_with_high_need_passes():
    household = {"ethos": 1, "support_need": 3}
    assert rule("program", household, HOUSING_FIRST) == (
        True,
        True,
        "Housing First: the household is roofless or houseless (ETHOS 1) with a high support need.",
    )


def test_program_housing_first_insecure_household_fails():
    assert rule("program", {"ethos": 9, "support_need": 3}, HOUSING_FIRST) == (
        False,
        True,
        "Housing First is for roofless or houseless households with a high support need: ETHOS "
        "9, support need: high.",
    )


def test_program_housing_first_low_support_need_fails():
    assert rule("program", {"ethos": 3, "support_need": 1}, HOUSING_FIRST)[:2] == (False, True)


def test_program_crisis_flat_in_emergency_passes():
    assert rule("program", {"ethos": 12, "emergency": True}, {"program": "crisis"}) == (
        True,
        True,
        "Crisis flat: the household is in an emergency.",
    )


def test_program_crisis_flat_threatened_by_violence_passes():
    assert rule("program", {"ethos": 10}, {"program": "crisis"}) == (
        True,
        True,
        "Crisis flat: the household's situation (ETHOS 10) is a crisis.",
    )


def test_program_crisis_flat_without_crisis_fails():
    assert rule("program", {"ethos": 0}, {"program": "crisis"}) == (
        False,
        True,
        "A crisis flat is for households in an emergency or without a roof or threatened by "
        "violence: ETHOS unknown, no emergency recorded.",
    )


def test_program_social_flat_has_no_conditions():
    assert rule("program", {"ethos": 13}, {"program": "social"}) == (
        True,
        False,
        "Social flat: the program sets no conditions on the household.",
    )


# --- Barrier-free ------------------------------------------------------------------------------


def test_barrier_free_not_needed_passes():
    assert rule("barrier_free", {}, {"barrier_free": False}) == (
        True,
        False,
        "The household does not need a barrier-free flat.",
    )


def test_barrier_free_needed_and_present_passes():
    assert rule("barrier_free", {"barrier_free": True}, {"barrier_free": True}) == (
        True,
        True,
        "The household needs a barrier-free flat, and this flat is barrier-free.",
    )


def test_barrier_free_needed_and_missing_fails():
    assert rule("barrier_free", {"barrier_free": True}, {"barrier_free": False}) == (
        False,
        True,
        "The household needs a barrier-free flat; this flat is not barrier-free.",
    )


# --- Exclusions -------------------------------------------------------------------------------


def test_excluded_pair_never_eligible():
    assert rule("excluded", excluded_pairs=[(0, 0)]) == (
        False,
        True,
        "This flat was declined for the household before: it is not proposed again.",
    )


def test_excluded_owner_excludes_all_owners_flats():
    hh = build_households([{}, {}])
    flats = build_flats([{"owner": 7}, {"owner": 8}, {"owner": 7}])
    problem = (hh, flats, build_rules(), engine.Settings(excluded_owner_pairs=[(1, 7)]))
    assert engine.evaluate(*problem).eligible.tolist() == [[True, True, True], [False, True, False]]
    result = engine.explain(*problem, 1, 2)[RULES.index("excluded")]
    assert (result.passed, rules.sentence(result)) == (
        False,
        "The household and the owner of this flat declined each other before: none of the "
        "owner's flats is proposed again.",
    )


def test_not_excluded_pair_passes():
    assert rule("excluded", excluded_pairs=[(0, 1)]) == (
        True,
        True,
        "This pair has not been declined before.",
    )


# --- Per-municipality rules ------------------------------------------------------------------


def test_residence_not_required_passes_for_anyone():
    assert rule("residence", {"residence": -1}, {"municipality": 0}) == (
        True,
        False,
        "Liberec does not require permanent residence.",
    )


def test_residence_required_and_held_passes():
    required = build_rules(require_residence=[True, False])
    assert rule("residence", {"residence": 0}, {}, required) == (
        True,
        True,
        "Liberec requires permanent residence there: the household has it.",
    )


def test_residence_required_elsewhere_fails():
    required = build_rules(require_residence=[True, False])
    assert rule("residence", {"residence": 1}, {}, required) == (
        False,
        True,
        "Liberec requires permanent residence there: the household's permanent residence is in "
        "Jablonec.",
    )


def test_residence_required_outside_the_district_fails():
    required = build_rules(require_residence=[True, False])
    assert rule("residence", {"residence": -1}, {}, required)[::2] == (
        False,
        "Liberec requires permanent residence there: the household has no permanent residence in "
        "the district.",
    )


def test_residence_rule_applies_only_in_its_municipality():
    required = build_rules(require_residence=[True, False])
    assert rule("residence", {"residence": 0}, {"municipality": 1}, required) == (
        True,
        False,
        "Jablonec does not require permanent residence.",
    )


def test_municipal_debt_limit_off_passes_any_debt():
    assert rule("municipal_debt", {"debt": {0: 250_000}}) == (
        True,
        False,
        "Liberec sets no limit on debts owed to it.",
    )


def test_municipal_debt_at_the_limit_passes():
    liberec = build_rules(max_debt=[10_000, np.inf])
    assert rule("municipal_debt", {"debt": {0: 10_000}}, {}, liberec) == (
        True,
        True,
        "Debt to Liberec 10,000 CZK: within the limit of 10,000 CZK.",
    )


def test_municipal_debt_over_the_limit_fails():
    liberec = build_rules(max_debt=[10_000, np.inf])
    assert rule("municipal_debt", {"debt": {0: 10_001}}, {}, liberec) == (
        False,
        True,
        "Debt to Liberec 10,001 CZK: over the limit of 10,000 CZK.",
    )


def test_municipal_debt_counts_only_the_flats_municipality():
    liberec = build_rules(max_debt=[10_000, 0])
    assert rule("municipal_debt", {"debt": {1: 50_000}}, {"municipality": 0}, liberec)[0] is True
    assert rule("municipal_debt", {"debt": {0: 50_000}}, {"municipality": 1}, liberec)[0] is True
    assert rule("municipal_debt", {"debt": {1: 1}}, {"municipality": 1}, liberec)[0] is False


def test_valid_id_required_and_missing_fails():
    required = build_rules(require_valid_id=True)
    assert rule("valid_id", {"valid_id": False}, {}, required) == (
        False,
        True,
        "Liberec requires valid identity documents: the household does not have them.",
    )
    assert rule("valid_id", {"valid_id": True}, {}, required) == (
        True,
        True,
        "Liberec requires valid identity documents: the household has them.",
    )


def test_valid_id_not_required_passes():
    assert rule("valid_id", {"valid_id": False}) == (
        True,
        False,
        "Liberec does not require valid identity documents.",
    )


def test_landlord_consent_required():
    required = build_rules(require_landlord_consent=True)
    assert rule("landlord_consent", {"landlord_consent": False}, {}, required) == (
        False,
        True,
        "Liberec requires consent to share information with the landlord: the household has no "
        "valid consent.",
    )
    assert rule("landlord_consent", {"landlord_consent": True}, {}, required)[::2] == (
        True,
        "Liberec requires consent to share information with the landlord: the household has "
        "given it.",
    )
    assert rule("landlord_consent", {"landlord_consent": False})[::2] == (
        True,
        "Liberec does not require consent to share information with the landlord.",
    )


def brno(capacity: int) -> engine.MunicipalRules:
    """Social flats in municipality 0 only with a support provider."""
    required = np.zeros((2, len(PROGRAMS)), bool)
    required[0, PROGRAMS.index("social")] = True
    return build_rules(support_required=required, support_capacity=[capacity, 5])


def test_support_required_without_provider_or_places_fails():
    assert rule("support_available", {"has_provider": False}, {}, brno(0)) == (
        False,
        True,
        "Social flat in Liberec is let only with support: the household has no support provider "
        "and the services covering the municipality have no free places.",
    )


def test_support_required_with_own_provider_passes():
    assert rule("support_available", {"has_provider": True}, {}, brno(0)) == (
        True,
        True,
        "Social flat in Liberec is let only with support: the household has a support provider.",
    )


def test_support_required_with_free_places_passes():
    assert rule("support_available", {"has_provider": False}, {}, brno(3)) == (
        True,
        True,
        "Social flat in Liberec is let only with support: free places in the services covering "
        "it: 3.",
    )


def test_support_rule_applies_only_to_its_program():
    flat = {"program": "guaranteed"}
    assert rule("support_available", {"has_provider": False}, flat, brno(0)) == (
        True,
        False,
        "Guaranteed housing in Liberec needs no support provider.",
    )


def test_max_rent_for_program():
    limits = np.full((2, len(PROGRAMS)), np.inf)
    limits[0, PROGRAMS.index("supported_municipal")] = 9_000
    capped = build_rules(max_rent=limits)
    flat = {"program": "supported_municipal", "rent": 9_500}
    assert rule("max_rent", {}, flat, capped) == (
        False,
        True,
        "Rent 9,500 CZK: over the maximum of 9,000 CZK for Supported municipal housing.",
    )
    assert rule("max_rent", {}, {**flat, "rent": 9_000}, capped)[::2] == (
        True,
        "Rent 9,000 CZK: within the maximum of 9,000 CZK for Supported municipal housing.",
    )
    assert rule("max_rent", {}, {**flat, "program": "social"}, capped) == (
        True,
        False,
        "No maximum rent is set for Social flat here.",
    )


def test_municipal_rules_toggled_change_eligibility():
    """The same household and flat: each municipal rule switched on makes the pair ineligible,
    switched off again eligible."""
    household = {"residence": 1, "debt": {0: 20_000}, "valid_id": False, "landlord_consent": False}
    toggles = {
        "residence": {"require_residence": True},
        "municipal_debt": {"max_debt": 10_000},
        "valid_id": {"require_valid_id": True},
        "landlord_consent": {"require_landlord_consent": True},
    }
    for code, switch in toggles.items():
        off = build(household, {}, build_rules())
        on = build(household, {}, build_rules(**switch))
        assert engine.evaluate(*off).eligible[0, 0], code
        assert engine.failed_rules(engine.failures(*on)[0, 0]) == [code]


# --- Failures, evaluation and explanation agree ---------------------------------------------


def test_failures_lists_every_failing_rule():
    household = {"persons": 6, "income": 5_000, "barrier_free": True, "valid_id": False}
    problem = build(household, {}, build_rules(require_valid_id=True))
    mask = engine.failures(*problem)[0, 0]
    assert engine.failed_rules(mask) == ["occupancy", "affordability", "barrier_free", "valid_id"]
    failed = [r.code for r in engine.explain(*problem, 0, 0) if not r.passed]
    assert failed == ["occupancy", "affordability", "barrier_free", "valid_id"]


@st.composite
def problems(draw):
    """Small random problems whose values straddle every rule's limits."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_h, n_f, m = draw(st.integers(1, 12)), draw(st.integers(1, 12)), draw(st.integers(1, 3))
    rng = np.random.default_rng(seed)
    hh = engine.Households(
        ids=np.arange(n_h),
        persons=rng.integers(1, 6, n_h),
        children=rng.integers(0, 4, n_h),
        income=rng.uniform(5_000, 40_000, n_h),
        ethos=rng.integers(0, 14, n_h),
        support_need=rng.integers(0, 4, n_h),
        vulnerable=rng.random(n_h) < 0.3,
        emergency=rng.random(n_h) < 0.2,
        barrier_free=rng.random(n_h) < 0.2,
        residence=rng.integers(-1, m, n_h),
        municipal_debt=np.where(rng.random((n_h, m)) < 0.3, rng.uniform(0, 30_000, (n_h, m)), 0),
        valid_id=rng.random(n_h) < 0.8,
        landlord_consent=rng.random(n_h) < 0.7,
        has_provider=rng.random(n_h) < 0.4,
        waiting_days=rng.integers(0, 1_000, n_h),
        preferred=rng.random((n_h, m)) < 0.4,
    )
    flats = engine.Flats(
        ids=np.arange(n_f),
        municipality=rng.integers(0, m, n_f),
        rooms=rng.integers(1, 5, n_f),
        area=rng.uniform(15, 90, n_f),
        rent=rng.uniform(3_000, 12_000, n_f),
        charges=rng.uniform(500, 3_000, n_f),
        program=rng.integers(0, len(PROGRAMS), n_f),
        barrier_free=rng.random(n_f) < 0.3,
        owner=rng.integers(0, 3, n_f),
    )
    rules_ = engine.MunicipalRules(
        require_residence=rng.random(m) < 0.5,
        max_debt=np.where(rng.random(m) < 0.5, 10_000, np.inf),
        require_valid_id=rng.random(m) < 0.5,
        require_landlord_consent=rng.random(m) < 0.5,
        support_required=rng.random((m, len(PROGRAMS))) < 0.3,
        support_capacity=rng.integers(0, 3, m),
        max_rent=np.where(rng.random((m, len(PROGRAMS))) < 0.3, 8_000, np.inf),
    )
    n_ex = rng.integers(0, 4)
    settings_ = engine.Settings(
        weights={code: float(rng.integers(0, 11)) for code in engine.COMPONENTS},
        excluded_pairs=np.stack([rng.integers(0, n_h, n_ex), rng.integers(0, n_f, n_ex)], 1),
        excluded_owner_pairs=[(rng.integers(0, n_h), rng.integers(0, 3))],
    )
    return hh, flats, rules_, settings_


@settings(max_examples=60, deadline=None)
@given(problems())
def test_evaluation_agrees_with_explanations_and_score_parts(problem):
    evaluation = engine.evaluate(*problem)
    masks = engine.failures(*problem)
    assert (evaluation.eligible == (masks == 0)).all()
    assert (evaluation.score[~evaluation.eligible] == -np.inf).all()
    n_h, n_f = evaluation.shape
    for h, f in itertools.product(range(n_h), range(n_f)):
        results = engine.explain(*problem, h, f)
        assert [r.code for r in results if not r.passed] == engine.failed_rules(masks[h, f])
        if evaluation.eligible[h, f]:
            points = sum(part.points for part in engine.score_parts(*problem, h, f))
            assert evaluation.score[h, f] == pytest.approx(points, abs=0.005)  # hundredths


# --- Scores --------------------------------------------------------------------------------


def test_score_parts_of_a_pair():
    household = {
        "persons": 3,
        "children": 2,
        "ethos": 1,
        "waiting_days": 365,
        "vulnerable": True,
        "preferred": (0,),
    }
    problem = build(household, {"rooms": 2, "area": 45}, build_rules(support_capacity=[2, 0]))
    parts = engine.score_parts(*problem, 0, 0)
    assert [(p.code, p.weight) for p in parts] == [
        ("urgency", 5.0),
        ("children", 3.0),
        ("waiting", 2.0),
        ("vulnerability", 3.0),
        ("preference", 2.0),
        ("size_fit", 2.0),
        ("support", 1.0),
    ]
    assert [p.value for p in parts] == pytest.approx([1.0, 2 / 3, 0.5, 1.0, 1.0, 1.0, 0.5])
    assert [p.points for p in parts] == pytest.approx([5.0, 2.0, 1.0, 3.0, 2.0, 2.0, 0.5])
    assert engine.evaluate(*problem).score[0, 0] == pytest.approx(15.5)


def test_score_size_fit_is_lower_for_larger_or_smaller_flats():
    hh = build_households([{"persons": 4}])
    flats = build_flats([{"rooms": r, "area": 80} for r in (2, 3, 4, 5)])
    problem = (hh, flats, build_rules(), engine.Settings())
    size = [engine.score_parts(*problem, 0, f)[5].value for f in range(4)]
    assert size == [0.5, 1.0, 0.5, 0.0]


def test_score_support_own_provider_counts_more_than_free_places():
    hh = build_households([{"has_provider": True}, {}, {}])
    flats = build_flats([{"municipality": 0}, {"municipality": 1}])
    problem = (hh, flats, build_rules(support_capacity=[4, 0]), engine.Settings())
    support = [[engine.score_parts(*problem, h, f)[6].value for f in (0, 1)] for h in range(3)]
    assert support == [[1.0, 1.0], [0.5, 0.0], [0.5, 0.0]]


def test_score_waiting_and_children_are_capped():
    problem = build({"waiting_days": 2_000, "children": 5, "persons": 6}, {"rooms": 4, "area": 90})
    parts = {p.code: p.value for p in engine.score_parts(*problem, 0, 0)}
    assert (parts["waiting"], parts["children"]) == (1.0, 1.0)


def test_weights_change_the_ranking():
    hh = build_households([{"waiting_days": 700}, {"vulnerable": True}])
    problem = (hh, build_flats([{}]), build_rules())
    waiting_first = engine.Settings(weights={**engine.default_weights(), "vulnerability": 0})
    vulnerable_first = engine.Settings(weights={**engine.default_weights(), "waiting": 0})
    assert engine.shortlist(engine.evaluate(*problem, waiting_first), 0).tolist() == [0, 1]
    assert engine.shortlist(engine.evaluate(*problem, vulnerable_first), 0).tolist() == [1, 0]


def test_shortlist_and_suitable_flats_rank_eligible_pairs_only():
    hh = build_households([{"ethos": 13}, {"ethos": 1}, {"ethos": 9, "income": 1_000}])
    flats = build_flats([{}, {"rooms": 3, "area": 60}, {"rooms": 1, "area": 30}])
    evaluation = engine.evaluate(hh, flats, build_rules(), engine.Settings())
    assert engine.shortlist(evaluation, 0).tolist() == [1, 0]
    assert engine.shortlist(evaluation, 0, limit=1).tolist() == [1]
    # Flats 1 and 2 are one room off the ideal two: a tie, the lower index first.
    assert engine.suitable_flats(evaluation, 1).tolist() == [0, 1, 2]
    assert engine.suitable_flats(evaluation, 2).tolist() == []


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"weights": {**engine.default_weights(), "urgency": 11}}, "urgency must be between 0"),
        ({"weights": {**engine.default_weights(), "children": -1}}, "children must be between"),
        ({"weights": {"urgency": 1}}, "Weights are needed for exactly"),
        ({"max_persons_per_room": 0}, "persons per room must be more than zero"),
        ({"min_area_per_person": -1}, "area per person cannot be negative"),
        ({"max_spare_rooms": -1}, "spare rooms cannot be negative"),
        ({"max_housing_cost_share": 1.5}, "share of income for housing"),
        ({"max_persons_per_room": 0.4}, "contradict each other"),
        ({"urgency_by_ethos": np.full(14, 2.0)}, "Urgency needs a value between 0 and 1"),
        ({"crisis_ethos": (1, 20)}, "only ETHOS categories 1 to 13"),
    ],
)
def test_invalid_settings_are_refused_with_a_message(settings_, message):
    with pytest.raises(engine.InvalidSettings, match=message):
        engine.evaluate(*build(**settings_))


def test_invalid_municipal_rules_are_refused():
    with pytest.raises(engine.InvalidSettings, match="maximum debt"):
        engine.evaluate(*build(rules_=build_rules(max_debt=-1)))
    with pytest.raises(engine.InvalidSettings, match="maximum rent"):
        engine.evaluate(*build(rules_=build_rules(max_rent=0)))


def test_invalid_arrays_are_refused():
    with pytest.raises(engine.InvalidInput, match="one value per item"):
        engine.Flats(**{**build_flats([{}, {}]).__dict__, "rooms": [1]})
    with pytest.raises(engine.InvalidInput, match="one debt and preference column"):
        engine.evaluate(
            build_households([{}], m=3), build_flats([{}]), build_rules(), engine.Settings()
        )
    with pytest.raises(engine.InvalidInput, match="at least one person"):
        build_households([{"persons": 0}])
    with pytest.raises(engine.InvalidInput, match=r"No pair \(0, 5\)"):
        engine.explain(*build(), 0, 5)


def test_take_keeps_arrival_order():
    hh = build_households([{"waiting_days": d} for d in (10, 300, 200)])
    assert hh.arrival_order.tolist() == [2, 0, 1]
    assert hh.take([0, 2]).arrival_order.tolist() == [1, 0]
    assert build_flats([{"rooms": 1}, {"rooms": 3}]).take([1]).rooms.tolist() == [3]


# --- Assignments -----------------------------------------------------------------------------


def brute_force(eligible, score) -> float:
    """The best total over every assignment of flats to distinct households (or to nobody)."""
    n_h, n_f = eligible.shape
    best = 0.0
    for chosen in itertools.permutations(list(range(n_h)) + [-1] * n_f, n_f):
        pairs = [(h, f) for f, h in enumerate(chosen) if h >= 0]
        if all(eligible[h, f] for h, f in pairs):
            best = max(best, sum(float(score[h, f]) for h, f in pairs))
    return best


@st.composite
def evaluations(draw, max_size=5):
    n_h, n_f = draw(st.integers(1, max_size)), draw(st.integers(1, max_size))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    eligible = rng.random((n_h, n_f)) < draw(st.sampled_from([0.3, 0.6, 1.0]))
    # Few distinct values: ties are where assignment algorithms go wrong.
    score = rng.integers(0, 6, (n_h, n_f)).astype(np.float32) * draw(st.sampled_from([1, 0.5]))
    return engine.Evaluation(eligible=eligible, score=np.where(eligible, score, -np.inf))


def check_assignment(assignment, evaluation):
    rows, columns = assignment.pairs[:, 0], assignment.pairs[:, 1]
    assert len(set(rows)) == len(rows)
    assert len(set(columns)) == len(columns)
    assert evaluation.eligible[rows, columns].all()
    assert assignment.total == pytest.approx(float(evaluation.score[rows, columns].sum()))


@settings(max_examples=150, deadline=None)
@given(evaluations())
def test_optimal_assignment_equals_brute_force(evaluation):
    optimal = engine.assign_optimal(evaluation)
    check_assignment(optimal, evaluation)
    assert optimal.total == pytest.approx(brute_force(evaluation.eligible, evaluation.score))


@settings(max_examples=100, deadline=None)
@given(evaluations(max_size=12), st.integers(0, 2**32 - 1))
def test_optimal_total_at_least_greedy(evaluation, seed):
    n_h = evaluation.shape[0]
    waiting = np.random.default_rng(seed).integers(0, 500, n_h)
    hh = build_households([{"waiting_days": int(d)} for d in waiting])
    greedy = engine.assign_greedy(evaluation, hh)
    check_assignment(greedy, evaluation)
    assert engine.assign_optimal(evaluation).total >= greedy.total - 1e-6


def test_greedy_is_first_come_first_served():
    eligible = np.array([[True, True], [True, False], [True, True]])
    evaluation = engine.Evaluation(eligible=eligible, score=np.where(eligible, 1.0, -np.inf))
    hh = build_households([{"waiting_days": 10}, {"waiting_days": 30}, {"waiting_days": 20}])
    greedy = engine.assign_greedy(evaluation, hh)
    assert greedy.pairs.tolist() == [[1, 0], [2, 1]]


def test_optimal_beats_greedy_when_the_first_comer_blocks():
    # Household 0 came first and fits both flats; household 1 fits only flat 0.
    eligible = np.array([[True, True], [True, False]])
    score = np.array([[5.0, 4.0], [6.0, -np.inf]], np.float32)
    evaluation = engine.Evaluation(eligible=eligible, score=score)
    hh = build_households([{"waiting_days": 900}, {"waiting_days": 10}])
    assert engine.assign_greedy(evaluation, hh).pairs.tolist() == [[0, 0]]
    optimal = engine.assign_optimal(evaluation)
    assert (optimal.pairs.tolist(), optimal.total) == ([[1, 0], [0, 1]], 10.0)


def test_optimal_with_nothing_eligible_is_empty():
    evaluation = engine.Evaluation(eligible=np.zeros((2, 3), bool), score=np.full((2, 3), -np.inf))
    assert (
        engine.assign_optimal(evaluation).pairs.shape,
        engine.assign_optimal(evaluation).total,
    ) == (
        (0, 2),
        0.0,
    )


# --- Capacity pairing ---------------------------------------------------------------------


def brute_force_capacity(score, eligible, capacity, load, balance):
    """(pairs, net total) of the best assignment: the most pairs first, then the net total."""
    n, k = score.shape
    best = (0, 0.0)
    for chosen in itertools.product(range(-1, k), repeat=n):
        used = np.bincount([c for c in chosen if c >= 0], minlength=k)
        if (used > capacity).any() or any(
            c >= 0 and not eligible[i, c] for i, c in enumerate(chosen)
        ):
            continue
        net = sum(score[i, c] for i, c in enumerate(chosen) if c >= 0)
        net -= balance * sum(used[c] * load[c] + used[c] * (used[c] - 1) / 2 for c in range(k))
        best = max(best, (int(used.sum()), round(float(net), 9)))
    return best


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 0.5, 2.0]),
)
def test_capacity_pairing_equals_brute_force(n, k, seed, balance):
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 5, (n, k)).astype(float)
    eligible = rng.random((n, k)) < 0.7
    capacity, load = rng.integers(0, 3, k), rng.integers(0, 4, k).astype(float)
    result = engine.assign_with_capacity(score, eligible, capacity, load=load, balance=balance)
    rows, columns = result.pairs[:, 0], result.pairs[:, 1]
    assert len(set(rows)) == len(rows)
    assert eligible[rows, columns].all()
    used = np.bincount(columns, minlength=k)
    assert (used <= capacity).all()
    net = score[rows, columns].sum() - balance * sum(
        used[c] * load[c] + used[c] * (used[c] - 1) / 2 for c in range(k)
    )
    assert (len(rows), pytest.approx(net)) == brute_force_capacity(
        score, eligible, capacity, load, balance
    )
    assert result.total == pytest.approx(score[rows, columns].sum())


def test_capacity_pairing_balances_caseloads():
    # Five new cases for managers with 5, 2 and 3 cases: each ends with five.
    score, eligible = np.ones((5, 3)), np.ones((5, 3), bool)
    capacity = np.array([10, 10, 10])
    balanced = engine.assign_with_capacity(score, eligible, capacity, load=[5, 2, 3], balance=0.1)
    assert np.bincount(balanced.pairs[:, 1], minlength=3).tolist() == [0, 3, 2]
    unbalanced = engine.assign_with_capacity(score, eligible, capacity, load=[5, 2, 3])
    assert len(unbalanced) == 5


def test_capacity_pairing_prefers_more_pairs_over_better_scores():
    # Row 0 scores far higher with column 0, but then row 1 (fits only column 0) gets nothing.
    score = np.array([[9.0, 1.0], [1.0, 0.0]])
    eligible = np.array([[True, True], [True, False]])
    result = engine.assign_with_capacity(score, eligible, [1, 1])
    assert result.pairs.tolist() == [[1, 0], [0, 1]]


def test_capacity_pairing_refuses_negative_balance():
    with pytest.raises(engine.InvalidSettings, match="balancing cost"):
        engine.assign_with_capacity(np.ones((1, 1)), np.ones((1, 1), bool), [1], balance=-1)
