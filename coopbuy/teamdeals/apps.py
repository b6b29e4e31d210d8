from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamdealsConfig(AppConfig):
    name = "coopbuy.teamdeals"
    label = "teamdeals"
    verbose_name = _("Team deals")
