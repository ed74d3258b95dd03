from django.urls import path

from clients.views import (
    cases,
    consents,
    consultations,
    debts,
    export,
    intake,
    records,
    register,
)

app_name = "clients"

urlpatterns = [
    path("cases/", cases.case_list, name="case-list"),
    path("cases/new/", intake.intake, name="intake"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/status/", cases.case_status, name="case-status"),
    path("cases/<int:pk>/assign/", cases.case_assign, name="case-assign"),
    path(
        "cases/<int:pk>/consultations/new/",
        consultations.consultation_create,
        name="consultation-create",
    ),
    path("referrals/<int:pk>/outcome/", consultations.referral_outcome, name="referral-outcome"),
    path("households/<int:pk>/edit/", records.household_edit, name="household-edit"),
    path("households/<int:pk>/members/new/", records.member_create, name="member-create"),
    path("members/<int:pk>/edit/", records.member_edit, name="member-edit"),
    path("households/<int:pk>/situation/new/", records.situation_create, name="situation-create"),
    path("households/<int:pk>/incomes/new/", records.income_create, name="income-create"),
    path("incomes/<int:pk>/edit/", records.income_edit, name="income-edit"),
    path("households/<int:pk>/benefits/new/", records.benefit_create, name="benefit-create"),
    path("benefits/<int:pk>/edit/", records.benefit_edit, name="benefit-edit"),
    path("households/<int:pk>/consents/new/", consents.consent_create, name="consent-create"),
    path("consents/<int:pk>/withdraw/", consents.consent_withdraw, name="consent-withdraw"),
    path("households/<int:pk>/register/new/", register.register_create, name="register-create"),
    path("register/<int:pk>/edit/", register.register_edit, name="register-edit"),
    path(
        "register/<int:pk>/changes/new/",
        register.register_change_create,
        name="register-change-create",
    ),
    path("households/<int:pk>/measures/new/", register.measure_create, name="measure-create"),
    path("measures/<int:pk>/edit/", register.measure_edit, name="measure-edit"),
    path("register/expiring/", register.register_expiring, name="register-expiring"),
    path("households/<int:pk>/debts/new/", debts.debt_create, name="debt-create"),
    path("debts/<int:pk>/edit/", debts.debt_edit, name="debt-edit"),
    path("debts/<int:pk>/schedule/new/", debts.schedule_create, name="schedule-create"),
    path("schedules/<int:pk>/", debts.schedule_detail, name="schedule-detail"),
    path("schedules/<int:pk>/payments/new/", debts.payment_create, name="payment-create"),
    path("debts/worklist/", debts.debt_worklist, name="debt-worklist"),
    path("debts/analysis/", debts.debt_analysis, name="debt-analysis"),
    path("clients/<int:pk>/export.json", export.client_export_json, name="client-export-json"),
    path("clients/<int:pk>/export.pdf", export.client_export_pdf, name="client-export-pdf"),
]
