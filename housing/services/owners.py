"""State changes of owners: adding one (editing is a plain form.save())."""

from django.db import transaction

from housing.models import Owner
from kmb.accounts.models import User


@transaction.atomic
def create_owner(*, owner: Owner, by: User) -> Owner:
    """Add the owner, as added by `by`'s organisation: until it has a flat, only that
    organisation sees it (kmb.access.owners_visible_to). Side effect: the first history row."""
    owner.created_by_organisation_id = by.organisation_id
    owner._history_user = by
    owner.full_clean()
    owner.save()
    return owner
