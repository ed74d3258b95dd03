from django.conf import settings

from kmb import access


def site(request):
    """Navigation for the user's role, and the security timings the pages explain to users."""
    user = getattr(request, "user", None)
    return {
        "navigation": access.navigation_for(user) if user and user.is_authenticated else [],
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
