"""/api/tokens/: the signed-in page where personal access tokens are made and revoked."""

from django.urls import path

from coopbuy.tokens import views

app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
