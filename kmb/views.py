from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kmb.dashboard import home_context


def home(request):
    return render(request, "kmb/home.html", home_context(request.user))


@login_not_required
@never_cache
def healthz(request):
    """For the container's health check: the app answers and reaches its database."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")
