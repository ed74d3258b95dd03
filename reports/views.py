from django.shortcuts import render

from reports.home import home_context


def home(request):
    return render(request, "reports/home.html", home_context(request.user))
