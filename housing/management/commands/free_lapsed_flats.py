from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from housing.services.leases import free_lapsed_flats


class Command(BaseCommand):
    help = (
        "Free the let flats whose every lease ended before today (an end recorded ahead of "
        "time). Run daily from cron; running it again frees nothing more."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            freed = free_lapsed_flats()
            self.stdout.write(
                _("Flats freed after their lease ended: %(count)s") % {"count": len(freed)}
            )
            for flat in freed:
                self.stdout.write(f"  {flat}")
