"""The matching engine: eligibility, scores, reasons and assignments over plain NumPy arrays.

No Django here. The ORM adapter (`housing.matching.load`) builds `Households`, `Flats`,
`MunicipalRules` and `Settings`; everything below works on array indices (row `h` of
`Households`, row `f` of `Flats`, municipality index `m`), never on database ids except `ids`.

Conventions:
- Hard rules have stable codes (`RULES`); bit `i` of a failure mask is `RULES[i]`.
- A score is the weighted sum of components in 0..1 (`COMPONENTS`), so it lies in
  0..sum(weights). `Evaluation.score` is `-inf` where a pair is ineligible, so sorting a row or a
  column descending puts the eligible pairs first and an ineligible pair can never be summed by
  mistake.
- `explain` and `evaluate` run the same rule functions (on a 1×1 block and on household chunks),
  so an explanation and an evaluation cannot disagree.
"""

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

PROGRAMS = (
    "social",
    "housing_first",
    "guaranteed",
    "crisis",
    "supported_municipal",
    "standard_municipal",
)
"""Flat programs in index order; the values are `housing.models.Program` values."""

RULES = (
    "occupancy",
    "affordability",
    "program",
    "barrier_free",
    "excluded",
    "residence",
    "municipal_debt",
    "valid_id",
    "landlord_consent",
    "support_available",
    "max_rent",
)
"""Hard rules in bit order of a failure mask."""

COMPONENTS = (
    "urgency",
    "children",
    "waiting",
    "vulnerability",
    "preference",
    "size_fit",
    "support",
)
"""Score components; `Settings.weights` has one weight (0..10) for each."""

MAX_WEIGHT = 10.0
WAITING_FULL_DAYS = 730  # two years of waiting earn the full waiting component
CHILDREN_FULL = 3  # three children earn the full children component


_HOUSEHOLD_DTYPES = {
    "ids": np.int64,
    "persons": np.int16,
    "children": np.int16,
    "income": np.float64,
    "ethos": np.int8,
    "support_need": np.int8,
    "vulnerable": bool,
    "emergency": bool,
    "barrier_free": bool,
    "residence": np.int32,
    "municipal_debt": np.float32,
    "valid_id": bool,
    "landlord_consent": bool,
    "has_provider": bool,
    "waiting_days": np.int32,
    "preferred": bool,
}
_FLAT_DTYPES = {
    "ids": np.int64,
    "municipality": np.int32,
    "rooms": np.int16,
    "area": np.float32,
    "rent": np.float32,
    "charges": np.float32,
    "program": np.int8,
    "barrier_free": bool,
    "owner": np.int64,
}
_RULE_DTYPES = {
    "require_residence": bool,
    "max_debt": np.float32,
    "require_valid_id": bool,
    "require_landlord_consent": bool,
    "support_required": bool,
    "support_capacity": np.int32,
    "max_rent": np.float32,
}


class InvalidSettings(ValueError):
    """Weights out of range or contradictory settings or rules; the message says which."""


class InvalidInput(ValueError):
    """Arrays of the wrong shape or an index out of range; the message says which."""


def _coerce(record, dtypes: dict) -> None:
    for name, dtype in dtypes.items():
        object.__setattr__(record, name, np.asarray(getattr(record, name), dtype))


def _check_lengths(what: str, record, n: int, exclude=()) -> None:
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if name not in exclude and (value.ndim != 1 or len(value) != n):
            raise InvalidInput(f"The {what}' {name} must have one value per item ({n}).")


def _ranks(order: np.ndarray) -> np.ndarray:
    """Rank of every position given the positions in rank order."""
    ranks = np.empty(len(order), np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


@dataclass(frozen=True, eq=False)
class Households:
    """H waiting households. Arrays are coerced to the dtypes below on construction.

    municipal_debt and preferred have one column per municipality index (M columns, the length of
    `MunicipalRules`). arrival_order is the rank of the application (0 = applied first) used by
    the first-come greedy allocation; when omitted it is derived from waiting_days (longest first).
    """

    ids: np.ndarray  # int64
    persons: np.ndarray  # int16, ≥ 1
    children: np.ndarray  # int16
    income: np.ndarray  # float64, monthly income incl. benefits, CZK
    ethos: np.ndarray  # int8, 1..13, 0 unknown
    support_need: np.ndarray  # int8, 0 none, 1 low, 2 medium, 3 high
    vulnerable: np.ndarray  # bool, special vulnerability (§6)
    emergency: np.ndarray  # bool, in crisis now
    barrier_free: np.ndarray  # bool, needs a barrier-free flat
    residence: np.ndarray  # int32, municipality index of permanent residence, -1 none/outside
    municipal_debt: np.ndarray  # float32 [H, M], confirmed debt to each municipality, CZK
    valid_id: np.ndarray  # bool
    landlord_consent: np.ndarray  # bool, valid consent to share information with a landlord
    has_provider: np.ndarray  # bool, already has an active support provider
    waiting_days: np.ndarray  # int32
    preferred: np.ndarray  # bool [H, M]
    arrival_order: np.ndarray | None = None  # int64 rank, 0 = first

    def __post_init__(self):
        _coerce(self, _HOUSEHOLD_DTYPES)
        n = len(self.ids)
        if self.arrival_order is None:
            order = np.argsort(-self.waiting_days.astype(np.int64), kind="stable")
            object.__setattr__(self, "arrival_order", _ranks(order))
        else:
            object.__setattr__(self, "arrival_order", np.asarray(self.arrival_order, np.int64))
        _check_lengths("households", self, n, exclude=("municipal_debt", "preferred"))
        if self.municipal_debt.ndim != 2 or self.preferred.shape != self.municipal_debt.shape:
            raise InvalidInput(
                "municipal_debt and preferred must both be [households, municipalities]."
            )
        if self.municipal_debt.shape[0] != n:
            raise InvalidInput("municipal_debt and preferred need one row per household.")
        if n and self.persons.min() < 1:
            raise InvalidInput("Every household has at least one person.")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index) -> "Households":
        """The households at `index` (an index array, a slice or a boolean mask), in that order.
        Their arrival_order keeps the relative order of the originals."""
        fields = {name: getattr(self, name)[index] for name in _HOUSEHOLD_DTYPES}
        return Households(**fields, arrival_order=_ranks(np.argsort(self.arrival_order[index])))


@dataclass(frozen=True, eq=False)
class Flats:
    """F free flats. `program` indexes PROGRAMS; `owner` is the owner's id, -1 when none."""

    ids: np.ndarray  # int64
    municipality: np.ndarray  # int32 municipality index
    rooms: np.ndarray  # int16
    area: np.ndarray  # float32, m²
    rent: np.ndarray  # float32, CZK a month
    charges: np.ndarray  # float32, service charges, CZK a month
    program: np.ndarray  # int8 index into PROGRAMS
    barrier_free: np.ndarray  # bool
    owner: np.ndarray  # int64 owner id, -1 none

    def __post_init__(self):
        _coerce(self, _FLAT_DTYPES)
        _check_lengths("flats", self, len(self.ids))
        if len(self) and not (self.program.min() >= 0 and self.program.max() < len(PROGRAMS)):
            raise InvalidInput("A flat's program must index PROGRAMS.")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index) -> "Flats":
        """The flats at `index` (an index array, a slice or a boolean mask), in that order."""
        return Flats(**{name: getattr(self, name)[index] for name in _FLAT_DTYPES})


@dataclass(frozen=True, eq=False)
class MunicipalRules:
    """Per-municipality rules, one row per municipality index (M rows).

    max_debt and max_rent use `np.inf` for "no limit". support_required[m, p]: a flat of program p
    in municipality m is let only with a support provider (the household's own, or free places of
    a service covering m: support_capacity[m] > 0).
    """

    require_residence: np.ndarray  # bool [M]
    max_debt: np.ndarray  # float32 [M]
    require_valid_id: np.ndarray  # bool [M]
    require_landlord_consent: np.ndarray  # bool [M]
    support_required: np.ndarray  # bool [M, len(PROGRAMS)]
    support_capacity: np.ndarray  # int32 [M], free places of support services covering m
    max_rent: np.ndarray  # float32 [M, len(PROGRAMS)]

    def __post_init__(self):
        _coerce(self, _RULE_DTYPES)
        m = len(self.require_residence)
        for name in (
            "max_debt",
            "require_valid_id",
            "require_landlord_consent",
            "support_capacity",
        ):
            if getattr(self, name).shape != (m,):
                raise InvalidInput(f"Municipal rule {name} needs one value per municipality.")
        for name in ("support_required", "max_rent"):
            if getattr(self, name).shape != (m, len(PROGRAMS)):
                raise InvalidInput(
                    f"Municipal rule {name} needs [municipalities, programs] values."
                )

    def __len__(self) -> int:
        return len(self.require_residence)

    def validate(self) -> None:
        """Raise InvalidSettings for limits that no household could meet."""
        if np.isnan(self.max_debt).any() or (self.max_debt < 0).any():
            raise InvalidSettings("The maximum debt to a municipality cannot be negative.")
        if np.isnan(self.max_rent).any() or (self.max_rent <= 0).any():
            raise InvalidSettings("The maximum rent of a program must be more than zero.")
        if (self.support_capacity < 0).any():
            raise InvalidSettings("Free places of support services cannot be negative.")

    @classmethod
    def permissive(cls, n_municipalities: int, *, support_capacity=None) -> "MunicipalRules":
        """Rules for `n_municipalities` that require nothing (a starting point for tests)."""
        m, p = n_municipalities, len(PROGRAMS)
        if support_capacity is None:
            support_capacity = np.zeros(m, np.int32)
        return cls(
            require_residence=np.zeros(m, bool),
            max_debt=np.full(m, np.inf),
            require_valid_id=np.zeros(m, bool),
            require_landlord_consent=np.zeros(m, bool),
            support_required=np.zeros((m, p), bool),
            support_capacity=support_capacity,
            max_rent=np.full((m, p), np.inf),
        )


def default_urgency_by_ethos() -> np.ndarray:
    """Urgency (0..1) by ETHOS category 0..13; 0 is "unknown". Roofless and threatened by
    violence first, then houseless, insecure, inadequate."""
    #                 ?    1    2     3    4    5    6     7    8    9   10    11    12   13
    return np.array(
        [0.5, 1.0, 0.95, 0.85, 0.9, 0.8, 0.8, 0.75, 0.6, 0.7, 0.9, 0.55, 0.5, 0.45], np.float32
    )


def default_weights() -> dict[str, float]:
    """A weight (0..10) for each of COMPONENTS."""
    return {
        "urgency": 5.0,
        "children": 3.0,
        "waiting": 2.0,
        "vulnerability": 3.0,
        "preference": 2.0,
        "size_fit": 2.0,
        "support": 1.0,
    }


@dataclass(frozen=True, eq=False)
class Settings:
    """Occupancy norms, affordability, program rules, urgency, weights and exclusions.

    A flat fits when persons ≤ max_persons_per_room × rooms, area ≥ min_area_per_person × persons
    and rooms ≤ persons + max_spare_rooms. Housing First flats take households with an ETHOS
    category in housing_first_ethos and support_need ≥ housing_first_support_need; crisis flats take
    households in an emergency or with an ETHOS category in crisis_ethos.

    excluded_pairs holds (household index, flat index) rows and excluded_owner_pairs
    (household index, owner id) rows: pairs declined before, never eligible again.
    Call `validate()` (evaluate does) to get an `InvalidSettings` for bad values.
    """

    max_persons_per_room: float = 2.0
    min_area_per_person: float = 8.0
    max_spare_rooms: int = 1
    max_housing_cost_share: float = 0.45
    housing_first_ethos: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
    housing_first_support_need: int = 3
    crisis_ethos: tuple[int, ...] = (1, 2, 10)
    urgency_by_ethos: np.ndarray = field(default_factory=lambda: default_urgency_by_ethos())
    weights: dict[str, float] = field(default_factory=lambda: default_weights())
    excluded_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))
    excluded_owner_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))

    def __post_init__(self):
        object.__setattr__(self, "urgency_by_ethos", np.asarray(self.urgency_by_ethos, np.float32))
        for name in ("excluded_pairs", "excluded_owner_pairs"):
            pairs = np.asarray(getattr(self, name), np.int64).reshape(-1, 2)
            object.__setattr__(self, name, pairs)

    def validate(self) -> None:
        """Raise InvalidSettings with a message naming the first bad value."""
        unknown = set(self.weights) ^ set(COMPONENTS)
        if unknown:
            raise InvalidSettings(f"Weights are needed for exactly: {', '.join(COMPONENTS)}.")
        for code in COMPONENTS:
            weight = self.weights[code]
            if not (0 <= weight <= MAX_WEIGHT):
                raise InvalidSettings(
                    f"The weight of {code} must be between 0 and 10, not {weight}."
                )
        if not (self.max_persons_per_room > 0):
            raise InvalidSettings("The maximum number of persons per room must be more than zero.")
        if not (0 <= self.min_area_per_person < np.inf):
            raise InvalidSettings("The minimum area per person cannot be negative.")
        if self.max_spare_rooms < 0:
            raise InvalidSettings("The number of spare rooms cannot be negative.")
        if not (0 < self.max_housing_cost_share <= 1):
            raise InvalidSettings(
                "The share of income for housing must be more than 0 and at most 1."
            )
        if self.max_spare_rooms + 1 < 1 / self.max_persons_per_room:
            raise InvalidSettings(
                "The occupancy norms contradict each other: no flat fits a household of one."
            )
        urgency = self.urgency_by_ethos
        if (
            urgency.shape != (14,)
            or np.isnan(urgency).any()
            or (urgency < 0).any()
            or (urgency > 1).any()
        ):
            raise InvalidSettings("Urgency needs a value between 0 and 1 for ETHOS 0 to 13.")
        if not set(self.housing_first_ethos) | set(self.crisis_ethos) <= set(range(1, 14)):
            raise InvalidSettings("Program rules may name only ETHOS categories 1 to 13.")
        if not (0 <= self.housing_first_support_need <= 3):
            raise InvalidSettings("The support need for Housing First must be between 0 and 3.")

    def ideal_rooms(self, persons: np.ndarray) -> np.ndarray:
        """The number of rooms that fits `persons` best (size_fit is 1 there): a room for a
        couple or two children and one more for every two persons, within the norms."""
        persons = np.asarray(persons, np.float32)
        ideal = np.ceil((persons + 1) / 2)
        ideal = np.maximum(ideal, np.ceil(persons / self.max_persons_per_room))
        return np.minimum(ideal, persons + self.max_spare_rooms).astype(np.float32)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Eligibility and scores of all H × F pairs.

    eligible: bool [H, F]. score: float32 [H, F], the weighted score where eligible and `-inf`
    where not.
    """

    eligible: np.ndarray
    score: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.eligible.shape


@dataclass(frozen=True)
class RuleResult:
    """One hard rule for one pair. `applies` is False when the municipality does not use the
    rule (it then passes); `values` holds the plain numbers a sentence needs (see rules.py)."""

    code: str
    passed: bool
    applies: bool
    values: dict


@dataclass(frozen=True)
class ScorePart:
    """One score component of one pair: value in 0..1, its weight, points = value × weight."""

    code: str
    value: float
    weight: float
    points: float


@dataclass(frozen=True, eq=False)
class Assignment:
    """Pairs (row, column) — for flats (household index, flat index) — sorted by column, and the
    total score of the pairs."""

    pairs: np.ndarray  # int64 [n, 2]
    total: float

    def __len__(self) -> int:
        return len(self.pairs)


# --- Rules ------------------------------------------------------------------------------------
# Each rule is a function (context, h, f) -> bool [len(h), len(f)], True where the rule fails, for
# household indices h and flat indices f. The docstring names the flat fields it reads: evaluate
# relies on that to run the rules once per group of flats that share those fields.

HOUSING_FIRST = PROGRAMS.index("housing_first")
CRISIS = PROGRAMS.index("crisis")


class _Context:
    """The inputs and the per-household and per-flat values derived from them once."""

    def __init__(self, households, flats, rules, settings):
        settings.validate()
        rules.validate()
        if households.municipal_debt.shape[1] != len(rules):
            raise InvalidInput("Households need one debt and preference column per municipality.")
        if (settings.excluded_pairs < 0).any() or (settings.excluded_owner_pairs[:, 0] < 0).any():
            raise InvalidInput("Excluded pairs hold household and flat indices, not negative ones.")
        if len(flats) and not (
            flats.municipality.min() >= 0 and flats.municipality.max() < len(rules)
        ):
            raise InvalidInput("A flat's municipality must index the municipal rules.")
        if len(households) and households.residence.max() >= len(rules):
            raise InvalidInput("A household's residence must index the municipal rules (or be -1).")
        self.hh, self.fl, self.rules, self.settings = households, flats, rules, settings
        self.cost = flats.rent + flats.charges
        self.cost_limit = (settings.max_housing_cost_share * households.income).astype(np.float32)
        ethos = households.ethos
        self.housing_first_ok = np.isin(ethos, settings.housing_first_ethos) & (
            households.support_need >= settings.housing_first_support_need
        )
        self.crisis_ok = households.emergency | np.isin(ethos, settings.crisis_ethos)
        self.needs_provider = rules.support_required[flats.municipality, flats.program] & (
            rules.support_capacity[flats.municipality] <= 0
        )
        self.rent_limit = rules.max_rent[flats.municipality, flats.program]
        self.ideal_rooms = settings.ideal_rooms(households.persons)
        self.weights = np.array([settings.weights[c] for c in COMPONENTS], np.float32)


def _col(values, h):
    return values[h][:, None]


def _row(values, f):
    return values[f][None, :]


def _fail_occupancy(c, h, f):
    """Reads rooms, area."""
    s = c.settings
    persons = _col(c.hh.persons, h).astype(np.float32)
    rooms = _row(c.fl.rooms, f).astype(np.float32)
    crowded = persons > np.float32(s.max_persons_per_room) * rooms
    small = persons * np.float32(s.min_area_per_person) > _row(c.fl.area, f)
    large = rooms > persons + np.float32(s.max_spare_rooms)
    return crowded | small | large


def _fail_affordability(c, h, f):
    """Reads rent, charges."""
    return _row(c.cost, f) > _col(c.cost_limit, h)


def _fail_program(c, h, f):
    """Reads program."""
    program = _row(c.fl.program, f)
    housing_first = (program == HOUSING_FIRST) & ~_col(c.housing_first_ok, h)
    return housing_first | ((program == CRISIS) & ~_col(c.crisis_ok, h))


def _fail_barrier_free(c, h, f):
    """Reads barrier_free."""
    return _col(c.hh.barrier_free, h) & ~_row(c.fl.barrier_free, f)


def _fail_excluded(c, h, f):
    """Reads ids (the flat itself) and owner: not groupable, evaluated once over all pairs."""
    failed = np.zeros((len(h), len(f)), bool)
    failed[_excluded_cells(c, h, f)] = True
    return failed


def _excluded_cells(c, h, f):
    """(rows, columns) of the block h × f holding a declined pair, without a dense mask."""
    h_pos = np.full(len(c.hh), -1, np.int64)
    h_pos[h] = np.arange(len(h))
    f_pos = np.full(len(c.fl), -1, np.int64)
    f_pos[f] = np.arange(len(f))
    pairs = c.settings.excluded_pairs
    pairs = pairs[(pairs[:, 0] < len(h_pos)) & (pairs[:, 1] < len(f_pos))]
    rows, cols = h_pos[pairs[:, 0]], f_pos[pairs[:, 1]]
    keep = (rows >= 0) & (cols >= 0)
    rows, cols = [rows[keep]], [cols[keep]]
    owners = c.settings.excluded_owner_pairs
    owners = owners[owners[:, 0] < len(h_pos)]
    owners = owners[h_pos[owners[:, 0]] >= 0]
    if len(owners) and len(f):
        flat_owner = c.fl.owner[f]
        by_owner = np.argsort(flat_owner, kind="stable")
        start = np.searchsorted(flat_owner[by_owner], owners[:, 1], "left")
        count = np.searchsorted(flat_owner[by_owner], owners[:, 1], "right") - start
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        rows.append(np.repeat(h_pos[owners[:, 0]], count))
        cols.append(by_owner[np.repeat(start, count) + offsets])
    return np.concatenate(rows), np.concatenate(cols)


def _fail_residence(c, h, f):
    """Reads municipality."""
    municipality = _row(c.fl.municipality, f)
    return c.rules.require_residence[municipality] & (_col(c.hh.residence, h) != municipality)


def _fail_municipal_debt(c, h, f):
    """Reads municipality."""
    municipality = c.fl.municipality[f]
    debt = c.hh.municipal_debt[np.ix_(np.asarray(h), municipality)]
    return debt > c.rules.max_debt[municipality][None, :]


def _fail_valid_id(c, h, f):
    """Reads municipality."""
    return c.rules.require_valid_id[_row(c.fl.municipality, f)] & ~_col(c.hh.valid_id, h)


def _fail_landlord_consent(c, h, f):
    """Reads municipality."""
    required = c.rules.require_landlord_consent[_row(c.fl.municipality, f)]
    return required & ~_col(c.hh.landlord_consent, h)


def _fail_support_available(c, h, f):
    """Reads municipality, program."""
    return _row(c.needs_provider, f) & ~_col(c.hh.has_provider, h)


def _fail_max_rent(c, h, f):
    """Reads rent, municipality, program; nothing of the household."""
    failed = _row(c.fl.rent, f) > _row(c.rent_limit, f)
    return np.broadcast_to(failed, (len(h), len(failed[0])))


_RULE_FUNCTIONS = {code: globals()[f"_fail_{code}"] for code in RULES}
_BIT = {code: np.uint16(1 << i) for i, code in enumerate(RULES)}
# Rules whose flat side depends only on (municipality, program, barrier_free): run per group.
_GROUP_RULES = (
    "program",
    "barrier_free",
    "residence",
    "municipal_debt",
    "valid_id",
    "landlord_consent",
    "support_available",
)
# Rules whose household side depends only on the number of persons (or on nothing).
_PERSONS_RULES = ("occupancy", "max_rent")


# --- Score components -----------------------------------------------------------------------
# Each is (context, h, f) -> float32 in 0..1, broadcastable to [len(h), len(f)].


def _urgency(c, h, f):
    """Reads nothing of the flat."""
    return _col(c.settings.urgency_by_ethos[c.hh.ethos], h)


def _children(c, h, f):
    """Reads nothing of the flat."""
    return _col(np.minimum(c.hh.children, CHILDREN_FULL).astype(np.float32) / CHILDREN_FULL, h)


def _waiting(c, h, f):
    """Reads nothing of the flat."""
    waiting = np.minimum(c.hh.waiting_days.astype(np.float32) / WAITING_FULL_DAYS, 1)
    return _col(np.maximum(waiting, 0), h)


def _vulnerability(c, h, f):
    """Reads nothing of the flat."""
    return _col(c.hh.vulnerable.astype(np.float32), h)


def _preference(c, h, f):
    """Reads municipality."""
    return c.hh.preferred[np.ix_(np.asarray(h), c.fl.municipality[f])].astype(np.float32)


def _size_fit(c, h, f):
    """Reads rooms: 1 at the ideal number of rooms, half a point less for each room off."""
    off = np.abs(_row(c.fl.rooms, f).astype(np.float32) - _col(c.ideal_rooms, h))
    return np.maximum(np.float32(1) - np.float32(0.5) * off, 0)


def _support(c, h, f):
    """Reads municipality: the household's own provider 1, free places nearby 0.5."""
    free_places = c.rules.support_capacity[_row(c.fl.municipality, f)] > 0
    own = _col(c.hh.has_provider, h)
    return np.where(own, np.float32(1), np.where(free_places, np.float32(0.5), np.float32(0)))


_COMPONENT_FUNCTIONS = {code: globals()[f"_{code}"] for code in COMPONENTS}
_GROUP_COMPONENTS = ("urgency", "children", "waiting", "vulnerability", "preference", "support")


# --- Evaluation -----------------------------------------------------------------------------

_CHUNK = 512  # households per block: 512 × 3,000 float32 ≈ 6 MB of temporaries


def evaluate(
    households: Households, flats: Flats, rules: MunicipalRules, settings: Settings
) -> Evaluation:
    """All hard rules and scores over every household × flat pair (vectorised, chunked over
    households so that temporaries stay small). Raises InvalidSettings / InvalidInput.

    Scores are points to hundredths (_DECIMALS): finer differences mean nothing to a person
    deciding, and exact ties let the optimal assignment finish about 15 % sooner.

    Rules and components that read only a flat's municipality, program and barrier-free flag run
    once per such group of flats (H × groups); those that read only a household's number of
    persons run once per distinct number (persons × F); affordability runs over all pairs.
    """
    c = _Context(households, flats, rules, settings)
    n_h, n_f = len(households), len(flats)
    score = np.empty((n_h, n_f), np.float32)
    eligible = np.empty((n_h, n_f), bool)
    if n_h == 0 or n_f == 0:
        return Evaluation(eligible=eligible, score=score)
    everyone = np.arange(n_h)
    group_of_flat, group_flats = _flat_groups(flats)
    group_part = _group_part(c, everyone, group_flats)
    persons, persons_of_household = np.unique(households.persons, return_inverse=True)
    representatives = np.argmax(households.persons[None, :] == persons[:, None], axis=1)
    size_part = _persons_part(c, representatives, np.arange(n_f))

    def blocks(start, stop):
        for first in range(start, stop, _CHUNK):
            rows = slice(first, min(first + _CHUNK, stop))
            block, ok = score[rows], eligible[rows]
            np.take(group_part[rows], group_of_flat, axis=1, out=block)
            block += size_part[persons_of_household[rows]]
            np.round(block, _DECIMALS, out=block)
            np.logical_not(_fail_affordability(c, everyone[rows], slice(None)), out=ok)
            np.copyto(block, -np.inf, where=~ok)
            np.not_equal(block, -np.inf, out=ok)

    _in_threads(blocks, n_h)
    excluded = _excluded_cells(c, everyone, np.arange(n_f))
    score[excluded] = -np.inf
    eligible[excluded] = False
    return Evaluation(eligible=eligible, score=score)


def _in_threads(work, n, threads=2):
    """Run work(start, stop) over n rows split between threads (NumPy releases the GIL)."""
    bounds = np.linspace(0, n, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(work, a, b) for a, b in itertools.pairwise(bounds)]:
            future.result()


def _flat_groups(flats):
    key = (flats.municipality.astype(np.int64) * len(PROGRAMS) + flats.program) * 2
    key += flats.barrier_free
    _, first, group_of_flat = np.unique(key, return_index=True, return_inverse=True)
    return group_of_flat, first


def _group_part(c, h, f):
    """Weighted group components, -inf where a group rule fails: float32 [len(h), len(f)]."""
    failed = np.zeros((len(h), len(f)), bool)
    for code in _GROUP_RULES:
        failed |= _RULE_FUNCTIONS[code](c, h, f)
    part = np.zeros((len(h), len(f)), np.float32)
    for code in _GROUP_COMPONENTS:
        part += np.float32(c.settings.weights[code]) * _COMPONENT_FUNCTIONS[code](c, h, f)
    part[failed] = -np.inf
    return part


def _persons_part(c, h, f):
    """Weighted size fit, -inf where occupancy or the maximum rent fails."""
    failed = _fail_occupancy(c, h, f) | _fail_max_rent(c, h, f)
    part = np.float32(c.settings.weights["size_fit"]) * _size_fit(c, h, f)
    part = np.broadcast_to(part, failed.shape).copy()
    part[failed] = -np.inf
    return part


def failures(
    households: Households,
    flats: Flats,
    rules: MunicipalRules,
    settings: Settings,
    h=None,
    f=None,
) -> np.ndarray:
    """Failure bitmask uint16 [len(h), len(f)] of the block of households `h` × flats `f`
    (index arrays; None = all). Bit i set = rule RULES[i] failed; 0 = eligible. Use it for one
    flat's column ("which households fail what") or for a rule-change preview."""
    c = _Context(households, flats, rules, settings)
    h = np.arange(len(households)) if h is None else np.atleast_1d(np.asarray(h, np.int64))
    f = np.arange(len(flats)) if f is None else np.atleast_1d(np.asarray(f, np.int64))
    return _failures(c, h, f)


def _failures(c, h, f):
    mask = np.zeros((len(h), len(f)), np.uint16)
    for code, rule in _RULE_FUNCTIONS.items():
        mask[rule(c, h, f)] |= _BIT[code]
    return mask


def failed_rules(mask: int) -> list[str]:
    """The codes of the rules whose bits are set in one failure mask value."""
    return [code for code in RULES if int(mask) & int(_BIT[code])]


def explain(
    households: Households,
    flats: Flats,
    rules: MunicipalRules,
    settings: Settings,
    h: int,
    f: int,
) -> list[RuleResult]:
    """Every hard rule's result for household `h` and flat `f`, in RULES order."""
    c = _Context(households, flats, rules, settings)
    _check_pair(c, h, f)
    mask = int(_failures(c, np.array([h]), np.array([f]))[0, 0])
    results = []
    for code in RULES:
        applies, values = _VALUES[code](c, h, f)
        passed = not mask & int(_BIT[code])
        results.append(RuleResult(code=code, passed=passed, applies=applies, values=values))
    return results


def _check_pair(c, h, f):
    if not (0 <= h < len(c.hh) and 0 <= f < len(c.fl)):
        raise InvalidInput(
            f"No pair ({h}, {f}) among {len(c.hh)} households and {len(c.fl)} flats."
        )


def score_parts(
    households: Households,
    flats: Flats,
    rules: MunicipalRules,
    settings: Settings,
    h: int,
    f: int,
) -> list[ScorePart]:
    """The score of the pair split into COMPONENTS (computed whether or not it is eligible);
    the points sum to the pair's score."""
    c = _Context(households, flats, rules, settings)
    _check_pair(c, h, f)
    parts = []
    for code, component in _COMPONENT_FUNCTIONS.items():
        value = float(np.asarray(component(c, np.array([h]), np.array([f]))).reshape(-1)[0])
        weight = float(settings.weights[code])
        parts.append(ScorePart(code=code, value=value, weight=weight, points=value * weight))
    return parts


# --- Plain values for the explanations ------------------------------------------------------


def _values_occupancy(c, h, f):
    s = c.settings
    persons, rooms, area = int(c.hh.persons[h]), int(c.fl.rooms[f]), float(c.fl.area[f])
    return True, {
        "persons": persons,
        "rooms": rooms,
        "area": area,
        "max_per_room": s.max_persons_per_room,
        "min_area": s.min_area_per_person,
        "max_spare_rooms": s.max_spare_rooms,
        "max_rooms": persons + s.max_spare_rooms,
        "crowded": persons > s.max_persons_per_room * rooms,
        "small": persons * s.min_area_per_person > area,
        "large": rooms > persons + s.max_spare_rooms,
    }


def _values_affordability(c, h, f):
    return True, {
        "rent": float(c.fl.rent[f]),
        "charges": float(c.fl.charges[f]),
        "cost": float(c.cost[f]),
        "income": float(c.hh.income[h]),
        "share": round(c.settings.max_housing_cost_share * 100),
        "limit": float(c.cost_limit[h]),
    }


def _values_program(c, h, f):
    program = int(c.fl.program[f])
    return program in (HOUSING_FIRST, CRISIS), {
        "program": PROGRAMS[program],
        "ethos": int(c.hh.ethos[h]),
        "support_need": int(c.hh.support_need[h]),
        "emergency": bool(c.hh.emergency[h]),
    }


def _values_barrier_free(c, h, f):
    return bool(c.hh.barrier_free[h]), {
        "needs": bool(c.hh.barrier_free[h]),
        "flat_barrier_free": bool(c.fl.barrier_free[f]),
    }


def _values_excluded(c, h, f):
    pairs, owners = c.settings.excluded_pairs, c.settings.excluded_owner_pairs
    by_household = bool(((pairs[:, 0] == h) & (pairs[:, 1] == f)).any())
    by_owner = bool(((owners[:, 0] == h) & (owners[:, 1] == c.fl.owner[f])).any())
    return True, {"flat_declined": by_household, "owner_declined": by_owner}


def _values_residence(c, h, f):
    m = int(c.fl.municipality[f])
    return bool(c.rules.require_residence[m]), {
        "municipality": m,
        "residence": int(c.hh.residence[h]),
    }


def _values_municipal_debt(c, h, f):
    m = int(c.fl.municipality[f])
    limit = float(c.rules.max_debt[m])
    return limit != np.inf, {
        "municipality": m,
        "debt": float(c.hh.municipal_debt[h, m]),
        "max_debt": limit if limit != np.inf else None,
    }


def _values_valid_id(c, h, f):
    m = int(c.fl.municipality[f])
    return bool(c.rules.require_valid_id[m]), {
        "municipality": m,
        "valid_id": bool(c.hh.valid_id[h]),
    }


def _values_landlord_consent(c, h, f):
    m = int(c.fl.municipality[f])
    return bool(c.rules.require_landlord_consent[m]), {
        "municipality": m,
        "consent": bool(c.hh.landlord_consent[h]),
    }


def _values_support_available(c, h, f):
    m, program = int(c.fl.municipality[f]), int(c.fl.program[f])
    return bool(c.rules.support_required[m, program]), {
        "municipality": m,
        "program": PROGRAMS[program],
        "has_provider": bool(c.hh.has_provider[h]),
        "free_places": int(c.rules.support_capacity[m]),
    }


def _values_max_rent(c, h, f):
    limit = float(c.rent_limit[f])
    return limit != np.inf, {
        "program": PROGRAMS[int(c.fl.program[f])],
        "rent": float(c.fl.rent[f]),
        "max_rent": limit if limit != np.inf else None,
    }


_VALUES = {code: globals()[f"_values_{code}"] for code in RULES}


# --- Ranking and assignment -----------------------------------------------------------------


def shortlist(evaluation: Evaluation, f: int, limit: int | None = 20) -> np.ndarray:
    """Indices of the households eligible for flat `f`, best score first (ties: lower index)."""
    return _ranked(evaluation.score[:, f], limit)


def suitable_flats(evaluation: Evaluation, h: int, limit: int | None = 20) -> np.ndarray:
    """Indices of the flats household `h` is eligible for, best score first (ties: lower index)."""
    return _ranked(evaluation.score[h], limit)


def _ranked(scores, limit):
    eligible = np.flatnonzero(scores != -np.inf)
    order = np.argsort(-scores[eligible], kind="stable")
    return eligible[order[:limit]]


def assign_optimal(evaluation: Evaluation) -> Assignment:
    """The assignment of flats to households with the maximum total score over eligible pairs
    (each household and each flat at most once; a flat may stay unassigned). Exact.

    Solved as a full matching of households (rows) to flats or to a private "stays waiting"
    column of their own (value 0), with scipy's sparse Jonker–Volgenant solver
    (`min_weight_full_bipartite_matching`) over the eligible pairs only, the households with the
    best scores first. On 10,000 × 3,000 this took a quarter of the time of dense
    `linear_sum_assignment` and a third of the same solver with flats as rows: scores are mostly
    household-driven, so every flat wants the same households and augmenting paths get long.
    """
    eligible, score = evaluation.eligible, evaluation.score
    best = score.max(axis=1) if score.size else np.empty(0, np.float32)
    candidates = np.flatnonzero(best != -np.inf)
    if len(candidates) == 0:
        return _assignment(np.empty(0, np.int64), np.empty(0, np.int64), score)
    rows = candidates[np.argsort(-best[candidates], kind="stable")]  # the best first
    matrix, n_flats = _waiting_matrix(eligible, score, rows, best[rows])
    matched_rows, columns = min_weight_full_bipartite_matching(matrix)
    housed = columns < n_flats
    return _assignment(rows[matched_rows[housed]], columns[housed], score)


def _waiting_matrix(eligible, score, rows, best):
    """CSR costs [len(rows), F + len(rows)] for the households `rows` in that order: for each
    eligible flat, how much less it scores than the household's best flat (`best`), then the
    row's own "stays waiting" column at the cost of its best score. Every row is matched exactly
    once (a flat or waiting), so taking each row's best score off all its costs keeps the
    optimum, and the solver starts from small reduced costs (about a quarter faster here). A tiny
    offset keeps every cost above zero: the solver drops zeros. Written in place, in chunks of
    rows on two threads, without copying the scores."""
    n, n_flats = len(rows), eligible.shape[1]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.count_nonzero(eligible[rows], axis=1) + 1, out=indptr[1:])
    data = np.empty(indptr[-1])
    column = np.empty(indptr[-1], np.int32)
    waiting = indptr[1:] - 1  # each row's last entry is its waiting column
    data[waiting] = np.round(best.astype(np.float64), _DECIMALS) + _OFFSET
    column[waiting] = n_flats + np.arange(n, dtype=np.int32)

    def blocks(first_row, stop):
        for first in range(first_row, stop, _CHUNK):
            chunk = rows[first : min(first + _CHUNK, stop)]
            row_of, flat_of = np.nonzero(eligible[chunk])
            # Row k of the chunk starts after the entries and the waiting columns of rows < k.
            at = indptr[first] + np.arange(len(row_of)) + row_of
            # Scores are hundredths stored as float32: rounding the difference makes it the
            # exact difference of the two decimals, so equal costs are equal for the solver.
            cost = best[first + row_of] - score[chunk[row_of], flat_of].astype(np.float64)
            data[at] = np.round(cost, _DECIMALS) + _OFFSET
            column[at] = flat_of

    _in_threads(blocks, n)
    return csr_array((data, column, indptr), shape=(n, n_flats + n)), n_flats


# Keeps every cost strictly positive; the same for each row, so it does not change the optimum.
_OFFSET = 1e-6
# Scores are kept to hundredths of a point.
_DECIMALS = 2


def _assignment(rows, columns, score) -> Assignment:
    order = np.lexsort((rows, columns))
    pairs = np.stack([rows[order], columns[order]], axis=1).astype(np.int64).reshape(-1, 2)
    total = float(score[pairs[:, 0], pairs[:, 1]].astype(np.float64).sum()) if len(pairs) else 0.0
    return Assignment(pairs=pairs, total=total)


def assign_greedy(evaluation: Evaluation, households: Households) -> Assignment:
    """First come, first served: flats in index order, each takes the eligible unassigned
    household that applied first (lowest arrival_order)."""
    n_h, n_f = evaluation.shape
    if len(households) != n_h:
        raise InvalidInput("The households do not match the evaluation.")
    by_arrival = np.argsort(households.arrival_order, kind="stable")
    waiting = np.ascontiguousarray(evaluation.eligible[by_arrival].T)  # [F, H] in arrival order
    free = np.ones(n_h, bool)
    rows, columns = [], []
    for f in range(n_f):
        candidates = waiting[f] & free
        first = int(np.argmax(candidates))
        if candidates[first]:
            free[first] = False
            rows.append(by_arrival[first])
            columns.append(f)
    return _assignment(np.array(rows, np.int64), np.array(columns, np.int64), evaluation.score)


def assign_with_capacity(
    score: np.ndarray,
    eligible: np.ndarray,
    capacity: np.ndarray,
    *,
    load: np.ndarray | None = None,
    balance: float = 0.0,
) -> Assignment:
    """Pair N rows (cases, households) with K columns (case managers, provider services) that
    take up to capacity[k] rows each (a manager: maximum caseload − current caseload; a service:
    free places).

    Assigns as many rows as the capacities and eligibility allow, and among those assignments
    maximises the total of score − balance × (load[k] + slot), where slot is 0 for a column's
    first new row, 1 for its second... — so with balance > 0 the rows spread towards columns with
    smaller loads (current caseloads, default 0). Assignment.total is the sum of `score` of the
    pairs (without the balancing cost). Exact (columns expanded into slots, then
    linear_sum_assignment).
    """
    score = np.asarray(score, np.float64)
    eligible = np.asarray(eligible, bool) & np.isfinite(score)
    n, k = score.shape if score.ndim == 2 else (0, 0)
    capacity = np.asarray(capacity, np.int64)
    load = np.zeros(k) if load is None else np.asarray(load, np.float64)
    if (
        score.ndim != 2
        or eligible.shape != score.shape
        or capacity.shape != (k,)
        or load.shape != (k,)
    ):
        raise InvalidInput("score and eligible must be [N, K]; capacity and load [K].")
    if not (0 <= balance < np.inf):
        raise InvalidSettings("The balancing cost cannot be negative.")
    slots = np.clip(capacity, 0, n)
    slot_column = np.repeat(np.arange(k), slots)
    slot_rank = np.arange(len(slot_column)) - np.repeat(np.cumsum(slots) - slots, slots)
    allowed = eligible[:, slot_column]
    if not allowed.any():
        return _assignment(np.empty(0, np.int64), np.empty(0, np.int64), score)
    net = score[:, slot_column] - balance * (load[slot_column] + slot_rank)[None, :]
    low, high = net[allowed].min(), net[allowed].max()
    # Each pair is worth more than any difference in net totals: the most pairs win first.
    bonus = n * (high - low + 1) + 1
    value = np.where(allowed, net - low + 1 + bonus, 0)
    rows, columns = linear_sum_assignment(value, maximize=True)
    keep = allowed[rows, columns]
    return _assignment(rows[keep], slot_column[columns[keep]], score)
