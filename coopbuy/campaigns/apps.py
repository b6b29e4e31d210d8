from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "coopbuy.campaigns"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Campaigns"
