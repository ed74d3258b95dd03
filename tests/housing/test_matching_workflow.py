"""The matching workflow: the waiting list, and each step of a proposal with the exact state of the
database after it, its events, the notification of a decline after approval, declined pairs that
are never proposed again, parking and the stall worklist."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from clients.models import CaseStatus, CloseReason
from housing.forms import FlatStatusForm
from housing.matching import rules
from housing.matching.load import load_problem
from housing.models import (
    ApplicationStatus,
    DeclineParty,
    DeclineReview,
    Flat,
    FlatKind,
    FlatStatus,
    HousingApplication,
    Lease,
    LeaseKind,
    Program,
    Proposal,
    ProposalStatus,
)
from housing.services import leases as lease_services
from housing.services import matching as services
from housing.views.matching import stall_worklist
from kmb.notifications.models import Notification, NotificationKind
from kmb.redaction.figures import is_pseudonym
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import CaseFactory, ClientFactory, IncomeFactory
from tests.factories.housing import FlatFactory, OwnerFactory
from tests.factories.matching import (
    DeclineReasonFactory,
    HousingApplicationFactory,
    ProposalFactory,
)

TODAY = timezone.localdate()


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def refusal(call) -> list[str]:
    with translation.override("cs"), pytest.raises(ValidationError) as error:
        call()
    return error.value.messages


def events(proposal) -> list[tuple[str, str, str, str]]:
    return [
        (e.from_status, e.to_status, e.by.username, e.note)
        for e in proposal.events.order_by("at", "pk")
    ]


def flat_notes(flat) -> list[str]:
    return list(flat.status_changes.order_by("changed_at", "pk").values_list("note", flat=True))


def flat_history(flat) -> list[tuple[str, str]]:
    return list(
        flat.status_changes.order_by("changed_at", "pk").values_list("from_status", "to_status")
    )


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def case_manager(kmb_office):
    return UserFactory(username="manazerka", organisation=kmb_office, email="manazerka@example.cz")


def waiting(kmb, case_manager, *, income=20000, **kwargs) -> HousingApplication:
    """A couple with an income of 20,000 CZK, waiting since 30 days ago."""
    case = CaseFactory(
        household__kmb=kmb, kmb=kmb, status=CaseStatus.ACTIVE, case_manager=case_manager
    )
    ClientFactory(household=case.household, relationship="partner")
    IncomeFactory(
        household=case.household, monthly_amount=income, since=TODAY - datetime.timedelta(100)
    )
    kwargs.setdefault("submitted_on", TODAY - datetime.timedelta(days=30))
    return HousingApplicationFactory(case=case, **kwargs)


@pytest.fixture
def application(kmb_office, case_manager):
    return waiting(kmb_office, case_manager)


@pytest.fixture
def other_application(kmb_office, case_manager):
    return waiting(kmb_office, case_manager)


@pytest.fixture
def flat(testov):
    """A free 2+1 social flat at 6,000 CZK: fits a couple earning 20,000 CZK."""
    return FlatFactory(municipality=testov, owner=OwnerFactory(private=True))


@pytest.fixture
def worker(social_worker):
    return social_worker


def failing(application, flat) -> str:
    """The sentences of the rules the pair fails, as the engine and rules.py word them."""
    problem = load_problem(
        kmb=application.household.kmb,
        flats=Flat.objects.filter(pk=flat.pk),
        applications=HousingApplication.objects.filter(pk=application.pk),
    )
    with translation.override("cs"):
        return " ".join(
            rules.sentence(result, problem.municipality_names)
            for result in problem.explain(0, 0)
            if not result.passed
        )


def propose(application, flat, by) -> Proposal:
    return services.propose(application=application, flat=flat, by=by)


# --- The waiting list --------------------------------------------------------------------------


def test_add_to_waiting_list(kmb_office, worker):
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)

    application = services.add_to_waiting_list(
        case=case,
        programs=[Program.SOCIAL, Program.HOUSING_FIRST],
        emergency=True,
        vulnerable=False,
        by=worker,
    )

    application.refresh_from_db()
    assert (application.household_id, application.case_id) == (case.household_id, case.pk)
    assert application.programs == ["social", "housing_first"]
    assert (application.emergency, application.vulnerable) == (True, False)
    assert (application.status, application.submitted_on, application.closed_on) == (
        ApplicationStatus.WAITING,
        TODAY,
        None,
    )
    assert is_pseudonym(application.pseudonym)
    assert application.history.get().history_user == worker


def test_a_household_waits_once(application, worker):
    assert refusal(
        lambda: services.add_to_waiting_list(
            case=application.case, programs=[], emergency=False, vulnerable=False, by=worker
        )
    ) == ["Domácnost už je v pořadníku."]
    assert HousingApplication.objects.count() == 1


def test_a_closed_case_cannot_add_its_household(kmb_office, worker):
    case = CaseFactory(
        household__kmb=kmb_office,
        kmb=kmb_office,
        status=CaseStatus.CLOSED,
        closed_on=TODAY,
        close_reason=CloseReason.SOLVED_ELSEWHERE,
    )

    assert refusal(
        lambda: services.add_to_waiting_list(
            case=case, programs=[], emergency=False, vulnerable=False, by=worker
        )
    ) == ["Uzavřený případ nemůže domácnost zařadit do pořadníku."]


def test_unknown_programs_are_refused(kmb_office, worker):
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)

    assert refusal(
        lambda: services.add_to_waiting_list(
            case=case, programs=["palace"], emergency=False, vulnerable=False, by=worker
        )
    ) == ["Vyberte programy ze seznamu."]


def test_withdraw_application_withdraws_its_proposals_and_frees_the_flat(
    application, flat, testov, worker
):
    reserved = services.reserve(proposal=propose(application, flat, worker), by=worker)
    proposed = propose(application, FlatFactory(municipality=testov), worker)

    services.withdraw_application(application=application, by=worker, note="Odstěhovali se")

    application.refresh_from_db()
    assert (application.status, application.closed_on) == (ApplicationStatus.WITHDRAWN, TODAY)
    for proposal in (reserved, proposed):
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        assert events(proposal)[-1][1:] == ("withdrawn", "socialni", "Odstěhovali se")
    flat.refresh_from_db()
    assert flat.status == FlatStatus.FREE
    assert flat_history(flat) == [("free", "reserved"), ("reserved", "free")]


# --- Proposing ---------------------------------------------------------------------------------


def test_propose_stores_the_snapshot_and_an_event(application, flat, worker):
    proposal = propose(application, flat, worker)

    proposal.refresh_from_db()
    snapshot = proposal.snapshot
    assert (proposal.status, proposal.proposed_by, proposal.flat, proposal.application) == (
        ProposalStatus.PROPOSED,
        worker,
        flat,
        application,
    )
    assert proposal.score == Decimal(str(round(snapshot["score"], 2)))
    assert proposal.score > 0
    assert [rule["code"] for rule in snapshot["rules"]] == [
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
    ]
    assert all(rule["passed"] for rule in snapshot["rules"])
    assert sum(part["points"] for part in snapshot["score_parts"]) == pytest.approx(
        snapshot["score"]
    )
    assert snapshot["settings"]["weights"] == dict.fromkeys(
        ["urgency", "children", "waiting", "vulnerability", "preference", "size_fit", "support"], 5
    )
    assert snapshot["household"] | {"municipal_debt": None} == {
        "persons": 2,
        "children": 0,
        "income": 20000.0,
        "ethos": 0,
        "support_need": 1,
        "vulnerable": False,
        "emergency": False,
        "barrier_free": False,
        "residence": -1,
        "municipal_debt": None,
        "valid_id": True,
        "landlord_consent": False,
        "has_provider": False,
        "waiting_days": 30,
        "preferred": [],
    }
    assert snapshot["flat"] == {
        "municipality": 0,
        "rooms": 2,
        "area": 55.0,
        "rent": 6000.0,
        "charges": 0.0,
        "program": "social",
        "barrier_free": False,
    }
    assert snapshot["municipalities"] == ["Testov"]
    assert snapshot["municipal_rules"]["max_municipal_debt"] is None
    names = [m.first_name for m in application.household.members.all()]
    names += [m.last_name for m in application.household.members.all()]
    assert not any(name in json.dumps(snapshot, ensure_ascii=False) for name in names)
    assert events(proposal) == [("", "proposed", "socialni", "")]


def test_propose_refuses_a_parked_household(kmb_office, case_manager, flat, worker):
    parked = waiting(kmb_office, case_manager, parked=True)

    assert refusal(lambda: propose(parked, flat, worker)) == [
        czech(
            "The household is parked until %(date)s: it cannot be proposed a flat now.",
            date=parked.parked_until.strftime("%-d. %-m. %Y"),
        )
    ]
    assert Proposal.objects.count() == 0


def test_propose_refuses_a_household_off_the_waiting_list(application, flat, worker):
    services.withdraw_application(application=application, by=worker)

    assert refusal(lambda: propose(application, flat, worker)) == [
        f"Domácnost není v pořadníku („{czech('Withdrawn')}“)."
    ]


@pytest.mark.parametrize("status", [FlatStatus.RESERVED, FlatStatus.LET, FlatStatus.UNDER_REPAIR])
def test_propose_refuses_a_flat_that_is_not_free(application, flat, worker, status):
    flat.status = status
    flat.save()

    assert refusal(lambda: propose(application, flat, worker)) == [
        czech("The flat is no longer free: it is “%(status)s”.", status=czech(status.label))
    ]


def test_propose_refuses_a_flat_of_another_orp(application, other_kmb_office, worker):
    elsewhere = FlatFactory(municipality=MunicipalityFactory(orp=other_kmb_office.orp))

    assert refusal(lambda: propose(application, elsewhere, worker)) == [
        "Byt neleží v ORP, kterou KMB obsluhuje."
    ]


def test_propose_refuses_the_same_pair_twice(application, flat, worker):
    propose(application, flat, worker)

    assert refusal(lambda: propose(application, flat, worker)) == [
        "Tato domácnost už byla k tomuto bytu navržena."
    ]
    assert Proposal.objects.count() == 1


def test_propose_refuses_a_household_that_fails_a_rule(kmb_office, case_manager, flat, worker):
    poor = waiting(kmb_office, case_manager, income=5000)

    messages = refusal(lambda: propose(poor, flat, worker))

    assert messages == [f"Domácnost nesplňuje pravidla pro tento byt: {failing(poor, flat)}"]
    assert Proposal.objects.count() == 0


# --- Reserving ---------------------------------------------------------------------------------


def test_reserve_holds_the_flat(application, flat, worker):
    proposal = propose(application, flat, worker)

    services.reserve(proposal=proposal, by=worker)

    proposal.refresh_from_db()
    flat.refresh_from_db()
    assert proposal.status == ProposalStatus.RESERVED
    assert flat.status == FlatStatus.RESERVED
    assert list(flat.status_changes.values_list("from_status", "to_status", "by", "note")) == [
        ("free", "reserved", worker.pk, f"Rezervováno pro {application.pseudonym}")
    ]
    assert events(proposal) == [
        ("", "proposed", "socialni", ""),
        ("proposed", "reserved", "socialni", ""),
    ]


def test_a_second_reservation_of_the_flat_is_refused(application, other_application, flat, worker):
    first = propose(application, flat, worker)
    second = propose(other_application, flat, worker)
    services.reserve(proposal=first, by=worker)

    assert refusal(lambda: services.reserve(proposal=second, by=worker)) == [
        f"Byt už není volný („{czech('Reserved')}“): mezitím ho rezervoval návrh pro jinou "
        "domácnost."
    ]
    second.refresh_from_db()
    assert second.status == ProposalStatus.PROPOSED
    assert events(second) == [("", "proposed", "socialni", "")]


def test_the_same_proposal_is_not_reserved_twice(application, flat, worker):
    proposal = propose(application, flat, worker)
    services.reserve(proposal=proposal, by=worker)

    assert refusal(lambda: services.reserve(proposal=proposal, by=worker)) == [
        czech(
            "Only a proposal waiting for the household's answer can reserve the flat; this one "
            "is “%(status)s”.",
            status="Byt rezervován",
        )
    ]


def test_a_household_holds_one_flat_at_a_time(application, flat, testov, worker):
    services.reserve(proposal=propose(application, flat, worker), by=worker)
    second = propose(application, FlatFactory(municipality=testov), worker)

    assert refusal(lambda: services.reserve(proposal=second, by=worker)) == [
        czech(
            "The household already holds the flat %(flat)s: decline or withdraw that first.",
            flat=str(flat),
        )
    ]


def test_a_parked_household_cannot_reserve(application, flat, worker):
    proposal = propose(application, flat, worker)
    HousingApplication.objects.filter(pk=application.pk).update(
        parked_until=TODAY + datetime.timedelta(days=3)
    )

    messages = refusal(lambda: services.reserve(proposal=proposal, by=worker))

    assert messages == [
        czech(
            "The household is parked until %(date)s: it cannot be proposed a flat now.",
            date=(TODAY + datetime.timedelta(days=3)).strftime("%-d. %-m. %Y"),
        )
    ]
    flat.refresh_from_db()
    assert flat.status == FlatStatus.FREE


# --- The commission's approval, declines and reviews -------------------------------------------


@pytest.fixture
def reserved(application, flat, worker) -> Proposal:
    return services.reserve(proposal=propose(application, flat, worker), by=worker)


def test_approve_a_reserved_proposal(reserved, staff):
    clerk = staff["housing_department"]

    services.approve(proposal=reserved, by=clerk, note="Komise 3. 3.")

    reserved.refresh_from_db()
    reserved.flat.refresh_from_db()
    assert reserved.status == ProposalStatus.APPROVED
    assert reserved.flat.status == FlatStatus.RESERVED
    assert events(reserved)[-1] == ("reserved", "approved", "bytovy", "Komise 3. 3.")


def test_approve_needs_a_reserved_flat(application, flat, worker):
    proposal = propose(application, flat, worker)

    assert refusal(lambda: services.approve(proposal=proposal, by=worker)) == [
        czech(
            "The commission approves a proposal with a reserved flat; this one is “%(status)s”.",
            status="Navrženo",
        )
    ]


def test_decline_by_the_household_with_a_reason_from_the_list(
    application, flat, worker, kmb_office
):
    proposal = propose(application, flat, worker)
    reason = DeclineReasonFactory(kmb=kmb_office, text="Daleko od školy")

    services.decline(
        proposal=proposal,
        party=DeclineParty.HOUSEHOLD,
        reason=reason,
        note="Zkusí jinde",
        by=worker,
    )

    proposal.refresh_from_db()
    assert (
        proposal.status,
        proposal.declined_by,
        proposal.decline_reason,
        proposal.decline_reason_text,
        proposal.decline_note,
        proposal.declined_after_acceptance,
        proposal.decline_review,
    ) == (
        ProposalStatus.DECLINED,
        DeclineParty.HOUSEHOLD,
        reason,
        "Daleko od školy",
        "Zkusí jinde",
        False,
        DeclineReview.PENDING,
    )
    assert events(proposal)[-1] == ("proposed", "declined", "socialni", "Daleko od školy")
    assert Notification.objects.count() == 0
    flat.refresh_from_db()
    assert flat.status == FlatStatus.FREE


def test_decline_of_a_reserved_flat_frees_it(reserved, worker):
    services.decline(
        proposal=reserved, party=DeclineParty.OWNER, reason_text="Chce jiného nájemce", by=worker
    )

    reserved.flat.refresh_from_db()
    assert reserved.flat.status == FlatStatus.FREE
    assert flat_history(reserved.flat) == [("free", "reserved"), ("reserved", "free")]


def test_the_flat_history_names_the_proposal_by_its_code_not_by_the_typed_text(reserved, worker):
    """The housing department reads a flat's history: what KMB staff typed stays on the
    proposal."""
    services.decline(
        proposal=reserved,
        party=DeclineParty.HOUSEHOLD,
        reason_text="Paní Zkušebná je v nemocnici",
        by=worker,
    )

    notes = flat_notes(reserved.flat)
    assert notes[-1] == czech("Proposal %(code)s declined", code=reserved.application.pseudonym)
    assert not any("Zkušebná" in note for note in notes)


def test_withdrawing_writes_the_code_not_the_note_to_the_flat(reserved, worker):
    services.withdraw(proposal=reserved, note="Paní Zkušebná se odstěhovala", by=worker)

    notes = flat_notes(reserved.flat)
    assert notes[-1] == czech("Proposal %(code)s withdrawn", code=reserved.application.pseudonym)
    assert not any("Zkušebná" in note for note in notes)


def test_a_closed_case_leaves_the_waiting_list_and_gets_no_proposal(
    application, flat, worker, kmb_office
):
    case = application.case
    case.status = CaseStatus.CLOSED
    case.close_reason = CloseReason.MOVED_AWAY
    case.closed_on = TODAY
    case.save()

    assert list(HousingApplication.objects.of_kmb(kmb_office.pk).waiting(TODAY)) == []
    assert refusal(lambda: propose(application, flat, worker)) == [
        czech("The household's case is closed: reopen the case before proposing it a flat.")
    ]
    assert not Proposal.objects.exists()


def test_decline_after_approval_alerts_the_case_manager(
    reserved, worker, case_manager, django_capture_on_commit_callbacks
):
    services.approve(proposal=reserved, by=worker)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline(
            proposal=reserved,
            party=DeclineParty.HOUSEHOLD,
            reason_text="Rodina se rozpadla",
            by=worker,
        )

    reserved.refresh_from_db()
    assert reserved.declined_after_acceptance is True
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url) == (
        case_manager,
        NotificationKind.PROPOSAL_DECLINED,
        reserved.get_absolute_url(),
    )
    with translation.override("cs"):
        text = notification.text
    assert text == (
        f"Návrh bytu {reserved.flat} pro domácnost {reserved.application.pseudonym} byl "
        "odmítnut poté, co ho komise schválila: Rodina se rozpadla"
    )
    assert [message.to for message in mail.outbox] == [["manazerka@example.cz"]]
    assert mail.outbox[0].body.startswith(text)


def test_decline_after_approval_without_a_case_manager_alerts_the_managers(
    reserved, worker, manager
):
    reserved.application.case.case_manager = None
    reserved.application.case.status = CaseStatus.NEW
    reserved.application.case.save()
    services.approve(proposal=reserved, by=worker)

    services.decline(proposal=reserved, party=DeclineParty.OWNER, reason_text="Prodává", by=worker)

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["vedouci"]


def test_decline_needs_a_reason_of_the_declining_party(application, flat, worker, kmb_office):
    proposal = propose(application, flat, worker)
    owners_reason = DeclineReasonFactory(kmb=kmb_office, party=DeclineParty.OWNER)

    assert refusal(
        lambda: services.decline(proposal=proposal, party=DeclineParty.HOUSEHOLD, by=worker)
    ) == ["Vyberte důvod ze seznamu, nebo ho napište."]
    assert refusal(
        lambda: services.decline(
            proposal=proposal, party=DeclineParty.HOUSEHOLD, reason=owners_reason, by=worker
        )
    ) == ["Vyberte jeden z důvodů toho, kdo odmítl."]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_only_a_live_proposal_is_declined(application, flat, worker):
    proposal = propose(application, flat, worker)
    services.withdraw(proposal=proposal, by=worker)

    assert refusal(
        lambda: services.decline(
            proposal=proposal, party=DeclineParty.HOUSEHOLD, reason_text="Ne", by=worker
        )
    ) == [
        czech(
            "Only a live proposal can be declined; this one is “%(status)s”.",
            status=czech("Withdrawn"),
        )
    ]


def test_a_declined_pair_is_never_proposed_again(application, flat, worker):
    proposal = propose(application, flat, worker)
    services.decline(proposal=proposal, party=DeclineParty.HOUSEHOLD, reason_text="Ne", by=worker)

    assert refusal(lambda: propose(application, flat, worker)) == [
        "Tento byt byl pro tuto domácnost už odmítnut: dvojice se znovu nenavrhuje."
    ]
    problem = load_problem(kmb=application.household.kmb)
    assert problem.evaluation.eligible.tolist() == [[False]]


def test_a_confirmed_decline_stays(application, flat, worker, manager):
    proposal = propose(application, flat, worker)
    services.decline(proposal=proposal, party=DeclineParty.HOUSEHOLD, reason_text="Ne", by=worker)

    services.review_decline(proposal=proposal, confirm=True, by=manager)

    proposal.refresh_from_db()
    assert (proposal.decline_review, proposal.decline_reviewed_by) == (
        DeclineReview.CONFIRMED,
        manager,
    )
    assert events(proposal)[-1] == (
        "declined",
        "declined",
        "vedouci",
        "Vedoucí odmítnutí potvrdil/a.",
    )
    assert refusal(lambda: propose(application, flat, worker)) == [
        "Tento byt byl pro tuto domácnost už odmítnut: dvojice se znovu nenavrhuje."
    ]
    assert refusal(
        lambda: services.review_decline(proposal=proposal, confirm=False, by=manager)
    ) == ["Toto odmítnutí nečeká na posouzení vedoucím."]


def test_an_overridden_decline_lets_the_pair_be_proposed_again(application, flat, worker, manager):
    proposal = propose(application, flat, worker)
    services.decline(proposal=proposal, party=DeclineParty.HOUSEHOLD, reason_text="Ne", by=worker)
    services.review_decline(proposal=proposal, confirm=False, by=manager)
    assert load_problem(kmb=application.household.kmb).evaluation.eligible.tolist() == [[True]]

    again = propose(application, flat, worker)

    assert again.pk == proposal.pk
    again.refresh_from_db()
    assert (
        again.status,
        again.declined_by,
        again.decline_reason_text,
        again.decline_review,
        again.decline_reviewed_by,
    ) == (ProposalStatus.PROPOSED, "", "", "", None)
    assert [event[:2] for event in events(again)] == [
        ("", "proposed"),
        ("proposed", "declined"),
        ("declined", "declined"),
        ("declined", "proposed"),
    ]
    assert events(again)[-1][3] == "Navrženo znovu poté, co vedoucí zrušil/a odmítnutí."
    assert again.history.filter(status=ProposalStatus.DECLINED).exists()


def test_an_owners_decline_excludes_all_the_owners_flats(application, flat, testov, worker):
    proposal = propose(application, flat, worker)
    services.decline(proposal=proposal, party=DeclineParty.OWNER, reason_text="Ne", by=worker)
    same_owner = FlatFactory(municipality=testov, owner=flat.owner)
    other_owner = FlatFactory(municipality=testov)

    expected = czech(
        "The household and the owner of this flat declined each other before: none of the "
        "owner's flats is proposed again."
    )
    assert failing(application, same_owner) == expected
    assert refusal(lambda: propose(application, same_owner, worker)) == [
        f"Domácnost nesplňuje pravidla pro tento byt: {expected}"
    ]
    assert propose(application, other_owner, worker).status == ProposalStatus.PROPOSED


# --- Withdrawing, parking ----------------------------------------------------------------------


def test_withdraw_a_reserved_proposal_frees_the_flat(reserved, worker):
    services.withdraw(proposal=reserved, note="Chyba v návrhu", by=worker)

    reserved.refresh_from_db()
    reserved.flat.refresh_from_db()
    assert reserved.status == ProposalStatus.WITHDRAWN
    assert reserved.flat.status == FlatStatus.FREE
    assert events(reserved)[-1] == ("reserved", "withdrawn", "socialni", "Chyba v návrhu")


def test_park_withdraws_open_proposals_and_keeps_the_household_out(
    application, flat, testov, worker
):
    proposal = propose(application, flat, worker)
    until = TODAY + datetime.timedelta(days=20)

    services.park(application=application, until=until, reason="V nemocnici", by=worker)

    application.refresh_from_db()
    proposal.refresh_from_db()
    assert (application.parked_until, application.park_reason) == (until, "V nemocnici")
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert events(proposal)[-1][3] == f"Domácnost je odložena do {until.strftime('%-d. %-m. %Y')}."
    assert list(load_problem(kmb=application.household.kmb).application_ids) == []
    assert refusal(lambda: propose(application, FlatFactory(municipality=testov), worker))


def test_park_needs_a_later_day_and_a_reason(application, worker):
    assert refusal(
        lambda: services.park(application=application, until=TODAY, reason=" ", by=worker)
    ) == ["Domácnost lze odložit nejdříve do zítřka.", "Napište, proč se domácnost odkládá."]


def test_a_household_holding_a_flat_is_not_parked(reserved, worker):
    assert refusal(
        lambda: services.park(
            application=reserved.application,
            until=TODAY + datetime.timedelta(days=5),
            reason="Pryč",
            by=worker,
        )
    ) == [
        czech(
            "The household holds the flat %(flat)s: decline or withdraw that proposal before "
            "parking the household.",
            flat=str(reserved.flat),
        )
    ]


def test_unpark(kmb_office, case_manager, worker):
    parked = waiting(kmb_office, case_manager, parked=True)

    services.unpark(application=parked, by=worker)

    parked.refresh_from_db()
    assert (parked.parked_until, parked.park_reason) == (None, "")
    assert list(load_problem(kmb=kmb_office).application_ids) == [parked.pk]
    assert refusal(lambda: services.unpark(application=parked, by=worker)) == [
        "Domácnost není odložena."
    ]


# --- The lease ---------------------------------------------------------------------------------


def test_sign_lease_houses_the_household(reserved, other_application, application, testov, worker):
    flat = reserved.flat
    rival = ProposalFactory(application=other_application, flat=flat)  # before the reservation
    elsewhere = propose(application, FlatFactory(municipality=testov), worker)
    services.approve(proposal=reserved, by=worker)
    end_on = TODAY + datetime.timedelta(days=364)

    lease = services.sign_lease(
        proposal=reserved,
        start_on=TODAY,
        end_on=end_on,
        rent=Decimal("6000"),
        deposit=Decimal("12000"),
        by=worker,
    )

    lease = Lease.objects.get()
    assert (lease.flat, lease.household_id, lease.kind) == (
        flat,
        application.household_id,
        LeaseKind.LEASE,
    )
    assert (lease.start_on, lease.end_on, lease.rent, lease.deposit) == (
        TODAY,
        end_on,
        Decimal("6000.00"),
        Decimal("12000.00"),
    )
    reserved.refresh_from_db()
    assert (reserved.status, reserved.lease) == (ProposalStatus.LEASED, lease)
    flat.refresh_from_db()
    assert flat.status == FlatStatus.LET
    assert flat_history(flat) == [("free", "reserved"), ("reserved", "let")]
    application.refresh_from_db()
    assert (application.status, application.closed_on) == (ApplicationStatus.HOUSED, TODAY)
    for other, note in (
        (rival, "Byt byl pronajat jiné domácnosti."),
        (elsewhere, "Domácnost podepsala smlouvu na jiný byt."),
    ):
        other.refresh_from_db()
        assert (other.status, events(other)[-1][3]) == (ProposalStatus.WITHDRAWN, note)
    assert events(reserved)[-1][:2] == ("approved", "leased")


def test_an_ngo_sublet_is_signed_as_a_sublease(application, testov, worker, kmb_office):
    from tests.factories.accounts import OrganisationFactory

    flat = FlatFactory(
        municipality=testov,
        kind=FlatKind.NGO_SUBLET,
        head_lease_holder=OrganisationFactory(provider=True),
    )
    proposal = services.reserve(proposal=propose(application, flat, worker), by=worker)
    services.approve(proposal=proposal, by=worker)

    lease = services.sign_lease(
        proposal=proposal, start_on=TODAY, end_on=None, rent=flat.rent, deposit=0, by=worker
    )

    assert lease.kind == LeaseKind.SUBLEASE


def test_a_lease_needs_the_commissions_approval(reserved, worker):
    assert refusal(
        lambda: services.sign_lease(
            proposal=reserved, start_on=TODAY, end_on=None, rent=6000, deposit=0, by=worker
        )
    ) == [
        czech(
            "A lease is signed once the commission approved the proposal; this one is "
            "“%(status)s”.",
            status="Byt rezervován",
        )
    ]
    assert Lease.objects.count() == 0


def test_lease_terms_are_validated(reserved, worker):
    services.approve(proposal=reserved, by=worker)

    with pytest.raises(ValidationError) as error:
        services.sign_lease(
            proposal=reserved, start_on=TODAY, end_on=None, rent=6000, deposit=20000, by=worker
        )

    assert list(error.value.message_dict) == ["deposit"]
    reserved.refresh_from_db()
    assert reserved.status == ProposalStatus.APPROVED
    assert Lease.objects.count() == 0


# --- The stall worklist ------------------------------------------------------------------------


def test_stall_worklist_on_fixed_datetimes(application, other_application, testov, worker):
    now = datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC)

    def proposal(days: float, status=ProposalStatus.PROPOSED, **kwargs):
        return ProposalFactory(
            application=application,
            flat=FlatFactory(municipality=testov),
            status=status,
            status_changed_at=now - datetime.timedelta(days=days),
            **kwargs,
        )

    fresh = proposal(6.9)
    week = proposal(7.1, ProposalStatus.RESERVED)
    almost_two = proposal(13.9, ProposalStatus.APPROVED)
    two_weeks = proposal(14.1)
    month = proposal(30)
    proposal(
        30,
        ProposalStatus.DECLINED,
        declined_by=DeclineParty.HOUSEHOLD,
        decline_reason_text="Ne",
    )
    proposal(30, ProposalStatus.WITHDRAWN)

    worklist = stall_worklist(Proposal.objects.all(), now=now)

    assert list(worklist["over_14"].order_by("status_changed_at")) == [month, two_weeks]
    assert list(worklist["over_7"].order_by("status_changed_at")) == [almost_two, week]
    assert fresh not in worklist["over_7"]


# --- A flat held by a proposal ------------------------------------------------------------------


def held_for(proposal) -> str:
    return czech(
        "The flat is held for household %(code)s (proposal “%(status)s”): withdraw or decline "
        "that proposal on its page first.",
        code=proposal.application.pseudonym,
        status=czech(ProposalStatus(proposal.status).label),
    )


def test_a_reserved_flat_cannot_be_let_to_another_household(reserved, other_application, worker):
    lease = Lease(
        flat=reserved.flat,
        household=other_application.household,
        start_on=TODAY,
        rent=Decimal("6000"),
    )

    assert refusal(lambda: lease_services.sign_lease(lease=lease, by=worker)) == [
        held_for(reserved)
    ]
    assert not Lease.objects.exists()
    reserved.flat.refresh_from_db()
    assert reserved.flat.status == FlatStatus.RESERVED


def test_a_reserved_flat_keeps_its_status_until_the_proposal_is_settled(reserved):
    reserved.flat.refresh_from_db()
    form = FlatStatusForm({"status": FlatStatus.FREE, "note": ""}, flat=reserved.flat)

    with translation.override("cs"):
        assert not form.is_valid()
        assert form.errors["status"] == [held_for(reserved)]
