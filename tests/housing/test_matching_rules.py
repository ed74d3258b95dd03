"""Names and sentences of the matching rules (housing/matching/rules.py)."""

import json

import numpy as np
import pytest
from django.utils import translation

from housing.matching import engine, rules
from housing.matching.engine import COMPONENTS, RULES
from tests.housing.test_matching_engine import build, build_rules


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_every_rule_and_component_has_a_name():
    assert [str(rules.name(code)) for code in RULES] == [
        "Occupancy",
        "Affordability",
        "Program conditions",
        "Barrier-free access",
        "Declined before",
        "Permanent residence",
        "Debt to the municipality",
        "Valid identity documents",
        "Consent to share with the landlord",
        "Support available",
        "Maximum rent",
    ]
    assert [str(rules.COMPONENT_LABELS[code]) for code in COMPONENTS] == [
        "Urgency of the housing situation (ETHOS)",
        "Children",
        "Waiting time",
        "Special vulnerability",
        "Preferred municipality",
        "Size of the flat",
        "Available support",
    ]


def test_sentence_without_municipality_names():
    problem = build({"residence": 1}, {}, build_rules(require_residence=True))
    result = engine.explain(*problem, 0, 0)[RULES.index("residence")]
    assert rules.sentence(result) == (
        "The municipality requires permanent residence there: the household's permanent "
        "residence is in another municipality."
    )


def test_sentences_from_a_stored_snapshot_read_the_same():
    """A proposal stores the results as JSON; worded again later they read the same."""
    limits = np.full((2, len(engine.PROGRAMS)), np.inf)
    limits[0, 0] = 9_000
    problem = build(
        {"persons": 5, "debt": {0: 12_345.5}, "valid_id": False},
        {"rooms": 2, "area": 33.3},
        build_rules(max_debt=[10_000, np.inf], require_valid_id=True, max_rent=limits),
    )
    names = ["Liberec", "Jablonec"]
    for result in engine.explain(*problem, 0, 0):
        stored = json.loads(json.dumps(result.__dict__, allow_nan=False))
        again = engine.RuleResult(**stored)
        assert rules.sentence(again, names) == rules.sentence(result, names)


def test_numbers_are_formatted_for_the_language():
    problem = build({"debt": {0: 12_345.4}}, {}, build_rules(max_debt=10_000))
    result = engine.explain(*problem, 0, 0)[RULES.index("municipal_debt")]
    assert rules.sentence(result, ["Liberec"]) == (
        "Debt to Liberec 12,345 CZK: over the limit of 10,000 CZK."
    )
    with translation.override("cs"):
        assert rules._czk(12_345.4) == "12\xa0345"
        assert rules._number(31.5) == "31,5"
