from django.conf import settings

from kmb import access
from kmb.access import Can
from kmb.notifications.services import unread_count


def site(request):
    """Navigation for the user's role, and the security timings the pages explain to users."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "navigation_groups": access.navigation_groups_for(user) if signed_in else [],
        # What the role may do, for templates: {% if can.edit_cases %}.
        "can": {capability.value: signed_in and access.can(user, capability) for capability in Can},
        "unread_notifications": unread_count(user) if signed_in else 0,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
