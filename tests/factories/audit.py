import factory
from django.contrib.contenttypes.models import ContentType

from kmb.audit.models import AccessLog
from tests.factories.accounts import UserFactory


class AccessLogFactory(factory.django.DjangoModelFactory):
    """A read of `record` by `user`, as a page writes it; `at=` backdates it."""

    class Meta:
        model = AccessLog
        exclude = ("record",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda entry: entry.user.organisation)
    record = factory.SubFactory(UserFactory)
    view_name = "accounts:user-detail"
    path = factory.LazyAttribute(lambda entry: entry.record.get_absolute_url())
    content_type = factory.LazyAttribute(
        lambda entry: ContentType.objects.get_for_model(entry.record)
    )
    object_id = factory.LazyAttribute(lambda entry: str(entry.record.pk))

    @factory.post_generation
    def at(entry, create, when, **kwargs):
        # `at` is set by the database on insert; a test that needs another time moves it.
        if when:
            AccessLog.objects.filter(pk=entry.pk).update(at=when)
            entry.refresh_from_db()
