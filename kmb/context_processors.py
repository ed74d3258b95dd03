from django.conf import settings

from kmb import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {
        "navigation": access.navigation_for(user),
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
