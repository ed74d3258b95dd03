"""The decline reasons keep a change history, like the other lists a manager edits: who added,
reworded, retired or restored a reason, browsed on the audit's change history page."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from housing.models import DeclineParty, DeclineReason
from tests.factories.accounts import UserFactory
from tests.factories.matching import DeclineReasonFactory


def history_of(reason) -> list[tuple]:
    return list(
        reason.history.order_by("history_date", "history_id").values_list(
            "history_type", "text", "is_active", "history_user"
        )
    )


def test_the_managers_changes_of_a_reason_are_kept_with_who_made_them(client, manager):
    client.force_login(manager)

    client.post(
        reverse("housing:decline-reason-create"), {"party": "household", "text": "Daleko od školy"}
    )
    reason = DeclineReason.objects.get()
    client.post(
        reverse("housing:decline-reason-edit", args=[reason.pk]),
        {"text": "Byt je daleko od školy dětí"},
    )
    client.post(reverse("housing:decline-reason-retire", args=[reason.pk]))
    client.post(reverse("housing:decline-reason-restore", args=[reason.pk]))

    assert history_of(reason) == [
        ("+", "Daleko od školy", True, manager.pk),
        ("~", "Byt je daleko od školy dětí", True, manager.pk),
        ("~", "Byt je daleko od školy dětí", False, manager.pk),
        ("~", "Byt je daleko od školy dětí", True, manager.pk),
    ]


def test_the_manager_browses_the_reasons_history_with_the_other_changes(
    client, manager, kmb_office, other_kmb_office
):
    ours = DeclineReasonFactory(kmb=kmb_office, text="Daleko od školy")
    client.force_login(manager)
    client.post(reverse("housing:decline-reason-retire", args=[ours.pk]))
    outsider = UserFactory(manager=True, organisation=other_kmb_office)
    theirs = DeclineReasonFactory(kmb=other_kmb_office, party=DeclineParty.OWNER)
    client.force_login(outsider)
    client.post(reverse("housing:decline-reason-retire", args=[theirs.pk]))
    client.force_login(manager)

    response = client.get(reverse("audit:history"), {"model": "housing.declinereason"})

    assert [
        (record.history_object.pk, record.is_active, record.history_user)
        for record in response.context["page"].object_list
    ] == [(ours.pk, False, manager)]
    record = ours.history.latest()
    detail = client.get(
        reverse("audit:history-detail", args=["housing.declinereason", record.history_id])
    )
    assert [(change["old"], change["new"]) for change in detail.context["changes"]] == [
        (True, False)
    ]


@pytest.mark.django_db(transaction=True)
def test_migration_starts_the_history_of_the_reasons_already_listed():
    before = [("housing", "0007_status_change_by_a_job")]
    after = [("housing", "0008_decline_reason_history")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        orp = old.get_model("territory", "Orp").objects.create(name="Testov", code="9999")
        kmb = old.get_model("accounts", "Organisation").objects.create(
            name="KMB Testov", kind="kmb", orp=orp
        )
        reason = old.get_model("housing", "DeclineReason").objects.create(
            kmb=kmb, party="owner", text="Vlastník nechce děti", is_active=False
        )
        executor.loader.build_graph()

        executor.migrate(after)

        new = executor.loader.project_state(after).apps
        history = new.get_model("housing", "HistoricalDeclineReason").objects.values_list(
            "id", "history_type", "text", "is_active", "history_user", "history_date"
        )
        assert list(history) == [
            (reason.pk, "+", "Vlastník nechce děti", False, None, reason.created_at)
        ]
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
