from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from kmb import views
from kmb.accounts.forms import LoginForm, PasswordResetForm

urlpatterns = [
    path("", include("reports.urls")),
    path("healthz/", views.healthz, name="healthz"),
    # The language can be chosen on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("kmb.accounts.urls")),
    path("territory/", include("kmb.territory.urls")),
    path("audit/", include("kmb.audit.urls")),
    path("notifications/", include("kmb.notifications.urls")),
    path("", include("clients.urls")),
    path("providers/", include("providers.urls")),
    path("housing/", include("housing.urls")),
    path("guarantees/", include("guarantees.urls")),
    path("reports/", include("reports.dashboard_urls")),
]
