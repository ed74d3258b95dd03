"""A manager configures matching: weights and norms, the municipalities' allocation rules (both
with a preview of what a change would do before it is saved) and the decline reasons."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from housing.matching.preview import preview_change
from housing.models import (
    DeclineParty,
    DeclineReason,
    MatchingSettings,
    MunicipalRules,
    Program,
    ProposalStatus,
)
from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import CaseFactory, IncomeFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import (
    DeclineReasonFactory,
    HousingApplicationFactory,
    MatchingSettingsFactory,
    MunicipalRulesFactory,
    ProposalFactory,
)

SETTINGS_URL = reverse("housing:matching-settings")
RULES_URL = reverse("housing:matching-rules")
REASONS_URL = reverse("housing:decline-reason-list")


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def czech_plural(singular: str, plural: str, count: int, **values) -> str:
    with translation.override("cs"):
        return ngettext(singular, plural, count) % {"count": count, **values}


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    return MunicipalityFactory(name="Lhota", orp=kmb_office.orp)


@pytest.fixture
def jinde(other_kmb_office):
    return MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)


def waiting(kmb, *, residence=None, income=18000):
    """A waiting household of one with the monthly income given (a 6,000 CZK flat needs at least
    13,334 CZK at the default 45 %)."""
    case = CaseFactory(household__kmb=kmb, kmb=kmb, active=True)
    household = case.household
    household.permanent_residence = residence
    household.save()
    if income:
        IncomeFactory(household=household, monthly_amount=income)
    return HousingApplicationFactory(case=case)


@pytest.fixture
def world(kmb_office, testov, lhota):
    """Three waiting households of Testov, Lhota and Testov without income (eligible for nothing)
    and one free 6,000 CZK social flat in Testov: two households are eligible today."""
    return {
        "from_testov": waiting(kmb_office, residence=testov),
        "from_lhota": waiting(kmb_office, residence=lhota),
        "no_income": waiting(kmb_office, residence=testov, income=0),
        "flat": FlatFactory(municipality=testov),
    }


def settings_data(**changes) -> dict:
    data = {
        "weight_urgency": 5,
        "weight_children": 3,
        "weight_waiting": 2,
        "weight_vulnerability": 3,
        "weight_preference": 2,
        "weight_size_fit": 2,
        "weight_support": 1,
        "max_persons_per_room": "2.0",
        "min_area_per_person": "8.0",
        "max_spare_rooms": 1,
        "max_housing_cost_share": 45,
    }
    return {**data, **changes}


def rules_data(**changes) -> dict:
    data = {"max_municipal_debt": "", "max_rent": ""}
    return {**data, **changes}


# --- The preview ------------------------------------------------------------------------------


def test_preview_of_a_residence_rule_removes_the_household_living_elsewhere(
    kmb_office, world, testov
):
    rules = MunicipalRules(municipality=testov, require_residence=True)

    preview = preview_change(kmb=kmb_office, rules=rules)

    assert (preview.waiting, preview.free_flats) == (3, 1)
    assert (preview.eligible_before, preview.eligible_after) == (2, 1)
    assert preview.removed == [world["from_lhota"].pseudonym]
    assert preview.added == []
    assert not MunicipalRules.objects.exists()


def test_preview_keeps_a_household_still_eligible_for_another_free_flat(
    kmb_office, world, testov, lhota
):
    FlatFactory(municipality=lhota)
    rules = MunicipalRules(municipality=testov, require_residence=True)

    preview = preview_change(kmb=kmb_office, rules=rules)

    assert (preview.eligible_before, preview.eligible_after) == (2, 2)
    assert (preview.removed, preview.added) == ([], [])
    assert not preview.changes_anything


def test_preview_of_dropping_a_stored_rule_adds_the_household(kmb_office, world, testov):
    MunicipalRulesFactory(municipality=testov, require_residence=True)

    preview = preview_change(kmb=kmb_office, rules=MunicipalRules(municipality=testov))

    assert (preview.eligible_before, preview.eligible_after) == (1, 2)
    assert preview.added == [world["from_lhota"].pseudonym]
    assert preview.removed == []


def test_preview_of_a_lower_housing_cost_share_removes_both_households(kmb_office, world):
    settings = MatchingSettings(kmb=kmb_office, max_housing_cost_share=30)  # 5,400 of 18,000

    preview = preview_change(kmb=kmb_office, settings=settings)

    assert (preview.eligible_before, preview.eligible_after) == (2, 0)
    assert preview.removed == sorted(
        [world["from_testov"].pseudonym, world["from_lhota"].pseudonym]
    )


def test_preview_of_weights_changes_nobody(kmb_office, world):
    settings = MatchingSettings(kmb=kmb_office, weight_urgency=10, weight_children=0)

    preview = preview_change(kmb=kmb_office, settings=settings)

    assert (preview.eligible_before, preview.eligible_after) == (2, 2)
    assert not preview.changes_anything


def test_preview_ignores_another_kmbs_households(kmb_office, other_kmb_office, world, testov):
    waiting(other_kmb_office, residence=testov)

    preview = preview_change(kmb=kmb_office, rules=MunicipalRules(municipality=testov))

    assert preview.waiting == 3


# --- Weights and norms ------------------------------------------------------------------------


def test_settings_page_shows_the_defaults_until_saved(client, manager, kmb_office):
    client.force_login(manager)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["weight_urgency"].value() == 5
    assert form["max_housing_cost_share"].value() == 45
    assert czech(
        "These are the default settings: nobody has saved the KMB's own yet. They are "
        "used until you save."
    ) in text_of(response)
    assert not MatchingSettings.objects.exists()


def test_manager_saves_the_settings_and_the_save_is_recorded(client, manager, kmb_office):
    client.force_login(manager)

    response = client.post(
        SETTINGS_URL, settings_data(weight_urgency=8, max_housing_cost_share=40, action="save")
    )

    assert response.status_code == 302
    assert response.url == SETTINGS_URL
    settings = MatchingSettings.objects.get()
    assert (settings.kmb, settings.weight_urgency, settings.max_housing_cost_share) == (
        kmb_office,
        8,
        40,
    )
    history = list(settings.history.values_list("history_user", "weight_urgency"))
    assert history == [(manager.pk, 8)]
    page = client.get(SETTINGS_URL)
    assert czech("The matching settings have been saved. New proposals use them.") in text_of(page)
    assert czech("first saved") in text_of(page)


def test_a_second_save_records_what_changed(client, manager, kmb_office):
    MatchingSettingsFactory(kmb=kmb_office)
    client.force_login(manager)

    client.post(SETTINGS_URL, settings_data(weight_children=7, action="save"))

    settings = MatchingSettings.objects.get()
    assert settings.weight_children == 7
    assert settings.history.count() == 2
    page = text_of(client.get(SETTINGS_URL))
    assert str(MatchingSettings._meta.get_field("weight_children").verbose_name) in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight_urgency": 11}, "weight_urgency", "A weight is a whole number from 0 to 10."),
        ({"weight_support": -1}, "weight_support", "A weight is a whole number from 0 to 10."),
        ({"weight_waiting": "2.5"}, "weight_waiting", "A weight is a whole number from 0 to 10."),
        (
            {"max_housing_cost_share": 5},
            "max_housing_cost_share",
            "Enter a share of income from 10 to 100.",
        ),
        (
            {"max_persons_per_room": "0.2"},
            "max_persons_per_room",
            "Allow at least half a person per room.",
        ),
    ],
)
def test_out_of_range_values_are_refused_with_a_clear_message(
    client, manager, changes, field, message
):
    client.force_login(manager)

    response = client.post(SETTINGS_URL, settings_data(action="save", **changes))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [czech(message)]
    assert not MatchingSettings.objects.exists()


def test_contradictory_occupancy_norms_are_refused(client, manager):
    client.force_login(manager)

    response = client.post(
        SETTINGS_URL,
        settings_data(max_persons_per_room="0.5", max_spare_rooms=0, action="save"),
    )

    with translation.override("cs"):
        expected = gettext(
            "The occupancy norms contradict each other: with at most %(per_room)s persons per "
            "room a household of one needs %(rooms)s rooms, but may have at most %(allowed)s. "
            "Allow more spare rooms or more persons per room."
        ) % {"per_room": "0,5", "rooms": 2, "allowed": 1}
    assert response.context["form"].errors["max_spare_rooms"] == [expected]
    assert not MatchingSettings.objects.exists()


def test_all_weights_at_zero_are_refused(client, manager):
    client.force_login(manager)
    zeros = {name: 0 for name in settings_data() if name.startswith("weight_")}

    response = client.post(SETTINGS_URL, settings_data(action="save", **zeros))

    assert response.context["form"].errors["weight_urgency"] == [
        czech(
            "Set at least one weight above zero: with every weight at zero all households "
            "score the same and nobody can be ranked."
        )
    ]


def test_preview_button_shows_the_households_removed_without_saving(client, manager, world):
    # A surname no staff member or page label can contain by chance.
    applicant = world["from_lhota"].household.members.get()
    applicant.last_name = "Zkouškovská"
    applicant.save()
    client.force_login(manager)

    response = client.post(SETTINGS_URL, settings_data(max_housing_cost_share=30, action="preview"))

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.eligible_before, preview.eligible_after) == (2, 0)
    page = text_of(response)
    assert world["from_lhota"].pseudonym in page
    assert world["from_testov"].pseudonym in page
    assert (
        czech_plural(
            "household would no longer be eligible for any free flat",
            "households would no longer be eligible for any free flat",
            2,
        )
        in page
    )
    # Codes only: no name of a person on the page.
    assert applicant.last_name not in page
    assert not MatchingSettings.objects.exists()


def test_htmx_preview_returns_only_the_preview(client, manager, world):
    client.force_login(manager)

    response = client.post(
        SETTINGS_URL, settings_data(max_housing_cost_share=30), HTTP_HX_REQUEST="true"
    )

    page = text_of(response)
    assert page.lstrip().startswith('<section id="preview"')
    assert "<html" not in page
    assert response.context["preview"].removed == sorted(
        [world["from_testov"].pseudonym, world["from_lhota"].pseudonym]
    )
    assert not MatchingSettings.objects.exists()


def test_htmx_preview_of_an_invalid_form_lists_the_errors(client, manager, world):
    client.force_login(manager)

    response = client.post(SETTINGS_URL, settings_data(weight_urgency=12), HTTP_HX_REQUEST="true")

    assert response.context["preview"] is None
    assert response.context["preview_errors"] == [czech("A weight is a whole number from 0 to 10.")]
    assert czech("The change cannot be previewed until the form is corrected:") in text_of(response)


# --- Allocation rules -------------------------------------------------------------------------


def test_rules_list_shows_the_orps_municipalities_with_their_rules(
    client, manager, testov, lhota, jinde
):
    MunicipalRulesFactory(municipality=testov, max_municipal_debt=Decimal("10000"))
    FlatFactory(municipality=testov)
    client.force_login(manager)

    response = client.get(RULES_URL)

    rows = [(m.name, m.free_flats, summary) for m, summary in response.context["rows"]]
    with translation.override("cs"):
        debt = gettext("debt to the municipality at most %(amount)s CZK") % {"amount": "10\xa0000"}
    assert rows == [("Lhota", 0, []), ("Testov", 1, [debt])]
    assert "Jinde" not in text_of(response)


def test_rules_list_query_count_does_not_grow_with_municipalities(
    client, manager, kmb_office, django_assert_num_queries
):
    client.force_login(manager)
    MunicipalRulesFactory(municipality=MunicipalityFactory(orp=kmb_office.orp))
    with CaptureQueriesContext(connection) as one:
        client.get(RULES_URL)
    for _ in range(2):
        MunicipalRulesFactory(municipality=MunicipalityFactory(orp=kmb_office.orp))
        FlatFactory(municipality=MunicipalityFactory(orp=kmb_office.orp))

    with django_assert_num_queries(len(one)):
        response = client.get(RULES_URL)

    assert len(response.context["rows"]) == 5


def test_manager_sets_liberecs_debt_limit_and_the_save_is_recorded(client, manager, testov):
    client.force_login(manager)
    url = reverse("housing:matching-rules-edit", args=[testov.pk])

    response = client.post(
        url,
        rules_data(
            require_valid_id="on",
            max_municipal_debt="10000",
            support_required_programs=[Program.SOCIAL],
            action="save",
        ),
    )

    assert response.status_code == 302
    assert response.url == url
    rules = MunicipalRules.objects.get()
    assert (
        rules.municipality,
        rules.require_residence,
        rules.require_valid_id,
        rules.max_municipal_debt,
        rules.support_required_programs,
        rules.max_rent,
        rules.max_rent_programs,
    ) == (testov, False, True, Decimal("10000.00"), ["social"], None, [])
    assert list(rules.history.values_list("history_user", flat=True)) == [manager.pk]


def test_rules_of_programs_without_a_maximum_rent_are_refused(client, manager, testov):
    client.force_login(manager)

    response = client.post(
        reverse("housing:matching-rules-edit", args=[testov.pk]),
        rules_data(max_rent_programs=[Program.SOCIAL], action="save"),
    )

    assert response.context["form"].errors["max_rent"] == [
        czech(
            "You chose the programs the maximum rent applies to, but no maximum rent: enter "
            "the rent or untick the programs."
        )
    ]
    assert not MunicipalRules.objects.exists()


def test_a_maximum_rent_of_zero_with_free_flats_is_refused(client, manager, testov):
    FlatFactory(municipality=testov, program=Program.SOCIAL)
    FlatFactory(municipality=testov, program=Program.SOCIAL)
    FlatFactory(municipality=testov, program=Program.CRISIS)
    client.force_login(manager)

    response = client.post(
        reverse("housing:matching-rules-edit", args=[testov.pk]),
        rules_data(max_rent="0", max_rent_programs=[Program.SOCIAL], action="save"),
    )

    assert response.context["form"].errors["max_rent"] == [
        czech_plural(
            "A maximum rent of 0 CZK would rule out the %(count)s free flat it applies to: "
            "enter a rent above zero, or leave it empty for no limit.",
            "A maximum rent of 0 CZK would rule out all %(count)s free flats it applies to: "
            "enter a rent above zero, or leave it empty for no limit.",
            2,
        )
    ]
    assert not MunicipalRules.objects.exists()


def test_a_negative_debt_limit_is_refused(client, manager, testov):
    client.force_login(manager)

    response = client.post(
        reverse("housing:matching-rules-edit", args=[testov.pk]),
        rules_data(max_municipal_debt="-1", action="save"),
    )

    assert response.context["form"].errors["max_municipal_debt"] == [
        czech(
            "The maximum debt cannot be negative: enter 0 for no debt at all, or leave it empty "
            "for no limit."
        )
    ]


def test_rules_preview_lists_the_codes_the_rule_would_remove(client, manager, world, testov):
    client.force_login(manager)

    response = client.post(
        reverse("housing:matching-rules-edit", args=[testov.pk]),
        rules_data(require_residence="on", action="preview"),
    )

    preview = response.context["preview"]
    assert (preview.eligible_before, preview.eligible_after) == (2, 1)
    assert preview.removed == [world["from_lhota"].pseudonym]
    assert world["from_lhota"].pseudonym in text_of(response)
    assert not MunicipalRules.objects.exists()


def test_another_orps_municipality_is_not_found(client, manager, jinde):
    client.force_login(manager)

    response = client.get(reverse("housing:matching-rules-edit", args=[jinde.pk]))

    assert response.status_code == 404


# --- Decline reasons --------------------------------------------------------------------------


def test_manager_adds_a_reason(client, manager, kmb_office):
    client.force_login(manager)

    response = client.post(
        reverse("housing:decline-reason-create"),
        {"party": DeclineParty.OWNER, "text": "  Vlastník chce  menší domácnost "},
    )

    assert response.status_code == 302
    assert response.url == REASONS_URL
    assert list(DeclineReason.objects.values_list("kmb", "party", "text", "is_active")) == [
        (kmb_office.pk, "owner", "Vlastník chce menší domácnost", True)
    ]


def test_a_reason_already_on_the_list_is_refused(client, manager, kmb_office):
    DeclineReasonFactory(kmb=kmb_office, party=DeclineParty.OWNER, text="Vlastník si to rozmyslel")
    client.force_login(manager)

    response = client.post(
        reverse("housing:decline-reason-create"),
        {"party": DeclineParty.OWNER, "text": "Vlastník si to rozmyslel"},
    )

    assert response.status_code == 200
    assert czech("This reason is already on the list.") in text_of(response)
    assert DeclineReason.objects.count() == 1


def test_rewording_a_reason_keeps_the_text_of_past_decisions(client, manager, kmb_office):
    reason = DeclineReasonFactory(kmb=kmb_office, text="Daleko od školy")
    declined = ProposalFactory(
        application=HousingApplicationFactory(
            case=CaseFactory(household__kmb=kmb_office, kmb=kmb_office, active=True)
        ),
        status=ProposalStatus.DECLINED,
        declined_by=DeclineParty.HOUSEHOLD,
        decline_reason=reason,
        decline_reason_text=reason.text,
    )
    client.force_login(manager)

    response = client.post(
        reverse("housing:decline-reason-edit", args=[reason.pk]),
        {"text": "Byt je daleko od školy dětí"},
    )

    assert response.status_code == 302
    reason.refresh_from_db()
    declined.refresh_from_db()
    assert reason.text == "Byt je daleko od školy dětí"
    assert declined.decline_reason_text == "Daleko od školy"


def test_retiring_and_restoring_a_reason(client, manager, kmb_office):
    reason = DeclineReasonFactory(kmb=kmb_office)
    client.force_login(manager)

    client.post(reverse("housing:decline-reason-retire", args=[reason.pk]))
    reason.refresh_from_db()
    assert reason.is_active is False
    client.post(reverse("housing:decline-reason-restore", args=[reason.pk]))
    reason.refresh_from_db()
    assert reason.is_active is True


def test_reason_list_counts_the_decisions_and_keeps_its_query_count(
    client, manager, kmb_office, django_assert_num_queries
):
    client.force_login(manager)
    first = DeclineReasonFactory(kmb=kmb_office)
    ProposalFactory(
        status=ProposalStatus.DECLINED,
        declined_by=DeclineParty.HOUSEHOLD,
        decline_reason=first,
        decline_reason_text=first.text,
    )
    with CaptureQueriesContext(connection) as one:
        client.get(REASONS_URL)
    DeclineReasonFactory(kmb=kmb_office, party=DeclineParty.OWNER)
    DeclineReasonFactory(kmb=kmb_office, party=DeclineParty.COMMISSION, is_active=False)
    DeclineReasonFactory()  # another KMB's

    with django_assert_num_queries(len(one)):
        response = client.get(REASONS_URL)

    listed = {
        (str(party), reason.text, reason.used)
        for party, reasons in response.context["groups"]
        for reason in reasons
    }
    assert len(listed) == 3
    assert (str(DeclineParty.HOUSEHOLD.label), first.text, 1) in listed


def test_another_kmbs_reason_is_not_found(client, manager):
    reason = DeclineReasonFactory()
    client.force_login(manager)

    assert client.get(reverse("housing:decline-reason-edit", args=[reason.pk])).status_code == 404
    response = client.post(reverse("housing:decline-reason-retire", args=[reason.pk]))
    assert response.status_code == 404
    reason.refresh_from_db()
    assert reason.is_active is True


def test_empty_reason_list_says_what_to_do(client, manager):
    client.force_login(manager)

    response = client.get(REASONS_URL)

    assert 'data-testid="empty-reasons"' in text_of(response)


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.HOUSING_DEPARTMENT, Role.PROVIDER_STAFF, Role.ADMINISTRATOR]
)
def test_only_a_manager_configures(client, staff, role, testov):
    client.force_login(staff[role])

    for url in (SETTINGS_URL, RULES_URL, REASONS_URL):
        assert client.get(url).status_code == 403
    response = client.post(SETTINGS_URL, settings_data(weight_urgency=9, action="save"))
    assert response.status_code == 403
    assert not MatchingSettings.objects.exists()


def test_another_kmbs_manager_saves_their_own_settings(client, other_kmb_office, kmb_office):
    outsider = UserFactory(manager=True, organisation=other_kmb_office)
    client.force_login(outsider)

    client.post(SETTINGS_URL, settings_data(weight_urgency=9, action="save"))

    assert list(MatchingSettings.objects.values_list("kmb", "weight_urgency")) == [
        (other_kmb_office.pk, 9)
    ]


def test_wrong_methods_are_refused(client, manager, kmb_office):
    reason = DeclineReasonFactory(kmb=kmb_office)
    client.force_login(manager)

    assert client.put(SETTINGS_URL).status_code == 405
    assert client.post(RULES_URL).status_code == 405
    assert client.get(reverse("housing:decline-reason-retire", args=[reason.pk])).status_code == 405
    assert (
        client.get(reverse("housing:decline-reason-restore", args=[reason.pk])).status_code == 405
    )
