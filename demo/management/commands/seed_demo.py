from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from demo import builders, case_files, housing


class Command(BaseCommand):
    help = "Build (or complete) a believable demo KMB. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            builders.build_foundation()
            case_files.build_case_files()
            housing.build_housing()
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(self.style.SUCCESS(_("Demo data ready (ORP Liberec, KMB Liberec).")))
            self.stdout.write(
                _("Demo logins, all with the password “%(password)s”:")
                % {"password": builders.DEMO_PASSWORD}
            )
            for login in builders.DEMO_LOGINS:
                self.stdout.write(
                    f"  {login.username:<14} {login.role.label:<32} {login.organisation}"
                )
