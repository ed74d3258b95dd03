from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kmb import access
from kmb.access import Can
from kmb.audit.filters import AccessLogFilter, HistoryFilterForm
from kmb.audit.history import changes, tracked_models
from kmb.audit.services import record_read


@access.require(Can.VIEW_AUDIT)
def access_log(request):
    log_filter = AccessLogFilter(
        request.GET or None,
        queryset=access.access_log_visible_to(request.user),
        viewer=request.user,
    )
    page = Paginator(log_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"filter": log_filter, "page": page})


@access.require(Can.VIEW_AUDIT)
def history(request):
    data = request.GET.copy()
    data.setdefault("model", "accounts.user")
    form = HistoryFilterForm(data, viewer=request.user)
    page = None
    if form.is_valid():
        model = tracked_models()[form.cleaned_data["model"]]
        records = form.filter(access.history_visible_to(request.user, model.history.all()))
        page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "audit/history.html", {"form": form, "page": page})


@access.require(Can.VIEW_AUDIT)
def history_detail(request, model, history_id):
    tracked = tracked_models().get(model)
    if tracked is None:
        raise Http404
    record = get_object_or_404(
        access.history_visible_to(request.user, tracked.history.all()), history_id=history_id
    )
    # The values shown are the record's own data: reading them is audited like the record itself.
    record_read(request=request, obj=record.history_object)
    return render(
        request,
        "audit/history_detail.html",
        {
            "record": record,
            "changes": changes(record),
            "model": model,
            "model_name": tracked._meta.verbose_name,
        },
    )
