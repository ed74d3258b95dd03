"""The reporting pages (namespace "reports"); the home page stays in reports/urls.py."""

from django.urls import path

from reports import dashboard

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export.csv", dashboard.export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", dashboard.export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("monthly/", dashboard.issue, name="issue"),
    path("archive/", dashboard.issued_report_list, name="issued-report-list"),
    path(
        "archive/<int:pk>/download/",
        dashboard.issued_report_download,
        name="issued-report-download",
    ),
    path("targets/", dashboard.period_list, name="period-list"),
    path("targets/new/", dashboard.period_create, name="period-create"),
    path("targets/<int:pk>/", dashboard.period_detail, name="period-detail"),
    path("targets/<int:pk>/edit/", dashboard.period_edit, name="period-edit"),
    path("targets/<int:pk>/set/", dashboard.period_targets, name="period-targets"),
]
