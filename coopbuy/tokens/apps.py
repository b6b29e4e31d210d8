from django.apps import AppConfig


class TokensConfig(AppConfig):
    """Templates of the token page; the token model itself lives in the API's base (`api`)."""

    name = "coopbuy.tokens"
    default_auto_field = "django.db.models.BigAutoField"
