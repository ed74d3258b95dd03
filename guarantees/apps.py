from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    name = "guarantees"
    verbose_name = _("Guarantees")

    def ready(self):
        from guarantees import receivers  # noqa: F401  (connects them)
