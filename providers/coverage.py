"""Which services cover which municipalities of an ORP, and where a service is missing or full
(seed 000: "what services are missing or lack capacity"). Two queries for a whole ORP.

    table = coverage(orp)                  # the map: municipalities × service types
    gaps = coverage_gaps(orp, kinds=HOUSING_SUPPORT_TYPES)   # for reports
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kmb.territory.models import Municipality
from providers.models import Service, ServiceType


class CoverageState(models.TextChoices):
    MISSING = "missing", _("missing")
    FULL = "full", _("full")
    AVAILABLE = "available", _("places free")


# Column headings of the map: the § of a social service, a short word for the other help.
SHORT_LABELS = {
    ServiceType.DEBT_COUNSELLING: pgettext_lazy("coverage column", "Debts"),
    ServiceType.LEGAL_ADVICE: pgettext_lazy("coverage column", "Legal"),
    ServiceType.FOUNDATION: pgettext_lazy("coverage column", "Found."),
    ServiceType.FOOD_BANK: pgettext_lazy("coverage column", "Food"),
    ServiceType.FURNITURE_BANK: pgettext_lazy("coverage column", "Furn."),
    ServiceType.MOVING_HELP: pgettext_lazy("coverage column", "Moving"),
}


def short_label(kind: ServiceType) -> str:
    if kind.is_social_service:
        return f"§{kind.value[1:]}"
    return str(SHORT_LABELS[kind])


@dataclass(frozen=True)
class Cell:
    kind: ServiceType
    services: int
    free_places: int

    @property
    def short_label(self) -> str:
        return short_label(self.kind)

    @property
    def state(self) -> CoverageState:
        if not self.services:
            return CoverageState.MISSING
        return CoverageState.AVAILABLE if self.free_places else CoverageState.FULL


@dataclass(frozen=True)
class Row:
    municipality: Municipality
    cells: list[Cell]

    @property
    def missing(self) -> int:
        return sum(cell.state == CoverageState.MISSING for cell in self.cells)


@dataclass(frozen=True)
class Coverage:
    kinds: list[ServiceType]
    rows: list[Row]
    # Per service type in the whole ORP: its services (each once) and their free places.
    totals: list[Cell]

    def count(self, state: CoverageState) -> int:
        return sum(cell.state == state for row in self.rows for cell in row.cells)


@dataclass(frozen=True)
class Gap:
    municipality: Municipality
    kind: ServiceType
    state: CoverageState
    services: int
    free_places: int


def service_kinds(*, social_only: bool = False) -> list[ServiceType]:
    return [kind for kind in ServiceType if kind.is_social_service or not social_only]


def coverage(orp, *, kinds: list[ServiceType] | None = None) -> Coverage:
    """The active services covering each municipality of the ORP, by type. A service's free
    places count in every municipality it covers: the households of any of them may take them."""
    kinds = [ServiceType(kind) for kind in (kinds or list(ServiceType))]
    municipalities = list(Municipality.objects.filter(orp=orp).order_by("name", "pk"))
    links = Service.municipalities.through.objects.filter(
        municipality__orp=orp, service__is_active=True, service__kind__in=kinds
    ).values_list("municipality_id", "service_id", "service__kind", "service__free_places")
    per_cell = defaultdict(lambda: [0, 0])
    per_kind: dict[str, dict[int, int]] = defaultdict(dict)
    for municipality_id, service_id, kind, free_places in links:
        cell = per_cell[municipality_id, kind]
        cell[0] += 1
        cell[1] += free_places
        per_kind[kind][service_id] = free_places
    rows = [
        Row(
            municipality=municipality,
            cells=[Cell(kind, *per_cell.get((municipality.pk, kind), (0, 0))) for kind in kinds],
        )
        for municipality in municipalities
    ]
    totals = [Cell(kind, len(per_kind[kind]), sum(per_kind[kind].values())) for kind in kinds]
    return Coverage(kinds=kinds, rows=rows, totals=totals)


def coverage_gaps(orp, *, kinds: list[ServiceType] | None = None) -> list[Gap]:
    """Every municipality × service type of the ORP where no service covers the municipality
    (missing) or all its services are full, in the order of the municipalities, then the code
    list."""
    table = coverage(orp, kinds=kinds)
    return [
        Gap(row.municipality, cell.kind, cell.state, cell.services, cell.free_places)
        for row in table.rows
        for cell in row.cells
        if cell.state != CoverageState.AVAILABLE
    ]
