"""The reporting pages: the dashboard of a month, its CSV and XLSX exports, issuing the monthly
PDF and its archive, and the project periods with their targets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kmb import access
from kmb.access import Can
from reports import exports, services
from reports.forms import AreaMonthForm, Choice, IssueForm, ProjectPeriodForm, TargetsForm
from reports.models import IssuedReport, ProjectPeriod
from reports.periods import Month
from reports.queries import Area
from reports.report import Report, area_label, build_report, targets_view


def _report_of(choice: Choice, *, anonymised: bool, links: bool = False) -> Report:
    name = area_label(
        orp_name=choice.orp_name, municipality=choice.municipality, anonymised=anonymised
    )
    kmb_name = choice.kmb.name if choice.kmb else ""
    return build_report(
        choice.area,
        choice.month,
        anonymised=anonymised,
        area_name=name,
        kmb_name=kmb_name,
        links=links,
    )


def _choice(request) -> tuple[AreaMonthForm, Choice | None]:
    form = AreaMonthForm(request.GET or None, user=request.user, default_month=Month.current())
    return form, form.choice()


# --- The dashboard and its exports -------------------------------------------------------------


@require_GET
@access.require(Can.VIEW_REPORTS)
def dashboard(request):
    form, choice = _choice(request)
    context = {"form": form, "choice": choice, "current_month": Month.current()}
    if choice is not None:
        context["report"] = _report_of(choice, anonymised=choice.anonymised, links=True)
        context["query"] = request.GET.urlencode()
    return render(request, "reports/dashboard.html", context)


@require_GET
@access.require(Can.VIEW_REPORTS)
def export(request, fmt: str):
    """Every table (or `?table=<code>`) of the anonymised report, as CSV or XLSX."""
    _form, choice = _choice(request)
    if choice is None:
        raise Http404
    report = _report_of(choice, anonymised=True)
    table = request.GET.get("table") or None
    if table is not None and table not in exports.table_codes(report):
        raise Http404
    stem = f"kmb-{slugify(report.area_label)}-{report.month}" + (f"-{table}" if table else "")
    if fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(report), content_type=exports.XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(
            exports.to_csv(report, table), content_type=exports.CSV_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# --- Issuing the monthly report and the archive -----------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require(Can.ISSUE_REPORTS)
def issue(request):
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        choice = form.choice()
        issued = services.issue_report(
            kmb=choice.kmb, month=choice.month, municipality=choice.municipality, by=request.user
        )
        messages.success(
            request,
            _("The monthly report has been issued and archived: %(area)s, %(month)s.")
            % {"area": issued.parameters["area"], "month": date_format(issued.month, "F Y")},
        )
        return redirect("reports:issued-report-list")
    return render(request, "reports/issue.html", {"form": form})


def _issued_reports(user):
    reports = IssuedReport.objects.select_related("kmb", "municipality", "issued_by")
    return access.issued_reports_visible_to(user, reports)


@require_GET
@access.require(Can.VIEW_REPORTS)
def issued_report_list(request):
    reports = _issued_reports(request.user).defer("pdf")
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    context = {"page": page, "can_issue": access.can(request.user, Can.ISSUE_REPORTS)}
    return render(request, "reports/issued_report_list.html", context)


@require_GET
@access.require(Can.VIEW_REPORTS)
def issued_report_download(request, pk):
    """The archived PDF, byte for byte as it was issued (its SHA-256 is on the archive page)."""
    report = get_object_or_404(_issued_reports(request.user), pk=pk)
    name = f"kmb-{slugify(report.kmb.name)}-{report.month:%Y-%m}-{report.pk}.pdf"
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Project periods and targets --------------------------------------------------------------


def _periods(user):
    if not access.may_view_targets(user):
        raise PermissionDenied
    return access.periods_visible_to(user, ProjectPeriod.objects.select_related("kmb"))


def _period_for(user, pk, *, write: bool = False) -> ProjectPeriod:
    period = get_object_or_404(_periods(user), pk=pk)
    if write and not access.can(user, Can.SET_TARGETS):
        raise PermissionDenied
    return period


@require_GET
def period_list(request):
    periods = _periods(request.user).annotate(target_count=Count("targets"))
    context = {"periods": periods, "can_set": access.can(request.user, Can.SET_TARGETS)}
    return render(request, "reports/period_list.html", context)


@require_GET
def period_detail(request, pk):
    period = _period_for(request.user, pk)
    month = min(Month.current(), Month.of(period.ends_on))
    progress = None
    if month >= Month.of(period.starts_on):
        progress = targets_view(period, Area.of(period.kmb), month)
    context = {
        "period": period,
        "progress": progress,
        "month": month,
        "can_set": access.can(request.user, Can.SET_TARGETS),
    }
    return render(request, "reports/period_detail.html", context)


@require_http_methods(["GET", "POST"])
@access.require(Can.SET_TARGETS)
def period_create(request):
    period = ProjectPeriod(kmb=request.user.organisation)
    form = ProjectPeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        period = form.save()
        messages.success(request, _("The project period has been created. Now set its targets."))
        return redirect("reports:period-targets", pk=period.pk)
    return render(request, "reports/period_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = _period_for(request.user, pk, write=True)
    form = ProjectPeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The project period has been saved."))
        return redirect(period)
    return render(request, "reports/period_form.html", {"form": form, "period": period})


@require_http_methods(["GET", "POST"])
def period_targets(request, pk):
    period = _period_for(request.user, pk, write=True)
    form = TargetsForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        services.set_targets(period=period, targets=form.targets(), by=request.user)
        messages.success(request, _("The targets have been saved."))
        return redirect(period)
    return render(request, "reports/period_targets.html", {"form": form, "period": period})
