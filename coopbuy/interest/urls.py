from django.urls import path

from coopbuy.interest import views

app_name = "interest"
urlpatterns = [
    path("interest/", views.mine, name="mine"),
    path("interest/delete/", views.delete, name="delete"),
    path(
        "interest/suggestions/<int:suggestion_id>/<answer>/",
        views.suggestion_answer,
        name="suggestion_answer",
    ),
]
