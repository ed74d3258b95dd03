"""Two workers accepting proposals for the same flat at the same moment: exactly one reservation
succeeds, the other is told the flat is no longer free. Real concurrent transactions, each thread
with its own database connection, released together by a barrier (PostgreSQL: SQLite has no row
locks and serialises writers anyway)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone, translation

from housing.models import FlatStatus, FlatStatusChange, Proposal, ProposalEvent, ProposalStatus
from housing.services import matching as services
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory, IncomeFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def at_once(*calls) -> list[str]:
    """Run the calls in parallel threads, each in its own connection: "ok" or the refusal."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            with translation.override("cs"):
                call()
            return "ok"
        except ValidationError as error:
            return " ".join(error.messages)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def proposals():
    """Two households of one KMB proposed the same free flat."""
    kmb = OrganisationFactory(name="KMB Souběh", orp=OrpFactory(name="Souběh"))
    flat = FlatFactory(municipality=MunicipalityFactory(orp=kmb.orp))
    worker = UserFactory(username="proponent", organisation=kmb)
    made = []
    for _ in range(2):
        case = CaseFactory(household__kmb=kmb, kmb=kmb)
        IncomeFactory(
            household=case.household,
            monthly_amount=20000,
            since=timezone.localdate() - datetime.timedelta(days=30),
        )
        application = HousingApplicationFactory(case=case)
        made.append(services.propose(application=application, flat=flat, by=worker))
    return made


def test_two_reservations_of_one_flat_at_once(proposals):
    workers = [
        UserFactory(username=f"pracovnik{n}", organisation=p.application.household.kmb)
        for n, p in enumerate(proposals)
    ]

    outcomes = at_once(
        *[
            lambda p=proposal, w=worker: services.reserve(proposal=p, by=w)
            for proposal, worker in zip(proposals, workers, strict=True)
        ]
    )

    assert sorted(outcomes) == [
        "Byt už není volný („Rezervovaný“): mezitím ho rezervoval návrh pro jinou domácnost.",
        "ok",
    ]
    flat = proposals[0].flat
    flat.refresh_from_db()
    assert flat.status == FlatStatus.RESERVED
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    assert statuses == [ProposalStatus.PROPOSED, ProposalStatus.RESERVED]
    assert FlatStatusChange.objects.filter(flat=flat, to_status=FlatStatus.RESERVED).count() == 1
    assert ProposalEvent.objects.filter(to_status=ProposalStatus.RESERVED).count() == 1
    winner = Proposal.objects.get(status=ProposalStatus.RESERVED)
    assert outcomes[proposals.index(winner)] == "ok"


def test_the_same_proposal_reserved_twice_at_once(proposals):
    proposal = proposals[0]
    worker = proposal.proposed_by

    outcomes = at_once(
        lambda: services.reserve(proposal=proposal, by=worker),
        lambda: services.reserve(proposal=proposal, by=worker),
    )

    assert sorted(outcomes) == [
        "Byt lze rezervovat jen u návrhu, který čeká na odpověď domácnosti; tento je ve stavu "
        "„Byt rezervován“.",
        "ok",
    ]
    assert ProposalEvent.objects.filter(to_status=ProposalStatus.RESERVED).count() == 1
