"""Names of the matching rules and score components, and a sentence for each rule's result.

The engine (`engine.py`) decides; this module only words its `RuleResult`s. A sentence uses nothing
but the result's plain values (and the municipality names), so a proposal's stored snapshot is
worded again the same way later.
"""

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from housing.matching.engine import COMPONENTS, RULES, RuleResult

RULE_NAMES = {
    "occupancy": gettext_lazy("Occupancy"),
    "affordability": gettext_lazy("Affordability"),
    "program": gettext_lazy("Program conditions"),
    "barrier_free": gettext_lazy("Barrier-free access"),
    "excluded": gettext_lazy("Declined before"),
    "residence": gettext_lazy("Permanent residence"),
    "municipal_debt": gettext_lazy("Debt to the municipality"),
    "valid_id": gettext_lazy("Valid identity documents"),
    "landlord_consent": gettext_lazy("Consent to share with the landlord"),
    "support_available": gettext_lazy("Support available"),
    "max_rent": gettext_lazy("Maximum rent"),
}
assert tuple(RULE_NAMES) == RULES

COMPONENT_LABELS = {
    "urgency": gettext_lazy("Urgency of the housing situation (ETHOS)"),
    "children": gettext_lazy("Children"),
    "waiting": gettext_lazy("Waiting time"),
    "vulnerability": gettext_lazy("Special vulnerability"),
    "preference": gettext_lazy("Preferred municipality"),
    "size_fit": gettext_lazy("Size of the flat"),
    "support": gettext_lazy("Available support"),
}
assert tuple(COMPONENT_LABELS) == COMPONENTS

# The same msgids as housing.models.Program, so they share its translations.
PROGRAM_LABELS = {
    "social": gettext_lazy("Social flat"),
    "housing_first": gettext_lazy("Housing First"),
    "guaranteed": gettext_lazy("Guaranteed housing"),
    "crisis": gettext_lazy("Crisis flat"),
    "supported_municipal": gettext_lazy("Supported municipal housing"),
    "standard_municipal": gettext_lazy("Standard municipal flat"),
}

SUPPORT_NEEDS = (
    gettext_lazy("support need: none"),
    gettext_lazy("support need: low"),
    gettext_lazy("support need: medium"),
    gettext_lazy("support need: high"),
)


def name(code: str) -> str:
    """The rule's name, e.g. "Occupancy"."""
    return RULE_NAMES[code]


def sentence(result: RuleResult, municipalities: Sequence[str] | None = None) -> str:
    """One or two sentences saying why the rule passed or failed for the pair, with its numbers.
    `municipalities` (names by municipality index) lets the sentence name the municipality."""
    text = _SENTENCES[result.code](result.values, result.passed, result.applies, municipalities)
    return capfirst(text)


def _number(value: float) -> str:
    """A whole number or one decimal place, localised (1 234,5 in Czech)."""
    value = float(value)
    places = 0 if value == round(value) else 1
    return number_format(round(value, places), places, force_grouping=True)


def _czk(value: float) -> str:
    return number_format(round(float(value)), 0, force_grouping=True)


def _municipality(index: int, municipalities: Sequence[str] | None, unnamed=None) -> str:
    if municipalities is not None and 0 <= index < len(municipalities):
        return municipalities[index]
    return unnamed or _("the municipality")


def _occupancy(v, passed, applies, municipalities):
    params = {
        "persons": v["persons"],
        "rooms": v["rooms"],
        "area": _number(v["area"]),
        "max_per_room": _number(v["max_per_room"]),
        "min_area": _number(v["min_area"]),
        "max_rooms": v["max_rooms"],
    }
    if passed:
        return (
            _(
                "Persons %(persons)s, rooms %(rooms)s, area %(area)s m²: within the norms (at "
                "most %(max_per_room)s persons per room, at least %(min_area)s m² per person)."
            )
            % params
        )
    reasons = []
    if v["crowded"]:
        reasons.append(_("more than %(max_per_room)s persons per room") % params)
    if v["small"]:
        reasons.append(_("less than %(min_area)s m² per person") % params)
    if v["large"]:
        reasons.append(_("wastefully large, at most %(max_rooms)s rooms fit") % params)
    return _("Persons %(persons)s, rooms %(rooms)s, area %(area)s m²: %(reasons)s.") % {
        **params,
        "reasons": "; ".join(reasons),
    }


def _affordability(v, passed, applies, municipalities):
    params = {
        "rent": _czk(v["rent"]),
        "charges": _czk(v["charges"]),
        "cost": _czk(v["cost"]),
        "income": _czk(v["income"]),
        "share": v["share"],
        "limit": _czk(v["limit"]),
    }
    if passed:
        text = _(
            "Rent %(rent)s CZK and charges %(charges)s CZK make %(cost)s CZK a month: within "
            "%(share)s %% of the income of %(income)s CZK (%(limit)s CZK)."
        )
    else:
        text = _(
            "Rent %(rent)s CZK and charges %(charges)s CZK make %(cost)s CZK a month: more than "
            "%(share)s %% of the income of %(income)s CZK (%(limit)s CZK)."
        )
    return text % params


def _ethos(code: int) -> str:
    return str(code) if code else pgettext("ETHOS category", "unknown")


def _program(v, passed, applies, municipalities):
    params = {
        "program": PROGRAM_LABELS[v["program"]],
        "ethos": _ethos(v["ethos"]),
        "need": SUPPORT_NEEDS[v["support_need"]],
    }
    if not applies:
        return _("%(program)s: the program sets no conditions on the household.") % params
    if v["program"] == "housing_first":
        if passed:
            text = _(
                "Housing First: the household is roofless or houseless (ETHOS %(ethos)s) with a "
                "high support need."
            )
        else:
            text = _(
                "Housing First is for roofless or houseless households with a high support need: "
                "ETHOS %(ethos)s, %(need)s."
            )
        return text % params
    if passed:
        if v["emergency"]:
            return _("Crisis flat: the household is in an emergency.")
        return _("Crisis flat: the household's situation (ETHOS %(ethos)s) is a crisis.") % params
    return (
        _(
            "A crisis flat is for households in an emergency or without a roof or threatened by "
            "violence: ETHOS %(ethos)s, no emergency recorded."
        )
        % params
    )


def _barrier_free(v, passed, applies, municipalities):
    if not v["needs"]:
        return _("The household does not need a barrier-free flat.")
    if passed:
        return _("The household needs a barrier-free flat, and this flat is barrier-free.")
    return _("The household needs a barrier-free flat; this flat is not barrier-free.")


def _excluded(v, passed, applies, municipalities):
    if passed:
        return _("This pair has not been declined before.")
    if v["flat_declined"]:
        return _("This flat was declined for the household before: it is not proposed again.")
    return _(
        "The household and the owner of this flat declined each other before: none of the "
        "owner's flats is proposed again."
    )


def _residence(v, passed, applies, municipalities):
    params = {"municipality": _municipality(v["municipality"], municipalities)}
    if not applies:
        return _("%(municipality)s does not require permanent residence.") % params
    if passed:
        return (
            _("%(municipality)s requires permanent residence there: the household has it.") % params
        )
    if v["residence"] < 0:
        return (
            _(
                "%(municipality)s requires permanent residence there: the household has no "
                "permanent residence in the district."
            )
            % params
        )
    params["residence"] = _municipality(v["residence"], municipalities, _("another municipality"))
    return (
        _(
            "%(municipality)s requires permanent residence there: the household's permanent "
            "residence is in %(residence)s."
        )
        % params
    )


def _municipal_debt(v, passed, applies, municipalities):
    params = {
        "municipality": _municipality(v["municipality"], municipalities),
        "debt": _czk(v["debt"]),
        "max_debt": _czk(v["max_debt"]) if v["max_debt"] is not None else "",
    }
    if not applies:
        return _("%(municipality)s sets no limit on debts owed to it.") % params
    if passed:
        return (
            _("Debt to %(municipality)s %(debt)s CZK: within the limit of %(max_debt)s CZK.")
            % params
        )
    return _("Debt to %(municipality)s %(debt)s CZK: over the limit of %(max_debt)s CZK.") % params


def _valid_id(v, passed, applies, municipalities):
    params = {"municipality": _municipality(v["municipality"], municipalities)}
    if not applies:
        return _("%(municipality)s does not require valid identity documents.") % params
    if passed:
        return (
            _("%(municipality)s requires valid identity documents: the household has them.")
            % params
        )
    return (
        _("%(municipality)s requires valid identity documents: the household does not have them.")
        % params
    )


def _landlord_consent(v, passed, applies, municipalities):
    params = {"municipality": _municipality(v["municipality"], municipalities)}
    if not applies:
        return (
            _("%(municipality)s does not require consent to share information with the landlord.")
            % params
        )
    if passed:
        return (
            _(
                "%(municipality)s requires consent to share information with the landlord: the "
                "household has given it."
            )
            % params
        )
    return (
        _(
            "%(municipality)s requires consent to share information with the landlord: the "
            "household has no valid consent."
        )
        % params
    )


def _support_available(v, passed, applies, municipalities):
    params = {
        "municipality": _municipality(v["municipality"], municipalities),
        "program": PROGRAM_LABELS[v["program"]],
        "free": v["free_places"],
    }
    if not applies:
        return _("%(program)s in %(municipality)s needs no support provider.") % params
    if v["has_provider"]:
        return (
            _(
                "%(program)s in %(municipality)s is let only with support: the household has a "
                "support provider."
            )
            % params
        )
    if passed:
        return (
            _(
                "%(program)s in %(municipality)s is let only with support: free places in the "
                "services covering it: %(free)s."
            )
            % params
        )
    return (
        _(
            "%(program)s in %(municipality)s is let only with support: the household has no "
            "support provider and the services covering the municipality have no free places."
        )
        % params
    )


def _max_rent(v, passed, applies, municipalities):
    params = {
        "program": PROGRAM_LABELS[v["program"]],
        "rent": _czk(v["rent"]),
        "max_rent": _czk(v["max_rent"]) if v["max_rent"] is not None else "",
    }
    if not applies:
        return _("No maximum rent is set for %(program)s here.") % params
    if passed:
        return _("Rent %(rent)s CZK: within the maximum of %(max_rent)s CZK for %(program)s.") % (
            params
        )
    return _("Rent %(rent)s CZK: over the maximum of %(max_rent)s CZK for %(program)s.") % params


_SENTENCES = {code: globals()[f"_{code}"] for code in RULES}
