from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PooledConfig(AppConfig):
    name = "coopbuy.pooled"
    label = "pooled"
    verbose_name = _("Pooled rounds")
