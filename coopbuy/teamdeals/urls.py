"""Team deals: pages."""

from django.urls import URLPattern, URLResolver, path

from coopbuy.teamdeals import views

app_name = "teamdeals"
T = "deals/<int:deal_id>/teams/<str:code>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("organisations/<slug:slug>/deals/", views.organisation_deals, name="organisation"),
    path("organisations/<slug:slug>/deals/manage/", views.manage, name="manage"),
    path("organisations/<slug:slug>/deals/new/", views.deal_create, name="create"),
    path("organisations/<slug:slug>/deals/money/", views.money, name="money"),
    path(
        "organisations/<slug:slug>/deals/payments/<int:payment_id>/undo/",
        views.payment_undo,
        name="payment_undo",
    ),
    path("deals/mine/", views.my_teams, name="mine"),
    path("deals/<int:deal_id>/", views.deal_detail, name="deal"),
    path("deals/<int:deal_id>/edit/", views.deal_update, name="edit"),
    path("deals/<int:deal_id>/end/", views.deal_end, name="end"),
    path("deals/<int:deal_id>/teams/", views.team_start, name="start"),
    path(T, views.team_detail, name="team"),
    path(T + "progress/", views.team_progress, name="progress"),
    path(T + "join/", views.team_join, name="join"),
    path(T + "leave/", views.team_leave, name="leave"),
]
