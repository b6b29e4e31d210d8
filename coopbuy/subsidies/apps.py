from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "coopbuy.subsidies"
    label = "subsidies"
    verbose_name = _("Subsidies and payroll")
