"""Access-matrix entries of the reports pages (see tests/kmb/matrix.py).

Everyone who reports (the KMB's staff, the housing department anonymised, administrators) opens
the dashboard, its exports and the archive; only the manager issues a report and sets targets;
targets are the KMB's own (not the housing department's); an issued report reaches the issuing
KMB and the housing department of the municipality it was issued for."""

import datetime

from kmb.accounts.models import Role
from reports.models import IssuedReport, ProjectPeriod
from tests.kmb.matrix import HIDDEN, NOT_ALLOWED, OK, Case, logged_in, only

REPORTERS = (Role.SOCIAL_WORKER, Role.MANAGER, Role.HOUSING_DEPARTMENT, Role.ADMINISTRATOR)
KMB_STAFF = (Role.SOCIAL_WORKER, Role.MANAGER, Role.ADMINISTRATOR)


def _pk(key):
    return lambda world: {"pk": world[key].pk}


MATRIX: list[Case] = [
    Case("reports:dashboard", only(*REPORTERS)),
    Case("reports:dashboard", logged_in(NOT_ALLOWED), method="post", label="wrong method"),
    Case("reports:export-csv", only(*REPORTERS)),
    Case("reports:export-xlsx", only(*REPORTERS)),
    Case("reports:issue", only(Role.MANAGER)),
    Case("reports:issued-report-list", only(*REPORTERS)),
    Case(
        "reports:issued-report-download",
        only(*REPORTERS),
        kwargs=_pk("issued_report"),
        label="own KMB, for the housing department's municipality",
    ),
    Case(
        "reports:issued-report-download",
        only(*REPORTERS, outcome=HIDDEN) | {Role.ADMINISTRATOR: OK},
        kwargs=_pk("other_issued_report"),
        label="another KMB",
    ),
    Case(
        "reports:issued-report-download",
        logged_in(NOT_ALLOWED),
        kwargs=_pk("issued_report"),
        method="post",
        label="wrong method",
    ),
    Case("reports:period-list", only(*KMB_STAFF)),
    Case("reports:period-create", only(Role.MANAGER)),
    Case("reports:period-detail", only(*KMB_STAFF), kwargs=_pk("period"), label="own KMB"),
    Case(
        "reports:period-detail",
        only(*KMB_STAFF, outcome=HIDDEN) | {Role.ADMINISTRATOR: OK},
        kwargs=_pk("other_period"),
        label="another KMB",
    ),
    Case("reports:period-edit", only(Role.MANAGER), kwargs=_pk("period")),
    Case("reports:period-targets", only(Role.MANAGER), kwargs=_pk("period"), label="own KMB"),
    Case(
        "reports:period-targets",
        only(Role.MANAGER, outcome=HIDDEN) | {Role.SOCIAL_WORKER: HIDDEN},
        kwargs=_pk("other_period"),
        label="another KMB",
    ),
]


def world(base: dict) -> dict:
    """A project period and an issued report of the core KMB (issued for the housing
    department's municipality), and the same of another KMB."""
    kmb = base["kmb_office"]
    other_kmb = base["other_case"].kmb
    manager = base[Role.MANAGER]

    def period(office):
        return ProjectPeriod.objects.create(
            kmb=office,
            name=f"Projekt {office.name}",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
        )

    def issued(office, municipality=None):
        pdf = b"%PDF-1.7 archived"
        return IssuedReport.objects.create(
            kmb=office,
            month=datetime.date(2026, 10, 1),
            municipality=municipality,
            parameters={"month": "2026-10", "area": "Testov"},
            issued_by=manager,
            pdf=pdf,
            sha256=IssuedReport.digest(pdf),
        )

    return {
        "period": period(kmb),
        "other_period": period(other_kmb),
        "issued_report": issued(kmb, base[Role.HOUSING_DEPARTMENT].organisation.municipality),
        "other_issued_report": issued(other_kmb),
    }
