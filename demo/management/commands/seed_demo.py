from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from demo import builders, case_files, followup, housing, plans, proposals, reports


class Command(BaseCommand):
    help = "Build (or complete) a believable demo KMB. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        # Each area builds on the ones before it: the case files on the staff, the housing stock
        # on the case files, the support network on the leases, the check-ins on the plans,
        # the proposals on all of it, the targets last.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            builders.build_foundation()
            case_files.build_case_files()
            housing.build_housing()
            plans.build_support()
            followup.build_check_ins()
            proposals.build_proposals()
            reports.build_reports()
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
            others = [username for username, *_rest in builders.PROVIDER_STAFF]
            self.stdout.write(
                _("Staff of other support providers (same password): %(logins)s")
                % {"logins": ", ".join(others)}
            )
