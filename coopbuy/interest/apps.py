from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterestConfig(AppConfig):
    name = "coopbuy.interest"
    label = "interest"
    verbose_name = _("Registered interest")
