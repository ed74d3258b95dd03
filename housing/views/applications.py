"""The waiting list: a household is added from its case, parked until a date, taken off; the
list of waiting households and an application's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.models import Case, Ethos, HousingSituation, Relationship
from clients.models.people import applicant_field
from housing.matching_forms import ApplicationForm, NoteForm, ParkForm
from housing.models import ApplicationStatus, HousingApplication, Program
from housing.services import matching as services
from housing.views.matching import posted
from kmb import access
from kmb.access import Can
from kmb.audit.services import record_read
from kmb.lib.forms import add_errors

form_methods = require_http_methods(["GET", "POST"])


def _application_for(user, pk, *, write=False) -> HousingApplication:
    applications = HousingApplication.objects.select_related("household__kmb", "case")
    application = get_object_or_404(access.applications_visible_to(user, applications), pk=pk)
    if write and not access.may_change_case_file(user, application.household):
        raise PermissionDenied
    return application


@require_GET
@access.require(Can.VIEW_MATCHING)
def application_list(request):
    """The households waiting for a flat (parked ones too, marked), longest waiting first."""
    situation = HousingSituation.objects.filter(household=OuterRef("household")).order_by(
        "-since", "-pk"
    )
    applications = (
        access.applications_visible_to(request.user, HousingApplication.objects.all())
        .filter(status=ApplicationStatus.WAITING)
        .select_related("case")
        .annotate(
            applicant_first_name=applicant_field("first_name"),
            applicant_last_name=applicant_field("last_name"),
            current_ethos=Subquery(situation.values("ethos")[:1]),
        )
        .order_by("submitted_on", "pk")
    )
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    for application in page.object_list:
        ethos = application.current_ethos
        application.ethos_label = Ethos(ethos).label if ethos else ""
        application.program_labels = [Program(code).label for code in application.programs]
    context = {"page": page, "today": timezone.localdate()}
    return render(request, "housing/application_list.html", context)


@require_GET
@access.require(Can.VIEW_MATCHING)
def application_detail(request, pk):
    application = _application_for(request.user, pk)
    context = {
        "application": application,
        "applicant": application.household.members.filter(
            relationship=Relationship.APPLICANT
        ).first(),
        "programs": [Program(code).label for code in application.programs],
        "proposals": list(
            application.proposals.select_related("flat__municipality").order_by("-created_at")
        ),
        "may_change": access.may_change_case_file(request.user, application.household),
        "today": timezone.localdate(),
    }
    record_read(request=request, obj=application)
    return render(request, "housing/application_detail.html", context)


@form_methods
@access.require(Can.VIEW_MATCHING)
def application_create(request, pk):
    """Put the case's household on the waiting list."""
    user = request.user
    case = access.get_case_for(user, Case.objects.select_related("household"), pk, write=True)
    form = ApplicationForm(posted(request))

    def act(form):
        return services.add_to_waiting_list(case=case, by=user, **form.cleaned_data)

    crumbs = [(case.get_absolute_url(), case)]
    return _form_page(
        request,
        form,
        act=act,
        crumbs=crumbs,
        title=_("Add to the waiting list"),
        done=_("The household is on the waiting list."),
    )


@form_methods
@access.require(Can.VIEW_MATCHING)
def application_park(request, pk):
    user = request.user
    application = _application_for(user, pk, write=True)
    form = ParkForm(posted(request))
    return _form_page(
        request,
        form,
        act=lambda form: services.park(application=application, by=user, **form.cleaned_data),
        crumbs=[(application.get_absolute_url(), application)],
        title=_("Park the household"),
        done=_("The household is parked: it is not proposed a flat until the date."),
        application=application,
    )


@form_methods
@access.require(Can.VIEW_MATCHING)
def application_withdraw(request, pk):
    user = request.user
    application = _application_for(user, pk, write=True)
    form = NoteForm(posted(request))
    return _form_page(
        request,
        form,
        act=lambda form: services.withdraw_application(
            application=application, by=user, note=form.cleaned_data["note"]
        ),
        crumbs=[(application.get_absolute_url(), application)],
        title=_("Take off the waiting list"),
        done=_("The household has been taken off the waiting list."),
        application=application,
        intro=_("Live proposals of the household are withdrawn and the flats they hold are freed."),
    )


@require_POST
@access.require(Can.VIEW_MATCHING)
def application_unpark(request, pk):
    application = _application_for(request.user, pk, write=True)
    try:
        services.unpark(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The household may be proposed a flat again."))
    return redirect(application)


def _form_page(request, form, *, act, crumbs, title, done, application=None, intro=""):
    """Show `form`; when it is valid, `act(form)` (a service) and go to the application."""
    if request.method == "POST" and form.is_valid():
        try:
            target = act(form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(target)
    if application is not None:
        record_read(request=request, obj=application)
    crumbs = [(reverse("housing:application-list"), _("Waiting list")), *crumbs]
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "back": crumbs[-1][0],
        "intro": intro,
    }
    return render(request, "housing/application_form.html", context)
