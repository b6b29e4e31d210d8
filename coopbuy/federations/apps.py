from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationsConfig(AppConfig):
    name = "coopbuy.federations"
    label = "federations"
    verbose_name = _("Federations")
