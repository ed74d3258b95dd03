"""State changes of reporting: a project period's targets, and issuing the monthly report."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kmb.accounts.models import Organisation, User
from kmb.territory.models import Municipality
from reports.models import IndicatorTarget, IssuedReport, ProjectPeriod
from reports.pdf import render_monthly_report
from reports.periods import Month
from reports.queries import Area
from reports.report import area_label, build_report
from reports.targets import TARGETABLE


@transaction.atomic
def set_targets(
    *, period: ProjectPeriod, targets: dict[str, tuple[Decimal | None, str]], by: User
) -> list[IndicatorTarget]:
    """Set the period's targets from {key: (target, note)}: a key with a target is created or
    changed, a key without one loses its target. Keys not given stay as they are.

    Side effects: IndicatorTarget rows created, updated and deleted. `by` is the manager (the
    targets keep no history of their own)."""
    if unknown := set(targets) - set(TARGETABLE):
        raise ValidationError(_("No such indicator: %(codes)s") % {"codes": ", ".join(unknown)})
    existing = {target.indicator: target for target in period.targets.select_for_update()}
    for key, (amount, note) in targets.items():
        target = existing.get(key)
        if amount is None:
            if target is not None:
                target.delete()
            continue
        target = target or IndicatorTarget(period=period, indicator=key)
        target.target, target.note = amount, note
        target.full_clean()
        target.save()
    return list(period.targets.order_by("pk"))


@transaction.atomic
def issue_report(
    *, kmb: Organisation, month: Month, municipality: Municipality | None = None, by: User
) -> IssuedReport:
    """Issue the monthly report of the KMB's ORP (or one municipality of it): render the PDF —
    anonymised, as it leaves the KMB — and archive it with who issued it, when, for what, and
    the SHA-256 of the very bytes, which are served again unchanged.

    Side effects: an IssuedReport row holding the PDF."""
    issued_at = timezone.now()
    area = Area.of(kmb, municipality)
    name = area_label(orp_name=kmb.orp.name, municipality=municipality, anonymised=True)
    report = build_report(area, month, anonymised=True, area_name=name, kmb_name=kmb.name)
    pdf = render_monthly_report(report, issued_by=by, issued_at=issued_at)
    issued = IssuedReport(
        kmb=kmb,
        month=month.first_day,
        municipality=municipality,
        parameters=_parameters(report, municipality, issued_at),
        issued_by=by,
        pdf=pdf,
        sha256=IssuedReport.digest(pdf),
    )
    issued.full_clean()
    issued.save()
    # The cover states the moment of issue: the archive keeps that same moment.
    IssuedReport.objects.filter(pk=issued.pk).update(issued_at=issued_at)
    issued.issued_at = issued_at
    return issued


def _parameters(report, municipality, issued_at: datetime.datetime) -> dict:
    return {
        "month": str(report.month),
        "area": report.area_label,
        "municipality_id": municipality.pk if municipality else None,
        "anonymised": report.anonymised,
        "language": get_language(),
        "targets": report.targets.period_name if report.targets else None,
        "issued_at": issued_at.isoformat(),
    }
