"""A small KMB with known figures for the reporting pages, the PDF and the exports.

October 2026 in the ORP Testov (town Testov, 20,000 inhabitants; village Lhota, 300):
- households registered: 7 in October (5 in Testov, 2 in Lhota), 3 in September;
- consultations: 12 in October, 8 in September (not people: never suppressed);
- leases signed: 2 in October, in Testov (a count under 5);
- another KMB's households, which never count.
"""

import datetime

from django.utils import translation

from clients.models import Client, Household
from reports.periods import Month
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import CaseFactory, ConsultationFactory
from tests.factories.housing import FlatFactory, LeaseFactory

MONTH = Month(2026, 10)
UTC = datetime.UTC


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = translation.gettext(message)
    return text % values if values else text


def czech_label(lazy) -> str:
    """A lazy label (a choice's, a unit's) in Czech."""
    with translation.override("cs"):
        return str(lazy)


def registered(kmb, when: datetime.datetime, residence=None):
    """A household (with its applicant and a case) registered at `when`."""
    case = CaseFactory(household__kmb=kmb, household__permanent_residence=residence, kmb=kmb)
    Household.objects.filter(pk=case.household_id).update(created_at=when)
    Client.objects.filter(household_id=case.household_id).update(created_at=when)
    return case


def build_world(kmb, other_kmb, worker) -> dict:
    town = MunicipalityFactory(orp=kmb.orp, name="Testov", population=20_000)
    village = MunicipalityFactory(orp=kmb.orp, name="Lhota", population=300)
    october = [
        registered(kmb, datetime.datetime(2026, 10, day, 9, tzinfo=UTC), town)
        for day in range(1, 6)
    ]
    october += [
        registered(kmb, datetime.datetime(2026, 10, day, 9, tzinfo=UTC), village) for day in (6, 7)
    ]
    september = [
        registered(kmb, datetime.datetime(2026, 9, day, 9, tzinfo=UTC), town) for day in (1, 2, 3)
    ]
    registered(other_kmb, datetime.datetime(2026, 10, 3, 9, tzinfo=UTC))
    for number in range(12):
        ConsultationFactory(
            case=october[number % 7], date=datetime.date(2026, 10, 1 + number), by=worker
        )
    for number in range(8):
        ConsultationFactory(
            case=september[number % 3], date=datetime.date(2026, 9, 1 + number), by=worker
        )
    for case in october[:2]:
        LeaseFactory(
            flat=FlatFactory(municipality=town),
            household=case.household,
            start_on=datetime.date(2026, 10, 15),
        )
    return {"town": town, "village": village, "october": october, "september": september}
