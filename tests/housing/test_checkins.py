"""Monthly check-ins: who is due in a month (month boundaries, scope, order), recording a call
once a month, a problem opening prevention (case status, plan step, the case manager's
notification), and the worklist page with its inline form (access, htmx, query count)."""

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pytest_django.asserts import assertInHTML, assertRedirects

from clients.models import CaseStatus, CaseStatusChange
from housing.models import CheckIn, CheckInResult, Lease
from housing.services import checkins as services
from kmb.accounts.models import Role
from kmb.notifications.models import Notification, NotificationKind
from providers.models import Goal, GoalArea, GoalState, PlanStatus, Step, StepOwner
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.factories.providers import AssistancePlanFactory, GoalFactory

D = datetime.date
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
MARCH = D(2026, 3, 1)
MID_MARCH = D(2026, 3, 15)
LONG_AGO = D(2025, 6, 1)
URL = reverse("housing:checkin-list")


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def record_url(lease) -> str:
    return reverse("housing:checkin-record", args=[lease.pk])


@pytest.fixture
def municipality(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def colleague(kmb_office):
    """Another social worker of the KMB: she makes the calls."""
    return UserFactory(
        username="volajici", first_name="Věra", last_name="Volající", organisation=kmb_office
    )


@pytest.fixture
def house(kmb_office, municipality, social_worker):
    """house("Malá", "Eva", start=…): a lease of a flat in the KMB's ORP to a household of the
    KMB whose active case the social worker manages."""

    def _house(last, first="Jana", *, start=LONG_AGO, end=None, ended=None, phone="603 111 222"):
        case = CaseFactory(
            household__kmb=kmb_office,
            status=CaseStatus.ACTIVE,
            case_manager=social_worker,
            applicant__first_name=first,
            applicant__last_name=last,
            applicant__phone=phone,
        )
        return LeaseFactory(
            flat=FlatFactory(municipality=municipality, street="Lipová", number=last[:1]),
            household=case.household,
            start_on=start,
            end_on=end,
            ended_on=ended,
            end_reason="moved_out" if ended else "",
        )

    return _house


@pytest.fixture
def lease(house):
    return house("Nováková", "Žofie")


def case_of(lease):
    return lease.household.cases.get()


def check_in(lease, month, result=CheckInResult.ALL_WELL, *, by):
    return CheckIn.objects.create(lease=lease, month=month, result=result, by=by)


def worklist(leases=None, *, month=MARCH, today=MID_MARCH) -> list[Lease]:
    return list(services.check_in_worklist(leases or Lease.objects.all(), month=month, today=today))


def names(rows) -> list[str]:
    return [row.applicant_last_name for row in rows]


# --- Who is due in a month --------------------------------------------------------------------


def test_worklist_of_the_current_month_lists_leases_running_today(house):
    house("Dříve", start=D(2025, 1, 1), end=D(2026, 2, 28))
    house("Včera", start=D(2025, 1, 1), ended=D(2026, 3, 14))
    house("Dnes", start=D(2025, 1, 1), end=D(2026, 3, 15))
    house("Prvního", start=D(2026, 3, 1))
    house("Zítra", start=D(2026, 3, 16))
    house("Bez konce", start=D(2024, 1, 1))

    assert names(worklist()) == ["Bez konce", "Dnes", "Prvního"]


def test_worklist_of_a_past_month_lists_leases_running_on_its_last_day(house):
    house("Únor", start=D(2025, 1, 1), end=D(2026, 2, 28))
    house("Předposlední", start=D(2025, 1, 1), ended=D(2026, 2, 27))
    house("Březen", start=D(2026, 3, 1))
    house("Konec února", start=D(2026, 2, 28))

    rows = worklist(month=D(2026, 2, 1), today=MID_MARCH)

    assert names(rows) == ["Konec února", "Únor"]


def test_worklist_keeps_a_done_lease_that_has_ended_since(house, social_worker):
    moved_out = house("Odstěhovaná", start=D(2025, 1, 1), ended=D(2026, 3, 10))
    check_in(moved_out, MARCH, by=social_worker)

    rows = worklist()

    assert [(row.applicant_last_name, row.done) for row in rows] == [("Odstěhovaná", True)]


def test_worklist_puts_due_first_and_last_months_trouble_first_among_them(house, social_worker):
    done = house("Adámková")
    check_in(done, MARCH, by=social_worker)
    house("Bílá")
    unreached = house("Cibulková")
    check_in(unreached, D(2026, 2, 1), CheckInResult.NOT_REACHED, by=social_worker)
    troubled = house("Dvořáková")
    check_in(troubled, D(2026, 1, 1), CheckInResult.ALL_WELL, by=social_worker)
    check_in(troubled, D(2026, 2, 1), CheckInResult.PROBLEMS, by=social_worker)
    fine = house("Erbenová")
    check_in(fine, D(2026, 2, 1), CheckInResult.ALL_WELL, by=social_worker)

    rows = worklist()

    assert [
        (row.applicant_last_name, row.done, row.previous_month, row.previous_result) for row in rows
    ] == [
        ("Cibulková", False, D(2026, 2, 1), "not_reached"),
        ("Dvořáková", False, D(2026, 2, 1), "problems"),
        ("Bílá", False, None, None),
        ("Erbenová", False, D(2026, 2, 1), "all_well"),
        ("Adámková", True, None, None),
    ]
    assert [len(row.this_month) for row in rows] == [0, 0, 0, 0, 1]


def test_due_count_counts_running_leases_without_the_months_check_in(house, social_worker):
    check_in(house("Adámková"), MARCH, by=social_worker)
    house("Bílá")
    house("Cibulková")
    house("Dřívější", start=D(2025, 1, 1), end=D(2026, 2, 28))

    assert services.due_count(Lease.objects.all(), month=MARCH, today=MID_MARCH) == 2


def test_runs_in_counts_any_day_of_the_month(house):
    lease = house("Nováková", start=D(2026, 3, 31), end=D(2026, 4, 1))

    assert [services.runs_in(lease, month) for month in (D(2026, 2, 1), MARCH, D(2026, 4, 1))] == [
        False,
        True,
        True,
    ]


def test_month_helpers_know_the_lengths_of_months():
    assert [services.last_day_of(D(2026, m, 1)) for m in (1, 2, 4, 12)] == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 4, 30),
        D(2026, 12, 31),
    ]
    assert services.last_day_of(D(2028, 2, 1)) == D(2028, 2, 29)
    assert services.month_of(D(2026, 3, 31)) == MARCH


# --- Recording a call -------------------------------------------------------------------------


def test_record_check_in_all_well_records_the_call_and_nothing_else(lease, colleague):
    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result=CheckInResult.ALL_WELL,
        rent_paid=True,
        note="Vše v pořádku.",
        by=colleague,
        today=MID_MARCH,
    )

    check = recorded.check_in
    assert list(
        CheckIn.objects.values_list(
            "lease", "month", "done_on", "result", "rent_paid", "note", "by"
        )
    ) == [(lease.pk, MARCH, MID_MARCH, "all_well", True, "Vše v pořádku.", colleague.pk)]
    assert (recorded.prevention_case, recorded.step, recorded.notification) == (None, None, None)
    assert check.history.get().history_user == colleague
    assert case_of(lease).status == CaseStatus.ACTIVE
    assert Notification.objects.count() == 0


def test_record_check_in_twice_in_a_month_is_refused(lease, colleague):
    services.record_check_in(
        lease=lease, month=MARCH, result="all_well", rent_paid=True, by=colleague, today=MID_MARCH
    )

    with pytest.raises(ValidationError) as refused:
        services.record_check_in(
            lease=lease,
            month=MARCH,
            result="problems",
            rent_paid=False,
            by=colleague,
            today=MID_MARCH,
        )

    assert refused.value.messages == [czech("This month's check-in is already recorded.")]
    assert list(CheckIn.objects.values_list("result", flat=True)) == ["all_well"]


def test_the_database_keeps_one_check_in_per_lease_and_month(lease, colleague):
    check_in(lease, MARCH, by=colleague)

    with pytest.raises(IntegrityError), transaction.atomic():
        check_in(lease, MARCH, by=colleague)

    check_in(lease, D(2026, 4, 1), by=colleague)
    assert CheckIn.objects.count() == 2


def test_the_database_refuses_a_month_not_given_by_its_first_day(lease, colleague):
    with pytest.raises(IntegrityError), transaction.atomic():
        check_in(lease, D(2026, 3, 2), by=colleague)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (D(2026, 4, 1), "A check-in cannot be recorded for a month still to come."),
        (D(2025, 5, 1), "The lease does not run in this month."),
        (D(2026, 3, 2), "The month is given by its first day."),
    ],
)
def test_record_check_in_refuses_a_month_without_the_lease(house, colleague, month, message):
    lease = house("Nováková", start=D(2025, 6, 1))

    with pytest.raises(ValidationError) as refused:
        services.record_check_in(
            lease=lease,
            month=month,
            result="all_well",
            rent_paid=None,
            by=colleague,
            today=MID_MARCH,
        )

    assert refused.value.messages == [czech(message)]
    assert CheckIn.objects.count() == 0


def test_record_check_in_after_the_lease_ended_is_refused(house, colleague):
    lease = house("Nováková", start=D(2025, 6, 1), ended=D(2026, 2, 28))

    with pytest.raises(ValidationError):
        services.record_check_in(
            lease=lease,
            month=MARCH,
            result="all_well",
            rent_paid=None,
            by=colleague,
            today=MID_MARCH,
        )

    services.record_check_in(
        lease=lease,
        month=D(2026, 2, 1),
        result="all_well",
        rent_paid=None,
        by=colleague,
        today=MID_MARCH,
    )
    assert list(CheckIn.objects.values_list("month", flat=True)) == [D(2026, 2, 1)]


# --- A problem opens prevention ---------------------------------------------------------------


def test_a_problem_moves_the_case_to_prevention_and_tells_the_case_manager(
    lease, colleague, social_worker
):
    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result=CheckInResult.PROBLEMS,
        rent_paid=False,
        note="Dluh na nájmu za únor.",
        by=colleague,
        today=MID_MARCH,
    )

    case = case_of(lease)
    assert (case.status, recorded.prevention_case) == (CaseStatus.PREVENTION, case)
    assert list(
        CaseStatusChange.objects.filter(case=case).values_list("from_status", "to_status", "by")
    ) == [("active", "prevention", colleague.pk)]
    assert CaseStatusChange.objects.get(case=case).note == czech(
        "Check-in %(month)s: %(result)s", month="3/2026", result=czech(CheckInResult.PROBLEMS.label)
    )
    notification = Notification.objects.get()
    assert recorded.notification == notification
    assert (
        notification.recipient,
        notification.kind,
        notification.params,
        notification.url,
        notification.read_at,
    ) == (
        social_worker,
        NotificationKind.CHECK_IN_PROBLEM,
        {"month": "3/2026", "case": case.number},
        case.get_absolute_url(),
        None,
    )
    with translation.override("cs"):
        assert notification.text == czech(
            "The check-in of %(month)s found problems (rent, neighbours or repairs) in case "
            "%(case)s.",
            month="3/2026",
            case=case.number,
        )
    assert recorded.step is None  # no assistance plan
    assert Step.objects.count() == 0


def test_needs_visit_moves_a_follow_up_case_to_prevention(lease, colleague, social_worker):
    case = case_of(lease)
    case.status = CaseStatus.FOLLOW_UP
    case.save()

    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result="needs_visit",
        rent_paid=True,
        by=colleague,
        today=MID_MARCH,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.PREVENTION
    assert recorded.notification.message == services.PROBLEM_MESSAGES[CheckInResult.NEEDS_VISIT]


def test_a_problem_in_a_case_already_in_prevention_leaves_its_status(
    lease, colleague, social_worker
):
    case = case_of(lease)
    case.status = CaseStatus.PREVENTION
    case.save()

    recorded = services.record_check_in(
        lease=lease, month=MARCH, result="problems", rent_paid=False, by=colleague, today=MID_MARCH
    )

    assert recorded.prevention_case == case
    assert CaseStatusChange.objects.filter(case=case).count() == 0
    assert Notification.objects.get().recipient == social_worker


def test_a_problem_found_by_the_case_manager_herself_notifies_nobody(lease, social_worker):
    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result="problems",
        rent_paid=False,
        by=social_worker,
        today=MID_MARCH,
    )

    assert case_of(lease).status == CaseStatus.PREVENTION
    assert (recorded.notification, Notification.objects.count()) == (None, 0)


def test_a_problem_in_a_new_case_without_case_manager_leaves_it_new(lease, colleague):
    case = case_of(lease)
    case.status, case.case_manager = CaseStatus.NEW, None
    case.save()

    recorded = services.record_check_in(
        lease=lease, month=MARCH, result="problems", rent_paid=False, by=colleague, today=MID_MARCH
    )

    case.refresh_from_db()
    assert (case.status, recorded.prevention_case, recorded.notification) == ("new", None, None)
    assert CheckIn.objects.count() == 1


def test_a_problem_adds_a_prevention_step_to_the_plans_housing_goal(
    lease, colleague, social_worker
):
    plan = AssistancePlanFactory(case=case_of(lease), starts_on=D(2026, 1, 10))
    GoalFactory(plan=plan, area=GoalArea.MONEY, description="Splácet dluh")
    GoalFactory(plan=plan, description="Dřívější cíl", state=GoalState.MET)
    housing_goal = GoalFactory(plan=plan, description="Udržet si byt")

    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result="problems",
        rent_paid=False,
        note="Dluh na nájmu.",
        by=colleague,
        today=MID_MARCH,
    )

    assert list(Step.objects.values_list("goal", "description", "who", "due_on", "done_on")) == [
        (
            housing_goal.pk,
            czech(
                "Prevention: %(result)s (check-in %(month)s)",
                result=czech(CheckInResult.PROBLEMS.label),
                month="3/2026",
            ),  # the call's note stays in the file: the provider reads the plan
            StepOwner.CASE_MANAGER,
            D(2026, 3, 22),
            None,
        )
    ]
    assert recorded.step == Step.objects.get()
    assert Goal.objects.filter(plan=plan).count() == 3


def test_a_problem_creates_a_housing_goal_in_a_paused_plan_without_one(lease, colleague):
    plan = AssistancePlanFactory(
        case=case_of(lease), starts_on=D(2026, 1, 10), status=PlanStatus.PAUSED
    )
    GoalFactory(plan=plan, area=GoalArea.WORK, description="Najít práci")

    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result="needs_visit",
        rent_paid=None,
        by=colleague,
        today=MID_MARCH,
    )

    goal = Goal.objects.get(plan=plan, area=GoalArea.HOUSING)
    assert (goal.description, goal.state) == (czech("Keep the housing"), GoalState.OPEN)
    assert recorded.step.goal == goal


def test_a_problem_adds_no_step_to_an_ended_plan(lease, colleague):
    AssistancePlanFactory(
        case=case_of(lease),
        starts_on=D(2025, 7, 1),
        status=PlanStatus.ENDED,
        ended_on=D(2026, 1, 31),
        ended_by="provider",
        end_reason="goals_met",
    )

    recorded = services.record_check_in(
        lease=lease, month=MARCH, result="problems", rent_paid=False, by=colleague, today=MID_MARCH
    )

    assert (recorded.step, Step.objects.count(), Goal.objects.count()) == (None, 0, 0)


def test_not_reached_opens_no_prevention(lease, colleague):
    recorded = services.record_check_in(
        lease=lease,
        month=MARCH,
        result="not_reached",
        rent_paid=None,
        by=colleague,
        today=MID_MARCH,
    )

    assert case_of(lease).status == CaseStatus.ACTIVE
    assert (recorded.prevention_case, Notification.objects.count()) == (None, 0)


# --- The worklist page ------------------------------------------------------------------------


@pytest.fixture
def current(kmb_office, municipality, social_worker):
    """current("Malá", "Eva"): a lease running this month (the page's default month)."""

    def _current(last, first="Jana", **fields):
        case = CaseFactory(
            household__kmb=kmb_office,
            status=CaseStatus.ACTIVE,
            case_manager=social_worker,
            applicant__first_name=first,
            applicant__last_name=last,
            **fields,
        )
        return LeaseFactory(
            flat=FlatFactory(municipality=municipality, street="Lipová", number="12"),
            household=case.household,
            start_on=TODAY - datetime.timedelta(days=400),
            end_on=None,
        )

    return _current


def heading(response) -> str:
    return unescape(re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)[1]).strip()


def row_of(response, lease) -> str:
    html = response.content.decode()
    start = html.index(f'id="checkin-row-{lease.pk}"')
    return html[start : html.index("</tr>", start)]


def test_worklist_page_shows_this_months_households_with_phones(
    client, colleague, current, kmb_office
):
    due = current("Nováková", "Žofie", applicant__phone="603 123 456")
    done = current("Malá", "Eva", applicant__phone="")
    check_in(done, THIS_MONTH, CheckInResult.ALL_WELL, by=colleague)
    elsewhere = CaseFactory(applicant__last_name="Cizí")  # another KMB's household
    LeaseFactory(household=elsewhere.household, start_on=TODAY - datetime.timedelta(days=9))
    client.force_login(colleague)

    response = client.get(URL)

    assert [row.pk for row in response.context["rows"]] == [due.pk, done.pk]
    assert (response.context["due"], response.context["done"]) == (1, 1)
    html = response.content.decode()
    with translation.override("cs"):
        month_name = date_format(THIS_MONTH, "F Y")
    assert heading(response) == czech("Check-ins: %(month)s", month=month_name)
    assertInHTML(
        '<a href="tel:603123456"><i class="bi bi-telephone" aria-hidden="true"></i> '
        "603 123 456</a>",
        row_of(response, due),
    )
    assert czech("no phone") in row_of(response, done)
    assert f'action="{record_url(due)}"' in row_of(response, due)
    assert "action=" not in row_of(response, done)
    assert "Cizí" not in html
    counts = html[
        html.index('id="checkin-counts"') : html.index("</p>", html.index("checkin-counts"))
    ]
    assert czech("To call: %(due)s", due=1) in counts
    assert czech("Done: %(done)s", done=1) in counts


def test_worklist_page_shows_a_chosen_past_month(client, colleague, current):
    lease = current("Nováková", "Žofie")
    check_in(lease, D(2026, 3, 1), CheckInResult.PROBLEMS, by=colleague)
    client.force_login(colleague)

    response = client.get(URL, {"month": "2026-03"})

    assert response.context["month"] == D(2026, 3, 1)
    assert [(row.pk, row.check_in.result) for row in response.context["rows"]] == [
        (lease.pk, "problems")
    ]
    with translation.override("cs"):
        assert heading(response) == czech("Check-ins: %(month)s", month="březen 2026")
    assertInHTML(
        '<span class="badge text-bg-danger" data-testid="checkin-result">'
        f"{czech(CheckInResult.PROBLEMS.label)}</span>",
        row_of(response, lease),
    )


@pytest.mark.parametrize(
    ("month", "error"),
    [
        ("2026-13", "Choose a month, e.g. 2026-11."),
        ("tomorrow", "Choose a month, e.g. 2026-11."),
        ("2999-01", "Check-ins are made for this month or earlier ones."),
        ("0001-01", "Choose a month, e.g. 2026-11."),  # its previous month would not exist
    ],
)
def test_worklist_page_with_a_wrong_month_shows_this_month(client, colleague, month, error):
    client.force_login(colleague)

    response = client.get(URL, {"month": month})

    assert response.context["month"] == THIS_MONTH
    assert czech(error) in response.content.decode()


def test_worklist_page_without_leases_says_where_leases_come_from(client, colleague):
    client.force_login(colleague)

    response = client.get(URL)

    assert response.context["rows"] == []
    assert czech(
        "No household of your KMB lives in a flat with a running lease in this month, so there "
        "is nobody to call. Leases are recorded on the flat's page."
    ) in unescape(response.content.decode())


@pytest.mark.parametrize("leases", [1, 3])
def test_worklist_page_query_count_is_constant(
    client, colleague, current, django_assert_num_queries, leases
):
    for n in range(leases):
        lease = current(f"Malá {n}", "Eva")
        earlier = services.month_of(THIS_MONTH - datetime.timedelta(days=1 + 31 * n))
        check_in(lease, earlier, by=colleague)
        if n:
            check_in(lease, THIS_MONTH, by=colleague)
    client.force_login(colleague)

    # Session, user, the worklist and its check-ins of the month, the bell, the user's
    # organisation (menu), session save (3).
    with django_assert_num_queries(9):
        response = client.get(URL)

    assert len(response.context["rows"]) == leases


# --- Recording from the page ------------------------------------------------------------------


def form_data(lease, month=THIS_MONTH, **fields) -> dict:
    data = {"month": month.isoformat(), "result": "all_well", "rent_paid": "true", "note": ""}
    return {f"lease-{lease.pk}-{name}": value for name, value in {**data, **fields}.items()}


def test_record_from_the_page_saves_and_returns_to_the_month(client, colleague, current):
    lease = current("Nováková", "Žofie")
    client.force_login(colleague)

    response = client.post(record_url(lease), form_data(lease, note="Vše v pořádku."), follow=True)

    assertRedirects(response, f"{URL}?month={THIS_MONTH:%Y-%m}")
    assert list(
        CheckIn.objects.values_list("lease", "month", "result", "rent_paid", "note", "by")
    ) == [(lease.pk, THIS_MONTH, "all_well", True, "Vše v pořádku.", colleague.pk)]
    assert [str(m) for m in response.context["messages"]] == [
        czech("The check-in has been recorded.")
    ]


def test_record_a_problem_from_the_page_says_what_followed(
    client, colleague, current, social_worker
):
    lease = current("Nováková", "Žofie")
    client.force_login(colleague)

    response = client.post(
        record_url(lease), form_data(lease, result="problems", rent_paid="false"), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        " ".join(
            czech(text)
            for text in (
                "The check-in has been recorded.",
                "The case is in prevention.",
                "The case manager has been notified.",
            )
        )
    ]
    assert case_of(lease).status == CaseStatus.PREVENTION
    assert Notification.objects.get().recipient == social_worker


def test_record_with_htmx_swaps_the_row_and_the_counts(client, colleague, current):
    lease = current("Nováková", "Žofie")
    current("Malá", "Eva")
    client.force_login(colleague)

    response = client.post(
        record_url(lease), form_data(lease, rent_paid="unknown"), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="checkin-row-{lease.pk}"')
    assert CheckIn.objects.get().rent_paid is None
    assertInHTML(
        '<span class="badge text-bg-success" data-testid="checkin-result">'
        f"{czech(CheckInResult.ALL_WELL.label)}</span>",
        html,
    )
    assert czech("The check-in has been recorded.") in html
    assert 'id="checkin-counts" class="mb-2" hx-swap-oob="true"' in html
    assert czech("To call: %(due)s", due=1) in html
    assert czech("Done: %(done)s", done=1) in html


def test_record_without_a_result_shows_the_error_in_the_row(client, colleague, current):
    lease = current("Nováková", "Žofie")
    client.force_login(colleague)

    response = client.post(
        record_url(lease), form_data(lease, result=""), headers={"HX-Request": "true"}
    )

    with translation.override("cs"):
        required = str(CheckIn._meta.get_field("result").error_messages["blank"])
    row = response.content.decode()
    assert 'data-testid="checkin-form"' in row
    assert "Toto pole je třeba vyplnit." in row or required in row
    assert CheckIn.objects.count() == 0


def test_record_without_a_result_and_without_js_shows_the_page_again(client, colleague, current):
    lease = current("Nováková", "Žofie")
    client.force_login(colleague)

    response = client.post(record_url(lease), form_data(lease, result=""))

    assert response.status_code == 200
    assert response.context["rows"][0].form.errors == {"result": ["Toto pole je třeba vyplnit."]}
    assert CheckIn.objects.count() == 0


def test_record_submitted_twice_is_recorded_once(client, colleague, current):
    lease = current("Nováková", "Žofie")
    client.force_login(colleague)

    client.post(record_url(lease), form_data(lease, result="problems"), follow=True)
    response = client.post(record_url(lease), form_data(lease, result="problems"), follow=True)

    assert CheckIn.objects.count() == 1
    assert Notification.objects.count() == 1
    assert [str(m) for m in response.context["messages"]] == [
        czech("This month's check-in is already recorded.")
    ]


def test_record_for_a_future_month_is_refused(client, colleague, current):
    lease = current("Nováková", "Žofie")
    next_month = services.last_day_of(THIS_MONTH) + datetime.timedelta(days=1)
    client.force_login(colleague)

    response = client.post(record_url(lease), form_data(lease, month=next_month))

    assert response.status_code == 200
    assert response.context["rows"][0].form.non_field_errors() == [
        czech("A check-in cannot be recorded for a month still to come.")
    ]
    assert CheckIn.objects.count() == 0


# --- Access -----------------------------------------------------------------------------------


def test_worklist_is_for_the_kmbs_casework_staff(client, staff):
    outcomes = {}
    for role, user in staff.items():
        client.force_login(user)
        outcomes[role] = client.get(URL).status_code

    assert outcomes == {
        Role.SOCIAL_WORKER: 200,
        Role.MANAGER: 200,
        Role.HOUSING_DEPARTMENT: 403,
        Role.PROVIDER_STAFF: 403,
        Role.ADMINISTRATOR: 403,
    }


def test_worklist_is_a_get(client, colleague):
    client.force_login(colleague)

    assert client.post(URL).status_code == 405


def test_record_for_another_kmbs_household_is_404(
    client, colleague, municipality, other_kmb_office
):
    case = CaseFactory(household__kmb=other_kmb_office)
    theirs = LeaseFactory(
        flat=FlatFactory(municipality=municipality), household=case.household, end_on=None
    )
    client.force_login(colleague)

    response = client.post(record_url(theirs), form_data(theirs))

    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


def test_record_in_a_flat_outside_the_orp_is_404(client, colleague, kmb_office):
    case = CaseFactory(household__kmb=kmb_office)
    elsewhere = LeaseFactory(household=case.household, end_on=None)
    client.force_login(colleague)

    response = client.post(record_url(elsewhere), form_data(elsewhere))

    assert response.status_code == 404


def test_record_by_the_administrator_is_403(client, administrator, lease):
    client.force_login(administrator)

    response = client.post(record_url(lease), form_data(lease))

    assert response.status_code == 403
    assert CheckIn.objects.count() == 0


def test_record_is_a_post(client, colleague, lease):
    client.force_login(colleague)

    assert client.get(record_url(lease)).status_code == 405
