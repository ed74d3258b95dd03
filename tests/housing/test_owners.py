"""Owners and realtors: who sees which, the engaged private owners, their pages (audited for
private persons), creating and editing them, and the list's query count."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from housing.models import Owner, OwnerKind, Realtor
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory
from tests.factories.housing import FlatFactory, LeaseFactory, OwnerFactory, RealtorFactory

TODAY = timezone.localdate()


def czech(message: str, **values) -> str:
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def listed(response) -> list:
    return list(response.context["page"].object_list)


def audited(record) -> list[tuple[str, str]]:
    entries = AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )
    return list(entries.values_list("user__username", "view_name"))


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def jinde(other_kmb_office):
    return MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)


@pytest.fixture
def housing_department(testov):
    office = OrganisationFactory(municipal=True, municipality=testov)
    return UserFactory(
        username="bytovy-testov",
        first_name="Bára",
        last_name="Úřednice",  # fixed: no tenant's surname can turn up as the user's own
        housing_department=True,
        organisation=office,
    )


@pytest.fixture
def owners(testov, jinde, kmb_office, other_kmb_office):
    """A private owner with two flats here, the town, a newly engaged owner with no flat yet that
    the KMB added, one that another KMB added, and an owner whose only flat is in another KMB's
    ORP."""
    private = OwnerFactory(name="Jana Horáková", private=True, engaged_on=TODAY.replace(day=1))
    town = OwnerFactory(name="Město Testov")
    newcomer = OwnerFactory(
        name="Karel Nový", private=True, engaged_on=TODAY, created_by_organisation=kmb_office
    )
    OwnerFactory(
        name="Olga Cizí", private=True, engaged_on=TODAY, created_by_organisation=other_kmb_office
    )
    elsewhere = OwnerFactory(name="Bytové družstvo Jinde", kind=OwnerKind.COMPANY)
    FlatFactory.create_batch(2, municipality=testov, owner=private)
    FlatFactory(municipality=jinde, owner=private)
    FlatFactory(municipality=testov, owner=town)
    FlatFactory(municipality=jinde, owner=elsewhere)
    return {"private": private, "town": town, "newcomer": newcomer, "elsewhere": elsewhere}


def owner_data(**overrides) -> dict:
    return {
        "kind": OwnerKind.PRIVATE_PERSON,
        "name": "Marie Svobodová",
        "email": "svobodova@example.cz",
        "phone": "+420 603 123 456",
        "address": "Husova 12, Testov",
        "engaged_on": TODAY.isoformat(),
        **overrides,
    }


# --- Owners ------------------------------------------------------------------------------------


def test_owner_list_shows_owners_of_visible_flats_and_owners_the_kmb_added(
    client, social_worker, owners
):
    client.force_login(social_worker)

    response = client.get(reverse("housing:owner-list"))

    assert [(owner.name, owner.flat_count) for owner in listed(response)] == [
        ("Jana Horáková", 2),
        ("Karel Nový", 0),
        ("Město Testov", 1),
    ]


def test_owner_list_counts_the_private_owners_engaged(client, social_worker, owners):
    OwnerFactory(name="Petr Váhavý", private=True, engaged_on=None)
    client.force_login(social_worker)

    response = client.get(reverse("housing:owner-list"))

    assert response.context["private_owners_engaged"] == 2
    assertContains(response, f"{czech('Private owners engaged')}: <strong>2</strong>")


def test_owner_list_without_owners_says_what_to_do(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("housing:owner-list"))

    assertContains(
        response,
        czech(
            "No owners yet. Record the municipalities, private owners, companies and NGOs that "
            "let flats to your households; then add their flats."
        ),
    )


def test_owner_detail_of_a_private_person_is_audited(client, social_worker, owners):
    private = owners["private"]
    client.force_login(social_worker)

    response = client.get(private.get_absolute_url())

    assert len(response.context["flats"]) == 2
    assert audited(private) == [("socialni", "housing:owner-detail")]


def test_owner_detail_of_a_municipality_is_not_audited(client, social_worker, owners):
    client.force_login(social_worker)

    response = client.get(owners["town"].get_absolute_url())

    assertContains(response, "Město Testov")
    assert AccessLog.objects.count() == 0


def test_owner_detail_lists_the_visible_flats_and_their_leases(
    client, social_worker, housing_department, owners, kmb_office
):
    private = owners["private"]
    flat = private.flats.filter(municipality__name="Testov").first()
    case = CaseFactory(household__kmb=kmb_office, applicant__last_name="Zlatohlávková")
    LeaseFactory(flat=flat, household=case.household)
    client.force_login(social_worker)

    response = client.get(private.get_absolute_url())
    client.force_login(housing_department)
    anonymised = client.get(private.get_absolute_url())

    assert sorted(f.municipality.name for f in response.context["flats"]) == ["Testov", "Testov"]
    assert [lease.flat for lease in response.context["leases"]] == [flat]
    assertContains(response, f'href="{case.get_absolute_url()}"')
    assertNotContains(anonymised, "Zlatohlávková")
    assertContains(anonymised, czech("Household no. %(number)s", number=case.household.pk))


def test_owner_detail_of_another_orps_owner_is_hidden(client, social_worker, owners):
    client.force_login(social_worker)

    response = client.get(owners["elsewhere"].get_absolute_url())

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_housing_department_sees_the_owners_of_its_municipality_and_those_it_added(
    client, housing_department, owners
):
    OwnerFactory(name="Ludmila Nová", created_by_organisation=housing_department.organisation)
    client.force_login(housing_department)

    response = client.get(reverse("housing:owner-list"))

    assert [owner.name for owner in listed(response)] == [
        "Jana Horáková",
        "Ludmila Nová",
        "Město Testov",
    ]


def test_owner_with_no_flat_another_kmb_added_is_hidden(client, social_worker, owners):
    stranger = Owner.objects.get(name="Olga Cizí")
    client.force_login(social_worker)

    pages = [
        client.get(reverse(f"housing:{name}", args=[stranger.pk]))
        for name in ("owner-detail", "owner-edit")
    ]

    assert [page.status_code for page in pages] == [404, 404]
    assert AccessLog.objects.count() == 0


def test_owner_with_no_flat_is_visible_once_it_has_a_flat_in_the_area(
    client, social_worker, owners, testov
):
    stranger = Owner.objects.get(name="Olga Cizí")
    FlatFactory(municipality=testov, owner=stranger)
    client.force_login(social_worker)

    response = client.get(stranger.get_absolute_url())

    assertContains(response, "Olga Cizí")
    assert audited(stranger) == [("socialni", "housing:owner-detail")]


def test_flat_form_offers_the_owners_the_kmb_sees(client, social_worker, owners):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-create"))

    assert list(response.context["form"].fields["owner"].queryset) == [
        owners["private"],
        owners["newcomer"],
        owners["town"],
    ]


def test_owner_create_saves_the_owner(client, social_worker):
    client.force_login(social_worker)

    response = client.post(reverse("housing:owner-create"), owner_data())

    owner = Owner.objects.get()
    assertRedirects(response, owner.get_absolute_url())
    assert (owner.kind, owner.name, owner.engaged_on, owner.created_by_organisation) == (
        OwnerKind.PRIVATE_PERSON,
        "Marie Svobodová",
        TODAY,
        social_worker.organisation,
    )
    assert owner.history.get().history_user == social_worker


def test_owner_create_refuses_an_engagement_in_the_future(client, social_worker):
    client.force_login(social_worker)
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = client.post(
        reverse("housing:owner-create"), owner_data(engaged_on=tomorrow.isoformat())
    )

    assert response.context["form"].errors == {
        "engaged_on": [czech("Enter the day the owner agreed, not a future date.")]
    }
    assert Owner.objects.count() == 0


def test_owner_edit_saves_and_audits_the_private_person_it_shows(client, social_worker, owners):
    private = owners["private"]
    client.force_login(social_worker)

    form_page = client.get(reverse("housing:owner-edit", args=[private.pk]))
    reads = audited(private)
    response = client.post(
        reverse("housing:owner-edit", args=[private.pk]), owner_data(name="Jana Horáková-Malá")
    )

    assertContains(form_page, "Jana Horáková")
    assert reads == [("socialni", "housing:owner-edit")]
    assertRedirects(response, private.get_absolute_url())
    private.refresh_from_db()
    assert private.name == "Jana Horáková-Malá"


@pytest.mark.parametrize("url_name", ["owner-detail", "owner-edit"])
def test_owner_pages_of_another_orps_owner_are_hidden(client, social_worker, owners, url_name):
    client.force_login(social_worker)

    response = client.get(reverse(f"housing:{url_name}", args=[owners["elsewhere"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["owner-create", "realtor-create"])
def test_administrator_gets_403_on_creating_owners_and_realtors(client, administrator, url_name):
    client.force_login(administrator)

    response = client.get(reverse(f"housing:{url_name}"))

    assertContains(response, czech("This is not open to your role"), status_code=403)


def test_administrator_gets_403_on_editing_an_owner(client, administrator, owners):
    client.force_login(administrator)

    response = client.get(reverse("housing:owner-edit", args=[owners["town"].pk]))

    assertContains(response, czech("This is not open to your role"), status_code=403)


@pytest.mark.parametrize("url_name", ["owner-detail", "owner-edit"])
def test_provider_staff_gets_403_on_owners(client, staff, owners, url_name):
    client.force_login(staff[Role.PROVIDER_STAFF])

    response = client.get(reverse(f"housing:{url_name}", args=[owners["town"].pk]))

    assertContains(response, czech("This is not open to your role"), status_code=403)


# Session, user, the user's organisation (menu), count, page of owners with their flat counts,
# the count of engaged private owners, session save (3).
OWNER_LIST_QUERIES = 10


@pytest.mark.parametrize("rows", [1, 3])
def test_owner_list_query_count_is_constant(
    client, social_worker, testov, django_assert_num_queries, rows
):
    for _ in range(rows):
        FlatFactory(municipality=testov, owner=OwnerFactory(private=True, engaged_on=TODAY))
    client.force_login(social_worker)

    with django_assert_num_queries(OWNER_LIST_QUERIES):
        response = client.get(reverse("housing:owner-list"))

    assert [owner.flat_count for owner in listed(response)] == [1] * rows


# --- Realtors ----------------------------------------------------------------------------------


@pytest.fixture
def realtors(testov, jinde):
    here = RealtorFactory(name="Adam Makléř", company="Reality Testov s.r.o.")
    idle = RealtorFactory(name="Bára Nová")
    away = RealtorFactory(name="Cyril Daleký")
    FlatFactory(municipality=testov, realtor=here)
    FlatFactory(municipality=jinde, realtor=away)
    return {"here": here, "idle": idle, "away": away}


def test_realtor_list_shows_realtors_of_visible_flats_and_realtors_without_flats(
    client, social_worker, realtors
):
    client.force_login(social_worker)

    response = client.get(reverse("housing:realtor-list"))

    assert [(realtor.name, realtor.flat_count) for realtor in listed(response)] == [
        ("Adam Makléř", 1),
        ("Bára Nová", 0),
    ]


def test_realtor_detail_lists_their_flats(client, social_worker, realtors):
    here = realtors["here"]
    client.force_login(social_worker)

    response = client.get(here.get_absolute_url())

    assert response.context["flats"] == list(here.flats.all())
    assertContains(response, "Reality Testov s.r.o.")
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("url_name", ["realtor-detail", "realtor-edit"])
def test_realtor_pages_of_another_orps_realtor_are_hidden(
    client, social_worker, realtors, url_name
):
    client.force_login(social_worker)

    response = client.get(reverse(f"housing:{url_name}", args=[realtors["away"].pk]))

    assert response.status_code == 404


def test_realtor_create_and_edit_save_the_realtor(client, social_worker):
    client.force_login(social_worker)

    created = client.post(
        reverse("housing:realtor-create"), {"name": "Dana Rychlá", "company": "", "email": ""}
    )
    realtor = Realtor.objects.get()
    edited = client.post(
        reverse("housing:realtor-edit", args=[realtor.pk]),
        {"name": "Dana Rychlá", "company": "Bydlení Plus s.r.o.", "phone": "777 123 456"},
    )

    assertRedirects(created, realtor.get_absolute_url())
    assertRedirects(edited, realtor.get_absolute_url())
    realtor.refresh_from_db()
    assert (realtor.name, realtor.company, realtor.phone) == (
        "Dana Rychlá",
        "Bydlení Plus s.r.o.",
        "777 123 456",
    )


# Session, user, the user's organisation (menu), count, page of realtors with their flat counts,
# session save (3).
REALTOR_LIST_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 3])
def test_realtor_list_query_count_is_constant(
    client, social_worker, testov, django_assert_num_queries, rows
):
    for _ in range(rows):
        FlatFactory(municipality=testov, realtor=RealtorFactory())
    client.force_login(social_worker)

    with django_assert_num_queries(REALTOR_LIST_QUERIES):
        response = client.get(reverse("housing:realtor-list"))

    assert [realtor.flat_count for realtor in listed(response)] == [1] * rows


# --- Who added an owner, for owners recorded before it was kept -------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_takes_who_added_an_owner_from_its_history():
    before = [("housing", "0008_decline_reason_history")]
    after = [("housing", "0009_owner_added_by")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        orp = old.get_model("territory", "Orp").objects.create(name="Testov", code="9999")
        kmb = old.get_model("accounts", "Organisation").objects.create(
            name="KMB Testov", kind="kmb", orp=orp
        )
        worker = old.get_model("accounts", "User").objects.create(
            username="socialni", role="social_worker", organisation=kmb
        )
        owners = old.get_model("housing", "Owner").objects
        added = owners.create(kind="private_person", name="Jana Horáková")
        old.get_model("housing", "HistoricalOwner").objects.create(
            id=added.pk,
            kind=added.kind,
            name=added.name,
            created_at=added.created_at,
            updated_at=added.updated_at,
            history_date=added.created_at,
            history_type="+",
            history_user=worker,
        )
        owners.create(kind="municipality", name="Obec bez historie")
        executor.loader.build_graph()

        executor.migrate(after)

        new = executor.loader.project_state(after).apps
        assert list(
            new.get_model("housing", "Owner")
            .objects.order_by("name")
            .values_list("name", "created_by_organisation")
        ) == [("Jana Horáková", kmb.pk), ("Obec bez historie", None)]
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
