from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kmb import access
from kmb.access import Can
from kmb.territory.forms import MunicipalityForm
from kmb.territory.models import Municipality, Orp


@access.require(Can.MANAGE_TERRITORY)
def municipality_list(request):
    orps = Orp.objects.prefetch_related("municipalities")
    return render(request, "territory/municipality_list.html", {"orps": orps})


@access.require(Can.MANAGE_TERRITORY)
def municipality_create(request):
    return _municipality_form(request, municipality=None)


@access.require(Can.MANAGE_TERRITORY)
def municipality_edit(request, pk):
    return _municipality_form(request, municipality=get_object_or_404(Municipality, pk=pk))


def _municipality_form(request, *, municipality):
    form = MunicipalityForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The municipality has been saved."))
        return redirect("territory:municipality-list")
    return render(
        request, "territory/municipality_form.html", {"form": form, "municipality": municipality}
    )
