from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest

from kmb.audit.models import AccessLog


def record_read(*, request: HttpRequest, obj) -> AccessLog:
    """Log that request.user is being shown obj's personal data. Call once per page, after the
    access check and before rendering."""
    return AccessLog.objects.create(
        user=request.user,
        organisation_id=request.user.organisation_id,
        view_name=request.resolver_match.view_name if request.resolver_match else "",
        path=request.path[:500],
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    )
