"""The code list of municipalities, kept by the administrator."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML

from kmb.territory.models import Municipality
from tests.factories.accounts import MunicipalityFactory, OrpFactory, UserFactory


def municipality_data(orp, **overrides):
    return {"name": "Malá Lhota", "code": "563889", "orp": orp.pk, "population": 312, **overrides}


def test_municipality_create_by_administrator_saves_and_lists_it(client, administrator):
    orp = OrpFactory(name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"), municipality_data(orp), follow=True
    )

    municipality = Municipality.objects.get(orp=orp)
    assert (municipality.name, municipality.code, municipality.orp, municipality.population) == (
        "Malá Lhota",
        "563889",
        orp,
        312,
    )
    assert response.redirect_chain == [(reverse("territory:municipality-list"), 302)]
    assertContains(response, "Obec byla uložena.")
    edit_url = reverse("territory:municipality-edit", args=[municipality.pk])
    assertInHTML(
        f'<tr><td><a href="{edit_url}">Malá Lhota</a></td><td>563889</td>'
        '<td class="text-end">312</td></tr>',
        response.content.decode(),
    )


def test_municipality_edit_by_administrator_saves_with_history(client, administrator):
    municipality = MunicipalityFactory(
        name="Malá Lhota", code="563889", orp__name="Testov", population=312
    )
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-edit", args=[municipality.pk]),
        municipality_data(municipality.orp, code="", population=1250),
    )

    assert response.url == reverse("territory:municipality-list")
    municipality.refresh_from_db()
    assert (municipality.code, municipality.population) == ("", 1250)
    record = municipality.history.latest()
    assert (record.history_type, record.history_user) == ("~", administrator)
    assert sorted(c.field for c in record.diff_against(record.prev_record).changes) == [
        "code",
        "population",
    ]


def test_municipality_duplicate_name_in_the_same_orp_is_refused(client, administrator):
    existing = MunicipalityFactory(name="Malá Lhota", orp__name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"), municipality_data(existing.orp, code="")
    )

    assert response.context["form"].errors == {"__all__": ["V této ORP už obec s tímto názvem je."]}
    assert list(Municipality.objects.filter(orp=existing.orp)) == [existing]


def test_municipality_same_name_in_another_orp_is_allowed(client, administrator):
    # Czechia has dozens of municipalities called Nová Ves.
    MunicipalityFactory(name="Nová Ves", orp__name="Testov")
    other_orp = OrpFactory(name="Jinde")
    client.force_login(administrator)

    client.post(
        reverse("territory:municipality-create"),
        municipality_data(other_orp, name="Nová Ves", code=""),
    )

    assert sorted(Municipality.objects.filter(name="Nová Ves").values_list("orp__name")) == [
        ("Jinde",),
        ("Testov",),
    ]


def test_municipality_duplicate_code_is_refused(client, administrator):
    existing = MunicipalityFactory(name="Malá Lhota", code="563889", orp__name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"),
        municipality_data(existing.orp, name="Velká Lhota"),
    )

    assert response.context["form"].errors != {}
    assert list(Municipality.objects.filter(code="563889")) == [existing]


def test_municipality_duplicate_code_is_explained_in_words(client, administrator):
    existing = MunicipalityFactory(name="Malá Lhota", code="563889", orp__name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"),
        municipality_data(existing.orp, name="Velká Lhota"),
    )

    messages = [message for field in response.context["form"].errors.values() for message in field]
    assert len(messages) == 1
    assert "municipality_unique_code" not in messages[0]
    assert "ČSÚ" in messages[0]


def test_municipality_population_zero_is_refused(client, administrator):
    orp = OrpFactory(name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"), municipality_data(orp, population=0)
    )

    assert response.context["form"].errors == {
        "population": ["Hodnota musí být větší nebo rovna 1."]
    }
    assert not Municipality.objects.filter(orp=orp).exists()


def test_municipality_code_must_have_six_digits(client, administrator):
    orp = OrpFactory(name="Testov")
    client.force_login(administrator)

    response = client.post(
        reverse("territory:municipality-create"), municipality_data(orp, code="56388")
    )

    assert response.context["form"].errors == {"code": ["Kód má šest číslic (kód obce podle ČSÚ)."]}
    assert not Municipality.objects.filter(orp=orp).exists()


# Session, user, the user's organisation (menu), ORPs, their municipalities, session save (3).
MUNICIPALITY_LIST_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 3])
def test_municipality_list_query_count_is_constant(client, db, django_assert_num_queries, rows):
    administrator = UserFactory(username="spravce", administrator=True)
    for number in range(rows):
        MunicipalityFactory(name=f"Obec {number}", orp__name=f"ORP {number}")
    client.force_login(administrator)

    with django_assert_num_queries(MUNICIPALITY_LIST_QUERIES):
        response = client.get(reverse("territory:municipality-list"))

    assert [len(orp.municipalities.all()) for orp in response.context["orps"]] == [1] * rows
