"""The flat inventory: creating and editing flats, who may manage which, the status history,
the list's filters, the summary, photos, the flat's page and the query counts."""

import datetime
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from pytest_django.asserts import (
    assertContains,
    assertInHTML,
    assertNotContains,
    assertRedirects,
)

from housing.forms import MAX_PHOTO_BYTES
from housing.models import (
    Flat,
    FlatKind,
    FlatPhoto,
    FlatStatus,
    FlatStatusChange,
    LeaseEndReason,
    Program,
    TechnicalState,
)
from housing.services.flats import change_flat_status, create_flat
from kmb.accounts.models import Role
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.factories.clients import CaseFactory
from tests.factories.guarantees import GuaranteeFactory
from tests.factories.housing import FlatFactory, LeaseFactory, OwnerFactory

TODAY = timezone.localdate()


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def field_error(response, name: str) -> str | None:
    """The first error crispy-forms shows under the field `name`."""
    match = re.search(
        rf'<p id="error_1_id_{name}"><strong>(.*?)</strong></p>', response.content.decode()
    )
    return unescape(match[1]) if match else None


def history_of(flat) -> list[tuple[str, str, str]]:
    return list(flat.status_changes.values_list("from_status", "to_status", "note"))


def listed(response) -> list[Flat]:
    return list(response.context["page"].object_list)


@pytest.fixture
def testov(kmb_office):
    """The district town of the KMB's ORP."""
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def lhota(kmb_office):
    """Another municipality in the same ORP."""
    return MunicipalityFactory(name="Lhota", orp=kmb_office.orp)


@pytest.fixture
def jinde(other_kmb_office):
    """A municipality of another KMB's ORP."""
    return MunicipalityFactory(name="Jinde", orp=other_kmb_office.orp)


@pytest.fixture
def housing_department(testov):
    """Staff of Testov's housing department."""
    office = OrganisationFactory(municipal=True, municipality=testov)
    # A fixed name, so that no tenant's surname can turn up in the page as the user's own.
    return UserFactory(
        username="bytovy-testov",
        first_name="Bára",
        last_name="Úřednice",
        housing_department=True,
        organisation=office,
    )


@pytest.fixture
def owner(kmb_office):
    """Added by the KMB, with no flat yet."""
    return OwnerFactory(name="Město Testov", created_by_organisation=kmb_office)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def flat_data(municipality, owner, **overrides) -> dict:
    return {
        "municipality": municipality.pk,
        "street": "Husova",
        "number": "1234/5",
        "unit": "7",
        "postcode": "460 01",
        "disposition": "2+1",
        "rooms": "2",
        "area": "54.5",
        "floor": "2",
        "technical_state": TechnicalState.GOOD,
        "kind": FlatKind.MUNICIPAL,
        "program": Program.SOCIAL,
        "status": FlatStatus.FREE,
        "rent": "6000.00",
        "service_charges": "1500.00",
        "deposit": "12000.00",
        "owner": owner.pk,
        **overrides,
    }


def png(width=4, height=3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Services ----------------------------------------------------------------------------------


def test_create_flat_records_its_first_status(social_worker, testov, owner):
    flat = FlatFactory.build(municipality=testov, owner=owner, status=FlatStatus.UNDER_REPAIR)

    create_flat(flat=flat, by=social_worker)

    assert Flat.objects.get() == flat
    assert history_of(flat) == [("", "under_repair", "")]
    assert flat.status_changes.get().by == social_worker


def test_create_flat_refuses_a_deposit_above_three_rents(social_worker, testov, owner):
    flat = FlatFactory.build(
        municipality=testov, owner=owner, rent=Decimal("5000"), deposit=Decimal("15000.01")
    )

    with pytest.raises(ValidationError) as refused:
        create_flat(flat=flat, by=social_worker)

    assert refused.value.message_dict == {
        "deposit": [
            czech(
                "The deposit can be at most three monthly rents (%(max)s CZK).", max="15\xa0000,00"
            )
        ]
    }
    assert Flat.objects.count() == 0
    assert FlatStatusChange.objects.count() == 0


def test_change_flat_status_keeps_the_history(social_worker, testov):
    flat = FlatFactory(municipality=testov)

    change_flat_status(flat=flat, to=FlatStatus.RESERVED, by=social_worker, note="Pro Novákovy")
    change_flat_status(flat=flat, to=FlatStatus.LET, by=social_worker)

    flat.refresh_from_db()
    assert flat.status == FlatStatus.LET
    assert history_of(flat) == [("reserved", "let", ""), ("free", "reserved", "Pro Novákovy")]


def test_change_flat_status_refuses_the_status_it_has(social_worker, testov):
    flat = FlatFactory(municipality=testov)

    with pytest.raises(ValidationError) as refused:
        change_flat_status(flat=flat, to=FlatStatus.FREE, by=social_worker)

    assert refused.value.message_dict == {
        "status": [czech("The flat is already “%(status)s”.", status=czech("Free"))]
    }
    assert history_of(flat) == []


# --- Creating and editing ----------------------------------------------------------------------


def test_flat_create_saves_the_flat_and_its_first_status(client, social_worker, testov, owner):
    client.force_login(social_worker)

    response = client.post(reverse("housing:flat-create"), flat_data(testov, owner))

    flat = Flat.objects.get()
    assertRedirects(response, reverse("housing:flat-detail", args=[flat.pk]))
    assert (flat.municipality, flat.street, flat.number, flat.unit) == (
        testov,
        "Husova",
        "1234/5",
        "7",
    )
    assert (flat.rent, flat.service_charges, flat.deposit) == (
        Decimal("6000.00"),
        Decimal("1500.00"),
        Decimal("12000.00"),
    )
    assert history_of(flat) == [("", "free", "")]
    assert flat.history.get().history_user == social_worker


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"deposit": "18000.01"},
            "deposit",
            (
                "The deposit can be at most three monthly rents (%(max)s CZK).",
                {"max": "18\xa0000,00"},
            ),
        ),
        ({"rent": "-1"}, "rent", ("An amount cannot be negative.", {})),
        (
            {"kind": FlatKind.NGO_SUBLET},
            "head_lease_holder",
            ("Choose the NGO that holds the head lease.", {}),
        ),
    ],
    ids=["deposit-above-three-rents", "negative-rent", "sublet-without-ngo"],
)
def test_flat_create_refuses_invalid_flats(
    client, social_worker, testov, owner, overrides, field, message
):
    client.force_login(social_worker)

    response = client.post(reverse("housing:flat-create"), flat_data(testov, owner, **overrides))

    assert response.status_code == 200
    text, values = message
    assert field_error(response, field) == czech(text, **values)
    assert Flat.objects.count() == 0
    assert FlatStatusChange.objects.count() == 0


def test_flat_create_offers_the_municipalities_of_the_kmbs_orp(
    client, social_worker, testov, lhota, jinde
):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-create"))

    assert list(response.context["form"].fields["municipality"].queryset) == [lhota, testov]


def test_flat_create_offers_active_providers_as_head_lease_holders(client, staff, testov):
    ngo = OrganisationFactory(provider=True, name="Naděje, z. s.")
    OrganisationFactory(provider=True, name="Zrušený spolek", is_active=False)
    client.force_login(staff[Role.SOCIAL_WORKER])

    response = client.get(reverse("housing:flat-create"))

    assert list(response.context["form"].fields["head_lease_holder"].queryset) == [
        ngo,
        staff[Role.PROVIDER_STAFF].organisation,
    ]


def test_flat_create_with_an_ngo_sublet_names_the_ngo(client, social_worker, testov, owner):
    ngo = OrganisationFactory(provider=True, name="Naděje, z. s.")
    client.force_login(social_worker)

    client.post(
        reverse("housing:flat-create"),
        flat_data(testov, owner, kind=FlatKind.NGO_SUBLET, head_lease_holder=ngo.pk),
    )

    assert Flat.objects.get().head_lease_holder == ngo


def test_flat_edit_saves_the_particulars_but_not_the_status(client, social_worker, testov, owner):
    flat = FlatFactory(municipality=testov, owner=owner, status=FlatStatus.RESERVED)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:flat-edit", args=[flat.pk]),
        flat_data(testov, owner, rent="6500.00", status=FlatStatus.FREE),
    )

    assertRedirects(response, flat.get_absolute_url())
    flat.refresh_from_db()
    assert (flat.rent, flat.status) == (Decimal("6500.00"), FlatStatus.RESERVED)
    assert history_of(flat) == []


def test_housing_department_manages_the_flats_of_its_municipality(
    client, housing_department, testov, owner
):
    flat = FlatFactory(municipality=testov, owner=owner)
    client.force_login(housing_department)

    response = client.post(
        reverse("housing:flat-edit", args=[flat.pk]), flat_data(testov, owner, rent="7000.00")
    )

    assertRedirects(response, flat.get_absolute_url())
    flat.refresh_from_db()
    assert flat.rent == Decimal("7000.00")


@pytest.mark.parametrize("url_name", ["flat-detail", "flat-edit", "flat-status", "photo-create"])
def test_housing_department_gets_404_on_another_municipalitys_flat(
    client, housing_department, lhota, url_name
):
    flat = FlatFactory(municipality=lhota)
    client.force_login(housing_department)

    response = client.get(reverse(f"housing:{url_name}", args=[flat.pk]))

    assert response.status_code == 404


def test_housing_department_cannot_create_a_flat_elsewhere(
    client, housing_department, testov, lhota, owner
):
    client.force_login(housing_department)

    form_page = client.get(reverse("housing:flat-create"))
    response = client.post(reverse("housing:flat-create"), flat_data(lhota, owner))

    assert list(form_page.context["form"].fields["municipality"].queryset) == [testov]
    assert field_error(response, "municipality") == czech(
        "Select a valid choice. That choice is not one of the available choices."
    )
    assert Flat.objects.count() == 0


@pytest.mark.parametrize("municipality", ["testov", "lhota"])
def test_social_worker_manages_the_flats_of_the_orp_of_their_kmb(
    client, social_worker, owner, municipality, request
):
    place = request.getfixturevalue(municipality)
    flat = FlatFactory(municipality=place, owner=owner)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:flat-edit", args=[flat.pk]), flat_data(place, owner, street="Nová")
    )

    assertRedirects(response, flat.get_absolute_url())
    flat.refresh_from_db()
    assert flat.street == "Nová"


@pytest.mark.parametrize("url_name", ["flat-detail", "flat-edit", "flat-status"])
def test_social_worker_gets_404_on_a_flat_of_another_orp(client, social_worker, jinde, url_name):
    flat = FlatFactory(municipality=jinde)
    client.force_login(social_worker)

    response = client.get(reverse(f"housing:{url_name}", args=[flat.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["flat-edit", "flat-status", "photo-create"])
def test_administrator_reads_flats_but_gets_403_on_changing_them(
    client, administrator, jinde, url_name
):
    flat = FlatFactory(municipality=jinde)
    client.force_login(administrator)

    detail = client.get(flat.get_absolute_url())
    response = client.get(reverse(f"housing:{url_name}", args=[flat.pk]))

    assertContains(detail, "Ulice")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url_name", ["flat-list", "flat-summary", "flat-create", "owner-list", "realtor-list"]
)
def test_provider_staff_gets_403_on_the_inventory(client, staff, url_name):
    client.force_login(staff[Role.PROVIDER_STAFF])

    response = client.get(reverse(f"housing:{url_name}"))

    assertContains(response, czech("This is not open to your role"), status_code=403)


# --- Status -------------------------------------------------------------------------------------


def test_flat_status_changes_the_status_and_shows_the_history(client, social_worker, testov):
    flat = FlatFactory(municipality=testov)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:flat-status", args=[flat.pk]),
        {"status": FlatStatus.UNDER_REPAIR, "note": "Nová koupelna do března"},
        follow=True,
    )

    assertRedirects(response, flat.get_absolute_url())
    flat.refresh_from_db()
    assert flat.status == FlatStatus.UNDER_REPAIR
    assert history_of(flat) == [("free", "under_repair", "Nová koupelna do března")]
    assertContains(response, czech("The flat is now “%(status)s”.", status=czech("Under repair")))
    assertContains(response, "Nová koupelna do března")


def test_flat_status_does_not_offer_the_current_status(client, social_worker, testov):
    flat = FlatFactory(municipality=testov, status=FlatStatus.LET)
    client.force_login(social_worker)

    response = client.post(reverse("housing:flat-status", args=[flat.pk]), {"status": "let"})

    assert [value for value, _ in response.context["form"].fields["status"].choices] == [
        "free",
        "reserved",
        "under_repair",
        "withdrawn",
    ]
    assert history_of(flat) == []


# --- The list ----------------------------------------------------------------------------------


@pytest.fixture
def inventory(testov, lhota, jinde):
    """Four flats in the KMB's ORP and one elsewhere, each different in one respect."""
    return {
        "husova": FlatFactory(municipality=testov, street="Husova", rent=Decimal("5000")),
        "lhota": FlatFactory(
            municipality=lhota,
            street="Lipová",
            disposition="1+kk",
            rooms=1,
            technical_state=TechnicalState.POOR,
            rent=Decimal("4000"),
        ),
        "garant": FlatFactory(
            municipality=testov,
            street="Zahradní",
            kind=FlatKind.GUARANTEED,
            program=Program.CRISIS,
            status=FlatStatus.LET,
            rent=Decimal("9000"),
        ),
        "bezbar": FlatFactory(
            municipality=testov, street="Polní", barrier_free=True, rent=Decimal("7000")
        ),
        "jinde": FlatFactory(municipality=jinde, street="Husova"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["lhota", "husova", "bezbar", "garant"]),
        ({"street": "husov"}, ["husova"]),
        ({"municipality": "lhota"}, ["lhota"]),
        ({"disposition": "1+kk"}, ["lhota"]),
        ({"kind": "guaranteed"}, ["garant"]),
        ({"program": "crisis"}, ["garant"]),
        ({"technical_state": "poor"}, ["lhota"]),
        ({"status": "let"}, ["garant"]),
        ({"barrier_free": "on"}, ["bezbar"]),
        ({"order": "-rent"}, ["garant", "bezbar", "husova", "lhota"]),
        ({"status": "free", "order": "rent"}, ["lhota", "husova", "bezbar"]),
    ],
)
def test_flat_list_filters_the_flats_of_the_territory(
    client, social_worker, inventory, lhota, query, expected
):
    if "municipality" in query:
        query = {**query, "municipality": lhota.pk}
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-list"), query)

    assert listed(response) == [inventory[name] for name in expected]


def test_flat_list_offers_only_the_municipalities_it_shows(
    client, social_worker, inventory, testov, lhota
):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-list"))

    assert list(response.context["filter"].filters["municipality"].queryset) == [lhota, testov]


def test_flat_list_links_exports_with_the_current_filter(client, social_worker, inventory):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-list"), {"status": "free", "page": "1"})

    export = reverse("housing:flat-export")
    assertContains(response, f'href="{export}?status=free&amp;format=csv"')
    assertContains(response, f'href="{export}?status=free&amp;format=xlsx"')
    assertContains(response, f'href="{reverse("housing:flat-import")}"')


def test_flat_list_has_no_export_or_import_for_the_administrator(client, administrator, inventory):
    client.force_login(administrator)

    response = client.get(reverse("housing:flat-list"))

    assert len(listed(response)) == 5
    assertNotContains(response, reverse("housing:flat-export"))
    assertNotContains(response, reverse("housing:flat-import"))


def test_flat_list_without_flats_says_what_to_do(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-list"))

    assertContains(
        response,
        czech(
            "No flats are recorded for your territory yet. Add the flats the municipalities "
            "and owners offer, one by one or from a spreadsheet."
        ),
    )
    assertContains(response, f'href="{reverse("housing:flat-create")}"')


def test_flat_list_with_nothing_matching_says_so(client, social_worker, inventory):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-list"), {"street": "Neexistující"})

    assertContains(
        response, czech("No flat matches these filters. Clear the filters or choose fewer of them.")
    )


def test_flat_list_answers_htmx_with_the_results_only(client, social_worker, inventory):
    client.force_login(social_worker)

    response = client.get(
        reverse("housing:flat-list"), {"street": "Husova"}, HTTP_HX_REQUEST="true"
    )

    assert response.content.decode().lstrip().startswith("<div")
    assertNotContains(response, "<form")
    assertContains(response, "Husova")


# Session, user, the user's organisation (menu), count, the filter's municipality choices, the page
# of flats with municipalities and owners, session save (3).
FLAT_LIST_QUERIES = 10


@pytest.mark.parametrize("flats", [1, 3])
def test_flat_list_query_count_is_constant(
    client, social_worker, testov, django_assert_num_queries, flats
):
    FlatFactory.create_batch(flats, municipality=testov)
    client.force_login(social_worker)

    with django_assert_num_queries(FLAT_LIST_QUERIES):
        response = client.get(reverse("housing:flat-list"))

    assert len(listed(response)) == flats


# --- The summary -------------------------------------------------------------------------------


def test_flat_summary_counts_the_flats_of_the_territory(client, social_worker, inventory, lhota):
    FlatFactory(municipality=lhota, status=FlatStatus.UNDER_REPAIR, disposition="3+1", rooms=3)
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-summary"))

    context = response.context
    #                                       free reserved let repair withdrawn
    assert context["by_municipality"] == [
        ("Lhota", [1, 0, 0, 1, 0], 2),
        ("Testov", [2, 0, 1, 0, 0], 3),
    ]
    assert context["status_totals"] == [3, 0, 1, 1, 0]
    assert context["total"] == 5
    breakdowns = {slug: dict(rows) for _, slug, rows in context["breakdowns"]}
    assert breakdowns["by-disposition"] == {
        "1+kk": 1,
        "1+1": 0,
        "2+kk": 0,
        "2+1": 3,
        "3+kk": 0,
        "3+1": 1,
        "4+kk": 0,
        "4+1": 0,
        czech("5 rooms or more"): 0,
    }
    assert breakdowns["by-program"] == {
        czech("Social flat"): 4,
        czech("Housing First"): 0,
        czech("Guaranteed housing"): 0,
        czech("Crisis flat"): 1,
        czech("Supported municipal housing"): 0,
        czech("Standard municipal flat"): 0,
    }
    assert breakdowns["by-technical-state"] == {
        czech("Good"): 4,
        czech("Fair"): 0,
        czech("Poor"): 1,
        czech("Unfit for living"): 0,
    }


def test_flat_summary_of_the_housing_department_counts_its_municipality(
    client, housing_department, inventory
):
    client.force_login(housing_department)

    response = client.get(reverse("housing:flat-summary"))

    assert response.context["by_municipality"] == [("Testov", [2, 0, 1, 0, 0], 3)]


def test_flat_summary_without_flats_says_what_to_do(client, social_worker):
    client.force_login(social_worker)

    response = client.get(reverse("housing:flat-summary"))

    assertContains(response, 'data-testid="empty-summary"')
    assert response.context["total"] == 0


# --- Photos ------------------------------------------------------------------------------------


def test_photo_create_stores_the_photo_and_serves_it_to_who_sees_the_flat(
    client, social_worker, housing_department, testov, media
):
    flat = FlatFactory(municipality=testov)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:photo-create", args=[flat.pk]),
        {"image": SimpleUploadedFile("kuchyn.png", png(), "image/png"), "caption": "Kuchyň"},
    )

    assertRedirects(response, flat.get_absolute_url())
    photo = FlatPhoto.objects.get()
    assert (photo.flat, photo.caption) == (flat, "Kuchyň")
    client.force_login(housing_department)
    served = client.get(reverse("housing:photo", args=[photo.pk]))
    assert b"".join(served.streaming_content) == png()
    assert served["Content-Type"] == "image/png"
    page = client.get(flat.get_absolute_url())
    assertContains(page, f'src="{reverse("housing:photo", args=[photo.pk])}"')


@pytest.mark.parametrize("who", ["other_kmb", "other_department"])
def test_photo_is_hidden_from_who_does_not_see_the_flat(
    client, testov, lhota, other_kmb_office, media, who
):
    photo = FlatPhoto.objects.create(
        flat=FlatFactory(municipality=testov),
        image=SimpleUploadedFile("pokoj.png", png(), "image/png"),
    )
    outsider = {
        "other_kmb": lambda: UserFactory(organisation=other_kmb_office),
        "other_department": lambda: UserFactory(
            housing_department=True,
            organisation=OrganisationFactory(municipal=True, municipality=lhota),
        ),
    }[who]()
    client.force_login(outsider)

    response = client.get(reverse("housing:photo", args=[photo.pk]))

    assert response.status_code == 404


def test_photo_refuses_post(client, social_worker, testov, media):
    photo = FlatPhoto.objects.create(
        flat=FlatFactory(municipality=testov),
        image=SimpleUploadedFile("pokoj.png", png(), "image/png"),
    )
    client.force_login(social_worker)

    response = client.post(reverse("housing:photo", args=[photo.pk]))

    assert response.status_code == 405


def test_photo_create_refuses_a_photo_over_5_mb(client, social_worker, testov, media):
    flat = FlatFactory(municipality=testov)
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 1400), "white").save(buffer, format="BMP")
    size = len(buffer.getvalue())
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:photo-create", args=[flat.pk]),
        {"image": SimpleUploadedFile("velka.bmp", buffer.getvalue(), "image/bmp")},
    )

    assert size > MAX_PHOTO_BYTES
    with translation.override("cs"):
        expected = gettext(
            "The photo is too large (%(size)s). Upload a photo of at most %(max)s."
        ) % {"size": filesizeformat(size), "max": filesizeformat(MAX_PHOTO_BYTES)}
    assert field_error(response, "image") == expected
    assert FlatPhoto.objects.count() == 0


def test_photo_create_refuses_a_file_that_is_not_an_image(client, social_worker, testov, media):
    flat = FlatFactory(municipality=testov)
    client.force_login(social_worker)

    response = client.post(
        reverse("housing:photo-create", args=[flat.pk]),
        {"image": SimpleUploadedFile("smlouva.png", b"%PDF-1.4", "image/png")},
    )

    assert field_error(response, "image") == czech(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    )
    assert FlatPhoto.objects.count() == 0


# --- The flat's page ---------------------------------------------------------------------------


@pytest.fixture
def let_flat(testov, kmb_office):
    """A flat let to the Nováks (a case of the KMB) after an earlier tenant moved out."""
    flat = FlatFactory(municipality=testov, status=FlatStatus.LET)
    earlier = CaseFactory(household__kmb=kmb_office, applicant__last_name="Dvořák")
    LeaseFactory(
        flat=flat,
        household=earlier.household,
        start_on=TODAY - datetime.timedelta(days=800),
        end_on=TODAY - datetime.timedelta(days=436),
        ended_on=TODAY - datetime.timedelta(days=500),
        end_reason=LeaseEndReason.STANDARD_LEASE,
    )
    case = CaseFactory(
        household__kmb=kmb_office,
        applicant__first_name="Žofie",
        applicant__last_name="Zlatohlávková",
    )
    lease = LeaseFactory(flat=flat, household=case.household)
    GuaranteeFactory(lease=lease, cap=Decimal("24000.00"))
    return flat


def test_flat_detail_names_the_tenants_for_their_kmb(client, social_worker, let_flat):
    client.force_login(social_worker)

    response = client.get(let_flat.get_absolute_url())

    newest, earlier = response.context["leases"]
    case = newest.household.cases.get()
    assertInHTML(
        f'<a href="{case.get_absolute_url()}">Žofie Zlatohlávková</a>', response.content.decode()
    )
    assert earlier.tenant.name.endswith("Dvořák")
    assertContains(response, czech("Moved to a standard lease"))
    guarantee = newest.guarantees.get()
    assertContains(response, f'href="{guarantee.get_absolute_url()}"')


def test_flat_detail_shows_the_housing_department_households_by_number_only(
    client, housing_department, let_flat
):
    client.force_login(housing_department)

    response = client.get(let_flat.get_absolute_url())

    newest, earlier = response.context["leases"]
    assertNotContains(response, "Zlatohlávková")
    assertNotContains(response, "Dvořák")
    assertNotContains(response, "/cases/")
    assertContains(response, czech("Household no. %(number)s", number=newest.household.pk))
    assertContains(response, czech("Household no. %(number)s", number=earlier.household.pk))


@pytest.mark.parametrize(
    ("status", "shown"),
    [(FlatStatus.FREE, True), (FlatStatus.RESERVED, True), (FlatStatus.LET, False)],
)
def test_flat_detail_offers_a_new_lease_for_a_free_or_reserved_flat(
    client, social_worker, testov, status, shown
):
    flat = FlatFactory(municipality=testov, status=status)
    client.force_login(social_worker)

    response = client.get(flat.get_absolute_url())

    new_lease = f'href="{reverse("housing:lease-create", args=[flat.pk])}"'
    assert (new_lease in response.content.decode()) is shown


def test_flat_detail_offers_no_new_lease_to_the_administrator(client, administrator, testov):
    flat = FlatFactory(municipality=testov)
    client.force_login(administrator)

    response = client.get(flat.get_absolute_url())

    assertNotContains(response, reverse("housing:lease-create", args=[flat.pk]))
    assertNotContains(response, reverse("housing:flat-edit", args=[flat.pk]))


def test_flat_detail_without_leases_says_what_to_do(client, social_worker, testov):
    flat = FlatFactory(municipality=testov)
    client.force_login(social_worker)

    response = client.get(flat.get_absolute_url())

    assertContains(
        response,
        czech(
            "No lease has been signed for this flat yet. When a household moves in, record its "
            "lease with “New lease”."
        ),
    )


# Session, user, the user's organisation (menu), the flat with its municipality, ORP, owner,
# realtor and NGO, its status changes, photos, leases with households, their guarantees, the
# tenants' applicants, their cases, session save (3).
FLAT_DETAIL_QUERIES = 16


@pytest.mark.parametrize("leases", [1, 3])
def test_flat_detail_query_count_is_constant(
    client, social_worker, testov, kmb_office, django_assert_num_queries, leases
):
    flat = FlatFactory(municipality=testov)
    for number in range(leases):
        start = TODAY - datetime.timedelta(days=400 * (number + 1))
        lease = LeaseFactory(
            flat=flat,
            household=CaseFactory(household__kmb=kmb_office).household,
            start_on=start,
            end_on=start + datetime.timedelta(days=364),
        )
        GuaranteeFactory(lease=lease)
    client.force_login(social_worker)
    ContentType.objects.clear_cache()  # the audited read looks the type up once per process

    with django_assert_num_queries(FLAT_DETAIL_QUERIES):
        response = client.get(flat.get_absolute_url())

    assert len(response.context["leases"]) == leases
