"""The coverage map: the municipalities of the ORP × the service types."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from kmb import access
from kmb.access import Can
from kmb.territory.models import Orp
from providers.coverage import CoverageState, coverage, service_kinds
from providers.forms import CoverageFilterForm


@require_GET
@access.require(Can.VIEW_PROVIDERS)
def coverage_map(request):
    """A KMB sees its own ORP; an administrator chooses among the ORPs with a KMB."""
    own_orp = request.user.organisation.orp if request.user.organisation_id else None
    orps = None if own_orp else Orp.objects.filter(kmb_offices__isnull=False).distinct()
    form = CoverageFilterForm(request.GET or None, orps=orps)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    orp = own_orp or data.get("orp") or (orps.first() if orps is not None else None)
    kinds = service_kinds(social_only=data.get("social_only", False))
    table = coverage(orp, kinds=kinds) if orp else None
    context = {
        "filter_form": form,
        "orp": orp,
        "table": table,
        "states": CoverageState,
        "missing": table.count(CoverageState.MISSING) if table else 0,
        "full": table.count(CoverageState.FULL) if table else 0,
        "social_columns": sum(kind.is_social_service for kind in kinds),
        "other_columns": sum(not kind.is_social_service for kind in kinds),
    }
    return render(request, "providers/coverage.html", context)
