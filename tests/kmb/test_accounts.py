"""Staff accounts and organisations: who may add whom, what is saved, what the user is told."""

import html
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pytest_django.asserts import assertContains, assertInHTML

from kmb.accounts.models import Organisation, Role, User
from tests.factories.accounts import OrganisationFactory, OrpFactory, UserFactory

NEW_PASSWORD = "Zelene-Okno-Na-Nabrezi-7"
INVALID_CHOICE = "Vyberte platnou možnost. Tato není k dispozici."


def new_staff_member_data(organisation, **overrides):
    return {
        "first_name": "Jana",
        "last_name": "Nováková",
        "username": "novakova",
        "email": "jana.novakova@example.cz",
        "phone": "+420 601 234 567",
        "role": Role.SOCIAL_WORKER,
        "organisation": organisation.pk,
        "is_active": "on",
        **overrides,
    }


def edit_data(user, **changes):
    """The user form as the browser sends it back unchanged, with `changes` applied."""
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "organisation": user.organisation_id or "",
        "is_active": "on" if user.is_active else "",
        **changes,
    }
    return {name: value for name, value in data.items() if value != ""}


def field_block(page: str, name: str) -> str:
    """The rendered markup of one form field: its label, input, help and errors."""
    return page.split(f'id="div_id_{name}"', 1)[1].split('id="div_id_', 1)[0]


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- Adding staff ------------------------------------------------------------------------------


def test_user_create_by_manager_saves_user_without_password_and_mails_one_link(
    client, manager, kmb_office, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user-create"), new_staff_member_data(kmb_office))

    user = User.objects.get(username="novakova")
    assert response.url == reverse("accounts:user-detail", args=[user.pk])
    assert (user.get_full_name(), user.email, user.phone, user.role, user.organisation) == (
        "Jana Nováková",
        "jana.novakova@example.cz",
        "+420 601 234 567",
        Role.SOCIAL_WORKER,
        kmb_office,
    )
    assert user.is_active
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jana.novakova@example.cz"]
    assert mailoutbox[0].subject == "Váš účet v systému KMB"
    assert "Vaše uživatelské jméno je „novakova“." in mailoutbox[0].body
    assert link_in(mailoutbox[0]).startswith(
        f"/accounts/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
    )


def test_user_create_tells_the_manager_an_e_mail_is_on_its_way(
    client, manager, kmb_office, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user-create"), new_staff_member_data(kmb_office), follow=True
        )

    assertContains(
        response,
        "Účet pro Jana Nováková je založen; e-mailem přijde odkaz pro nastavení hesla.",
    )


def test_invitation_link_lets_the_new_user_set_a_password_and_log_in_once(
    client, manager, kmb_office, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), new_staff_member_data(kmb_office))
    client.logout()
    link = link_in(mailoutbox[0])
    user = User.objects.get(username="novakova")

    form_page = client.get(link, follow=True)
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    login = log_in(client, "novakova", NEW_PASSWORD)

    assertContains(form_page, "Nastavení nového hesla")
    assert set_password.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert login.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assertContains(
        client.get(link, follow=True),
        "Tento odkaz už byl použit nebo vypršela jeho platnost. Požádejte o nový.",
    )


def test_invited_user_with_an_expired_link_can_ask_for_a_new_one(
    client, manager, kmb_office, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-create"), new_staff_member_data(kmb_office))
    client.logout()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "jana.novakova@example.cz"})

    assert response.url == reverse("password_reset_done")
    assert [message.to for message in mailoutbox] == [["jana.novakova@example.cz"]]


def test_user_create_by_manager_refuses_the_administrator_role(
    client, manager, kmb_office, mailoutbox
):
    client.force_login(manager)
    users_before = set(User.objects.values_list("username", flat=True))

    response = client.post(
        reverse("accounts:user-create"),
        new_staff_member_data(kmb_office, role=Role.ADMINISTRATOR),
    )

    assert response.context["form"].errors == {
        "role": ['Vyberte platnou možnost, "administrator" není k dispozici.']
    }
    assert set(User.objects.values_list("username", flat=True)) == users_before
    assert mailoutbox == []


def test_user_create_by_manager_refuses_another_organisation(
    client, manager, other_kmb_office, mailoutbox
):
    client.force_login(manager)

    response = client.post(reverse("accounts:user-create"), new_staff_member_data(other_kmb_office))

    errors = response.context["form"].errors
    assert list(errors) == ["organisation"]
    assert errors["organisation"][0] == INVALID_CHOICE
    assert not User.objects.filter(username="novakova").exists()
    assert mailoutbox == []


def test_user_form_reports_an_unavailable_organisation_once(client, manager, other_kmb_office):
    client.force_login(manager)

    response = client.post(reverse("accounts:user-create"), new_staff_member_data(other_kmb_office))

    assert response.context["form"].errors == {"organisation": [INVALID_CHOICE]}


def test_user_create_manager_is_offered_only_own_organisation_and_kmb_roles(
    client, manager, kmb_office, other_kmb_office
):
    client.force_login(manager)

    form = client.get(reverse("accounts:user-create")).context["form"]

    assert list(form.fields["organisation"].queryset) == [kmb_office]
    assert [value for value, _label in form.fields["role"].choices] == [
        Role.SOCIAL_WORKER,
        Role.MANAGER,
    ]


def test_user_create_refuses_role_outside_its_organisation_kind(
    client, administrator, kmb_office, mailoutbox
):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user-create"),
        new_staff_member_data(kmb_office, role=Role.HOUSING_DEPARTMENT),
    )

    message = "Uživatel s rolí „Bytový odbor“ musí patřit k organizaci typu: Obec."
    assert response.context["form"].errors == {"organisation": [message]}
    assert message in field_block(response.content.decode(), "organisation")
    assert not User.objects.filter(username="novakova").exists()
    assert mailoutbox == []


def test_user_create_by_administrator_places_housing_department_in_a_municipality(
    client, administrator, django_capture_on_commit_callbacks
):
    town_hall = OrganisationFactory(municipal=True)
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:user-create"),
            new_staff_member_data(town_hall, role=Role.HOUSING_DEPARTMENT),
        )

    user = User.objects.get(username="novakova")
    assert (user.role, user.organisation) == (Role.HOUSING_DEPARTMENT, town_hall)


# --- Editing staff -----------------------------------------------------------------------------


def test_user_edit_writes_one_history_row_naming_the_editor_and_the_changed_fields(
    client, manager, social_worker
):
    client.force_login(manager)
    rows_before = social_worker.history.count()

    response = client.post(
        reverse("accounts:user-edit", args=[social_worker.pk]),
        edit_data(social_worker, last_name="Dvořáková", phone="777 123 456"),
    )

    assert response.url == reverse("accounts:user-detail", args=[social_worker.pk])
    social_worker.refresh_from_db()
    assert (social_worker.last_name, social_worker.phone) == ("Dvořáková", "777 123 456")
    assert social_worker.history.count() == rows_before + 1
    record = social_worker.history.latest()
    assert (record.history_type, record.history_user) == ("~", manager)
    delta = record.diff_against(record.prev_record)
    assert sorted(change.field for change in delta.changes) == ["last_name", "phone"]


def test_user_edit_confirms_the_save_on_the_detail_page(client, manager, social_worker):
    client.force_login(manager)

    response = client.post(
        reverse("accounts:user-edit", args=[social_worker.pk]),
        edit_data(social_worker, last_name="Dvořáková"),
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("accounts:user-detail", args=[social_worker.pk]), 302)
    ]
    assertContains(response, "Změny byly uloženy.")
    assertContains(response, f"{social_worker.first_name} Dvořáková")


def test_user_edit_deactivating_keeps_the_account_and_stops_its_logins(
    client, manager, social_worker
):
    client.force_login(manager)

    response = client.post(
        reverse("accounts:user-edit", args=[social_worker.pk]),
        edit_data(social_worker, is_active=""),
        follow=True,
    )

    social_worker.refresh_from_db()
    assert social_worker.is_active is False
    assertInHTML(
        '<dt class="col-sm-3">Stav</dt><dd class="col-sm-9">deaktivován</dd>',
        response.content.decode(),
    )
    client.logout()
    login = log_in(client, social_worker.username, "kmb-demo-2026")
    assert "_auth_user_id" not in client.session
    assertContains(
        login,
        "Zadejte správnou hodnotu pole uživatelské jméno a heslo. "
        "Pozor, obě pole mohou rozlišovat malá a velká písmena.",
    )


def test_user_edit_deactivates_a_member_of_a_closed_organisation(client, administrator):
    provider = OrganisationFactory(provider=True)
    member = UserFactory(username="poskytovatel2", provider_staff=True, organisation=provider)
    provider.is_active = False
    provider.save()
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:user-edit", args=[member.pk]), edit_data(member, is_active="")
    )

    member.refresh_from_db()
    assert (member.is_active, member.organisation) == (False, provider)
    assert response.url == reverse("accounts:user-detail", args=[member.pk])


def test_user_edit_by_manager_cannot_move_a_colleague_to_another_organisation(
    client, manager, social_worker, kmb_office, other_kmb_office
):
    client.force_login(manager)

    response = client.post(
        reverse("accounts:user-edit", args=[social_worker.pk]),
        edit_data(social_worker, organisation=other_kmb_office.pk),
    )

    assert response.context["form"].errors == {"organisation": [INVALID_CHOICE]}
    social_worker.refresh_from_db()
    assert social_worker.organisation == kmb_office


# --- Password links ----------------------------------------------------------------------------


def test_user_send_password_link_mails_the_user_a_working_link(
    client, manager, social_worker, mailoutbox
):
    client.force_login(manager)

    response = client.post(
        reverse("accounts:user-send-password-link", args=[social_worker.pk]), follow=True
    )

    assert response.redirect_chain == [
        (reverse("accounts:user-detail", args=[social_worker.pk]), 302)
    ]
    assertContains(response, "Odkaz pro nastavení hesla byl odeslán na socialni@example.cz.")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["socialni@example.cz"]
    uidb64, token = link_in(mailoutbox[0]).split("/")[3:5]
    assert uidb64 == urlsafe_base64_encode(force_bytes(social_worker.pk))
    assert default_token_generator.check_token(social_worker, token)


def test_user_send_password_link_without_e_mail_address_says_so(
    client, manager, kmb_office, mailoutbox
):
    colleague = UserFactory(username="bezmailu", email="", organisation=kmb_office)
    client.force_login(manager)

    response = client.post(
        reverse("accounts:user-send-password-link", args=[colleague.pk]), follow=True
    )

    assertContains(response, "Tento uživatel nemá e-mailovou adresu; nejdřív ji doplňte.")
    assert mailoutbox == []


def test_user_send_password_link_refuses_get(client, manager, social_worker, mailoutbox):
    client.force_login(manager)

    response = client.get(reverse("accounts:user-send-password-link", args=[social_worker.pk]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert mailoutbox == []


# --- Own profile -------------------------------------------------------------------------------


def test_profile_saves_own_name_but_not_a_role(client, social_worker, kmb_office):
    client.force_login(social_worker)

    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Petra",
            "last_name": "Svobodová",
            "email": "petra.svobodova@example.cz",
            "phone": "606 111 222",
            "role": Role.ADMINISTRATOR,
            "organisation": "",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("accounts:profile"), 302)]
    assertContains(response, "Vaše údaje byly uloženy.")
    social_worker.refresh_from_db()
    assert (
        social_worker.get_full_name(),
        social_worker.email,
        social_worker.phone,
        social_worker.role,
        social_worker.organisation,
    ) == (
        "Petra Svobodová",
        "petra.svobodova@example.cz",
        "606 111 222",
        Role.SOCIAL_WORKER,
        kmb_office,
    )


def test_profile_keeps_the_e_mail_address_required(client, social_worker):
    client.force_login(social_worker)

    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Petra", "last_name": "Svobodová", "email": "", "phone": ""},
    )

    social_worker.refresh_from_db()
    assert social_worker.email == "socialni@example.cz"
    assert response.context["form"].errors == {"email": ["Toto pole je třeba vyplnit."]}


# --- Organisations -----------------------------------------------------------------------------


def organisation_data(**overrides):
    return {
        "name": "KMB Horní Dolní",
        "kind": Organisation.Kind.KMB,
        "ico": "00262978",
        "orp": OrpFactory(name="Horní Dolní").pk,
        "email": "kmb@hornidolni.cz",
        "phone": "485 000 111",
        "address": "Náměstí 1, 460 01 Horní Dolní",
        "is_active": "on",
        **overrides,
    }


def test_organisation_create_by_administrator_saves_a_kmb(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:organisation-create"), organisation_data())

    organisation = Organisation.objects.get(name="KMB Horní Dolní")
    assert response.url == reverse("accounts:organisation-detail", args=[organisation.pk])
    assert (
        organisation.kind,
        organisation.ico,
        organisation.orp.name,
        organisation.municipality,
        organisation.email,
        organisation.is_active,
    ) == (Organisation.Kind.KMB, "00262978", "Horní Dolní", None, "kmb@hornidolni.cz", True)


@pytest.mark.parametrize(
    ("ico", "language", "message"),
    [
        ("00262979", "cs", "Toto IČO není platné: zkontrolujte prosím číslice."),
        ("00262979", "en", "This ID number (IČO) is not valid: please check the digits."),
        ("0026297", "cs", "IČO má přesně osm číslic."),
        ("0026297A", "cs", "IČO má přesně osm číslic."),
    ],
    ids=["checksum-cs", "checksum-en", "seven-digits", "letter"],
)
def test_organisation_create_refuses_an_invalid_ico(client, administrator, ico, language, message):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:organisation-create"),
        organisation_data(ico=ico),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.context["form"].errors == {"ico": [message]}
    assert not Organisation.objects.filter(name="KMB Horní Dolní").exists()


def test_organisation_create_refuses_a_kmb_without_an_orp(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("accounts:organisation-create"), organisation_data(orp=""))

    message = "KMB musí mít přiřazenou ORP, kterou obsluhuje."
    assert response.context["form"].errors == {"orp": [message]}
    assert message in field_block(response.content.decode(), "orp")
    assert not Organisation.objects.filter(name="KMB Horní Dolní").exists()


def test_organisation_edit_by_administrator_saves_and_confirms(client, administrator, kmb_office):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:organisation-edit", args=[kmb_office.pk]),
        organisation_data(name="KMB Testov – Jih", orp=kmb_office.orp_id, ico=""),
        follow=True,
    )

    kmb_office.refresh_from_db()
    assert (kmb_office.name, kmb_office.ico, kmb_office.orp.name) == (
        "KMB Testov – Jih",
        "",
        "Testov",
    )
    assert response.redirect_chain == [
        (reverse("accounts:organisation-detail", args=[kmb_office.pk]), 302)
    ]
    assertContains(response, "Organizace byla uložena.")


# --- Query counts ------------------------------------------------------------------------------

# Session, user, the user's organisation (menu), count, the page of users with their
# organisations, session save (3).
USER_LIST_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 3])
def test_user_list_query_count_is_constant(client, db, django_assert_num_queries, rows):
    office = OrganisationFactory(name="KMB Počty")
    manager = UserFactory(username="pocty", manager=True, organisation=office)
    UserFactory.create_batch(rows - 1, organisation=office)
    client.force_login(manager)

    with django_assert_num_queries(USER_LIST_QUERIES):
        response = client.get(reverse("accounts:user-list"))

    assert len(response.context["page"].object_list) == rows


def test_user_list_manager_sees_only_own_organisation(
    client, manager, social_worker, other_kmb_office
):
    UserFactory(username="cizi", organisation=other_kmb_office)
    client.force_login(manager)

    response = client.get(reverse("accounts:user-list"))

    assert sorted(user.username for user in response.context["page"].object_list) == [
        "socialni",
        "vedouci",
    ]
    assertContains(response, f'<a href="{social_worker.get_absolute_url()}">{social_worker}</a>')


def test_user_list_next_page_link_opens_the_second_page(client, manager, kmb_office):
    UserFactory.create_batch(50, organisation=kmb_office)
    client.force_login(manager)
    first = client.get(reverse("accounts:user-list"))
    next_link = re.search(r'<a class="page-link" href="([^"]*)">Další</a>', first.content.decode())

    second = client.get(reverse("accounts:user-list") + html.unescape(next_link.group(1)))

    assert second.context["page"].number == 2
    assert len(second.context["page"].object_list) == 2


def test_user_list_pages_hold_fifty_staff(client, manager, kmb_office):
    UserFactory.create_batch(50, organisation=kmb_office)
    client.force_login(manager)

    second = client.get(reverse("accounts:user-list"), {"page": 2})

    assert (second.context["page"].number, len(second.context["page"].object_list)) == (2, 2)
    assertContains(second, "Strana 2 z 2")


def test_organisation_create_refuses_a_municipality_without_naming_it(client, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:organisation-create"),
        organisation_data(name="Město Horní Dolní", kind=Organisation.Kind.MUNICIPALITY, orp=""),
    )

    assert response.context["form"].errors == {"municipality": ["Vyberte obec."]}
    assert not Organisation.objects.filter(name="Město Horní Dolní").exists()


# Session, user, the user's organisation (menu), organisations with their ORP and municipality,
# session save (3).
ORGANISATION_LIST_QUERIES = 8


@pytest.mark.parametrize("rows", [1, 3])
def test_organisation_list_query_count_is_constant(client, db, django_assert_num_queries, rows):
    administrator = UserFactory(username="spravce", administrator=True)  # its own organisation
    OrganisationFactory.create_batch(rows - 1, municipal=True)
    client.force_login(administrator)

    with django_assert_num_queries(ORGANISATION_LIST_QUERIES):
        response = client.get(reverse("accounts:organisation-list"))

    assert len(response.context["organisations"]) == rows
