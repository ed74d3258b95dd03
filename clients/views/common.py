"""What the case-file views share: scoped fetching and the one form page for household records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clients.models import Household
from kmb import access
from kmb.audit.services import record_read


def household_record_for(
    user, queryset, pk: int, *, write: bool = True, through: str = "household"
):
    """A record that belongs to a household (member, income, consent...), if the user may reach
    that household; with write=True, 403 unless they may change its file. `through` is the path
    from the record to its household."""
    visible = access.households_visible_to(user, Household.objects.all())
    record = get_object_or_404(queryset.filter(**{f"{through}__in": visible}), pk=pk)
    household = record
    for step in through.split("__"):
        household = getattr(household, step)
    if write and not access.may_change_case_file(user, household):
        raise PermissionDenied
    return record


def household_for(user, pk: int, *, write: bool = True) -> Household:
    return access.get_household_for(user, Household.objects.select_related("kmb"), pk, write=write)


def attach_to(household):
    """save(form) for a new record of `household`."""

    def save(form):
        form.instance.household = household
        return form.save()

    return save


def record_form_page(
    request, *, household, form, title: str, save, template="clients/record_form.html"
):
    """Show `form`; when it is valid, `save(form)` and go back to the case file.

    A form that shows an existing record shows personal data: that read is audited."""
    back = household.get_absolute_url() or reverse("clients:case-list")
    if request.method == "POST" and form.is_valid():
        save(form)
        messages.success(request, _("Saved."))
        return redirect(back)
    if getattr(form, "instance", None) is not None and form.instance.pk:
        record_read(request=request, obj=form.instance)
    return render(request, template, {"form": form, "back": back, "title": title})
