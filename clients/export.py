"""Subject-access export (GDPR art. 15): everything the system keeps about one client.

`collect_client_data` gathers it into one plain structure of dicts, lists, strings, booleans,
dates and Decimals; `render_json` and `render_pdf` turn that same structure into the two
downloads. Code-list labels are translated into the active language when collected, and the
codes are kept next to them for machines.
"""

import json
import operator
from collections import defaultdict
from decimal import Decimal
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import (
    Case,
    CaseStatusChange,
    Client,
    Consent,
    ConsentScope,
    Consultation,
    Debt,
    Household,
    RegisterRecord,
    RepaymentSchedule,
)
from kmb.audit.models import AccessLog

# Bookkeeping columns every save touches: listing them as "changed" would say nothing.
UNTRACKED_CHANGES = {"id", "created_at", "updated_at"}

# The pages that log reads of case-file records, named for the client (the log keeps URL names).
RECORD_FORMS = ["household", "member", "income", "benefit", "register", "measure"]
PAGE_TITLES = {
    "clients:case-detail": gettext_lazy("Case file"),
    "clients:client-export-json": gettext_lazy("Export of personal data (JSON)"),
    "clients:client-export-pdf": gettext_lazy("Export of personal data (PDF)"),
    "audit:history-detail": gettext_lazy("Change history"),
    **dict.fromkeys(
        ["clients:referral-outcome", *(f"clients:{form}-edit" for form in RECORD_FORMS)],
        gettext_lazy("Form in the case file"),
    ),
}


def collect_client_data(client: Client) -> dict:
    """The client's own data, their household's records and who read or changed them.

    A constant number of queries, however long the file."""
    household = (
        Household.objects.select_related("kmb", "permanent_residence")
        .prefetch_related("preferred_municipalities")
        .get(pk=client.household_id)
    )
    records = _records_of(household)
    return {
        "exported_at": timezone.localtime(),
        "kmb": _organisation(household.kmb),
        "client": _person(client),
        "household": _household(household),
        "members": [_member(member, client) for member in records["members"]],
        "housing_situations": [_situation(situation) for situation in records["situations"]],
        "incomes": [_income(income) for income in records["incomes"]],
        "benefits": [_benefit(benefit) for benefit in records["benefits"]],
        "cases": [_case(case) for case in records["cases"]],
        "consents": [_consent(consent) for consent in records["consents"]],
        "register_records": [_register_record(record) for record in records["register_records"]],
        "support_measures": [_support_measure(m) for m in records["support_measures"]],
        "debts": [_debt(debt) for debt in _debts_of(client)],
        "history": {
            "client": _history(client.history.select_related("history_user")),
            "household": _history(household.history.select_related("history_user")),
        },
        "access_log": _access_log(_read_about(client, household, records)),
    }


def render_json(data: dict, *, request) -> bytes:
    statement = {"exported_at": data["exported_at"], "exported_by": str(request.user), **data}
    return json.dumps(statement, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def render_pdf(data: dict, *, request) -> bytes:
    # WeasyPrint takes half a second to import: only the PDF export pays for it.
    from weasyprint import HTML

    html = render_to_string(
        "clients/export_pdf.html", {"data": data, "exported_by": request.user}, request=request
    )
    return HTML(string=html).write_pdf()


# --- Queries -----------------------------------------------------------------------------------


def _records_of(household: Household) -> dict[str, list]:
    consultations = Consultation.objects.select_related("by").prefetch_related(
        "topics", "referrals"
    )
    cases = (
        Case.objects.filter(household=household)
        .select_related("kmb", "case_manager")
        .prefetch_related(
            "reasons",
            Prefetch("status_changes", CaseStatusChange.objects.select_related("by")),
            Prefetch("consultations", consultations),
        )
    )
    return {
        "members": list(household.members.all()),
        "situations": list(household.situations.select_related("recorded_by")),
        "incomes": list(household.incomes.select_related("member")),
        "benefits": list(household.benefits.all()),
        "cases": list(cases),
        "consents": list(household.consents.select_related("given_by", "recipient")),
        "register_records": list(
            RegisterRecord.objects.filter(household=household).prefetch_related("changes")
        ),
        "support_measures": list(household.support_measures.all()),
    }


def _read_about(client: Client, household: Household, records: dict[str, list]) -> list:
    """The records whose reads concern the client: their own, and their household's (other
    members' own records are those members' data)."""
    consultations = [c for case in records["cases"] for c in case.consultations.all()]
    return [
        client,
        household,
        *records["cases"],
        *consultations,
        *[referral for c in consultations for referral in c.referrals.all()],
        *records["situations"],
        *records["incomes"],
        *records["benefits"],
        *records["consents"],
        *records["register_records"],
        *records["support_measures"],
    ]


def _access_log(objects: list) -> list[dict]:
    """Who opened a page showing any of `objects`, newest first."""
    types = ContentType.objects.get_for_models(*{type(obj) for obj in objects})
    read = {(types[type(obj)].pk, str(obj.pk)): obj for obj in objects}
    ids_by_type = defaultdict(list)
    for type_id, object_id in read:
        ids_by_type[type_id].append(object_id)
    about = reduce(
        operator.or_,
        (Q(content_type_id=t, object_id__in=ids) for t, ids in ids_by_type.items()),
    )
    entries = AccessLog.objects.filter(about).select_related("user", "organisation")
    return [_access(entry, read[entry.content_type_id, entry.object_id]) for entry in entries]


def _access(entry: AccessLog, obj) -> dict:
    return {
        "at": timezone.localtime(entry.at),
        "by": str(entry.user),
        "organisation": _name(entry.organisation),
        "record_type": str(capfirst(obj._meta.verbose_name)),
        "record": str(obj),
        "page": entry.view_name,
        "page_title": str(PAGE_TITLES.get(entry.view_name, entry.path)),
        "path": entry.path,
    }


# --- Records -----------------------------------------------------------------------------------


def _organisation(organisation) -> dict:
    return {
        "name": organisation.name,
        "ico": organisation.ico,
        "address": organisation.address,
        "email": organisation.email,
        "phone": organisation.phone,
    }


def _person(person: Client) -> dict:
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
        "birth_number": person.birth_number,
        "sex": _code(person.sex, person.get_sex_display()),
        "phone": person.phone,
        "email": person.email,
        "relationship": _code(person.relationship, person.get_relationship_display()),
        "dependent_child": person.dependent_child,
        "has_valid_id": person.has_valid_id,
        "created_at": timezone.localtime(person.created_at),
        "updated_at": timezone.localtime(person.updated_at),
    }


def _member(member: Client, client: Client) -> dict:
    # Other members' contacts and birth numbers are their own data, not the client's.
    return {
        "id": member.pk,
        "is_client": member.pk == client.pk,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date,
        "relationship": _code(member.relationship, member.get_relationship_display()),
        "dependent_child": member.dependent_child,
    }


def _household(household: Household) -> dict:
    return {
        "id": household.pk,
        "permanent_residence": household.permanent_residence_name,
        "address": household.address,
        "barrier_free": household.barrier_free,
        "support_intensity": _code(
            household.support_intensity, household.get_support_intensity_display()
        ),
        "pets": household.pets,
        "preferred_municipalities": [m.name for m in household.preferred_municipalities.all()],
        "needs_note": household.needs_note,
        "created_at": timezone.localtime(household.created_at),
        "updated_at": timezone.localtime(household.updated_at),
    }


def _situation(situation) -> dict:
    return {
        "since": situation.since,
        "ethos": _code(situation.ethos, situation.get_ethos_display()),
        "ethos_group": str(situation.ethos_group.label),
        "in_commercial_hostel": situation.in_commercial_hostel,
        "description": situation.description,
        "recorded_by": str(situation.recorded_by),
        "recorded_at": timezone.localtime(situation.recorded_at),
    }


def _income(income) -> dict:
    return {
        "kind": _code(income.kind, income.get_kind_display()),
        "member": str(income.member) if income.member else None,
        "monthly_amount": _money(income.monthly_amount),
        "since": income.since,
        "until": income.until,
    }


def _benefit(benefit) -> dict:
    return {
        "kind": _code(benefit.kind, benefit.get_kind_display()),
        "dssp_component": _code(benefit.dssp_component, benefit.get_dssp_component_display()),
        "mop_situation": _code(benefit.mop_situation, benefit.get_mop_situation_display()),
        "provider_name": benefit.provider_name,
        "state": _code(benefit.state, benefit.get_state_display()),
        "amount": _money(benefit.amount),
        "monthly": benefit.monthly,
        "applied_on": benefit.applied_on,
        "decided_on": benefit.decided_on,
        "until": benefit.until,
    }


def _case(case: Case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "kmb": case.kmb.name,
        "status": _code(case.status, case.get_status_display()),
        "case_manager": _name(case.case_manager),
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "close_reason": _code(case.close_reason, case.get_close_reason_display()),
        "reasons": [
            _code(entry.reason, entry.get_reason_display()) for entry in case.reasons.all()
        ],
        "status_changes": [
            {
                "at": timezone.localtime(change.changed_at),
                "from": _code(change.from_status, change.get_from_status_display()),
                "to": _code(change.to_status, change.get_to_status_display()),
                "by": str(change.by),
                "note": change.note,
            }
            for change in case.status_changes.all()
        ],
        "consultations": [_consultation(c) for c in case.consultations.all()],
    }


def _consultation(consultation: Consultation) -> dict:
    return {
        "date": consultation.date,
        "minutes": consultation.minutes,
        "channel": _code(consultation.channel, consultation.get_channel_display()),
        "by": str(consultation.by),
        "topics": [
            _code(entry.topic, entry.get_topic_display()) for entry in consultation.topics.all()
        ],
        "notes": consultation.notes,
        "recorded_at": timezone.localtime(consultation.created_at),
        "referrals": [
            {
                "kind": _code(referral.kind, referral.get_kind_display()),
                "recipient": referral.recipient,
                "outcome": _code(referral.outcome, referral.get_outcome_display()),
                "outcome_on": referral.outcome_on,
                "outcome_note": referral.outcome_note,
            }
            for referral in consultation.referrals.all()
        ],
    }


def _consent(consent: Consent) -> dict:
    return {
        "given_by": str(consent.given_by),
        "recipient_kind": _code(consent.recipient_kind, consent.get_recipient_kind_display()),
        "recipient": consent.recipient_label,
        "scope": [
            _code(code, ConsentScope(code).label)
            for code in consent.scope
            if code in ConsentScope.values
        ],
        "given_on": consent.given_on,
        "expires_on": consent.expires_on,
        "withdrawn_on": consent.withdrawn_on,
        "valid_today": consent.is_valid(),
        "note": consent.note,
    }


def _register_record(record: RegisterRecord) -> dict:
    return {
        "stage": str(record.stage),
        "applied_on": record.applied_on,
        "assessed_on": record.assessed_on,
        "assessment_findings": record.assessment_findings,
        "opinion_on": record.opinion_on,
        "opinion_outcome": _code(record.opinion_outcome, record.get_opinion_outcome_display()),
        "opinion_reference": record.opinion_reference,
        "entered_on": record.entered_on,
        "valid_until": record.valid_until,
        "special_vulnerability": record.special_vulnerability,
        "vulnerability_note": record.vulnerability_note,
        "changes": [
            {"on": change.changed_on, "description": change.description}
            for change in record.changes.all()
        ],
    }


def _support_measure(measure) -> dict:
    return {
        "kind": _code(measure.kind, measure.get_kind_display()),
        "since": measure.since,
        "until": measure.until,
    }


def _debts_of(client: Client) -> list:
    schedules = RepaymentSchedule.objects.prefetch_related("payments")
    return list(
        Debt.objects.filter(debtor=client)
        .select_related("creditor_municipality")
        .prefetch_related(Prefetch("schedules", schedules))
    )


def _debt(debt) -> dict:
    return {
        "creditor": debt.creditor_label,
        "creditor_kind": _code(debt.creditor_kind, debt.get_creditor_kind_display()),
        "original_amount": debt.original_amount,
        "current_amount": debt.current_amount,
        "since": debt.since,
        "state": _code(debt.state, debt.get_state_display()),
        "confirmed_by": debt.confirmed_by,
        "confirmed_on": debt.confirmed_on,
        "schedules": [
            {
                "total": schedule.total,
                "instalment": schedule.instalment,
                "first_due_on": schedule.first_due_on,
                "planned_end_on": schedule.planned_end_on,
                "ended_on": schedule.ended_on,
                "payments": [
                    {"paid_on": payment.paid_on, "amount": payment.amount}
                    for payment in schedule.payments.all()
                ],
            }
            for schedule in debt.schedules.all()
        ],
    }


def _history(records) -> list[dict]:
    """Each save of the record: when, by whom, and which fields it changed (compared with the
    previous save in memory, so without a query per row)."""
    rows = list(records.order_by("history_date", "history_id"))
    labels = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    return [
        {
            "at": timezone.localtime(row.history_date),
            "by": _name(row.history_user),
            "type": _code(row.history_type, labels[row.history_type]),
            "changed_fields": _changed_fields(previous, row) if previous else [],
        }
        for previous, row in zip([None, *rows], rows, strict=False)
    ]


def _changed_fields(before, after) -> list[str]:
    return [
        str(field.verbose_name)
        for field in after.instance_type._meta.concrete_fields
        if field.name not in UNTRACKED_CHANGES
        and hasattr(after, field.attname)
        and getattr(before, field.attname) != getattr(after, field.attname)
    ]


# --- Values ------------------------------------------------------------------------------------


def _code(code: str, label) -> dict | None:
    """A code-list value: its stable code and its label in the active language."""
    return {"code": code, "label": str(label)} if code else None


def _money(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(Decimal("0.01"))


def _name(obj) -> str | None:
    return str(obj) if obj else None
