"""The project period of KMB Liberec with the targets the city's project states (DOMAIN.md,
"Reports and indicators"): the period runs over this year and the next, so that the demo's
figures fall in it whenever it is seeded. Idempotent: the period is found by its name's start.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from demo import builders
from kmb.accounts.models import Organisation
from reports.models import IndicatorTarget, ProjectPeriod

PERIOD_NAME = "Projekt KMB Liberec"
# (indicator key of reports.targets.TARGETABLE, target, note)
TARGETS = [
    ("persons_housed:housing_first", 15, "Osoby zabydlené v programu Housing First."),
    ("persons_with_schedule", 50, "Osoby se sjednaným splátkovým kalendářem."),
    ("private_owners_engaged", 2, "Zapojení soukromí vlastníci bytů."),
    (
        "prevention_entered",
        45,
        "Osoby podpořené v prevenci ztráty bydlení (počítá se za domácnost).",
    ),
    ("persons_registered", 400, "Osoby zaevidované a s poskytnutým základním poradenstvím."),
    ("leases_signed_or_extended", 100, "Nově uzavřené nebo prodloužené nájemní smlouvy."),
]


def build_reports() -> ProjectPeriod:
    """The project period and its targets (created where missing)."""
    kmb = Organisation.objects.get(name=builders.KMB_NAME)
    period = ProjectPeriod.objects.filter(kmb=kmb, name__startswith=PERIOD_NAME).first()
    if period is None:
        year = timezone.localdate().year
        period = ProjectPeriod(
            kmb=kmb,
            name=f"{PERIOD_NAME} {year}–{year + 1}",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year + 1, 12, 31),
        )
        period.full_clean()
        period.save()
    known = set(period.targets.values_list("indicator", flat=True))
    for indicator, target, note in TARGETS:
        if indicator not in known:
            row = IndicatorTarget(
                period=period, indicator=indicator, target=Decimal(target), note=note
            )
            row.full_clean()
            row.save()
    return period
