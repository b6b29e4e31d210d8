from django.urls import path

from coopbuy.groups import directory_views, suggestion_views, views

app_name = "groups"
urlpatterns = [
    path("groups/", directory_views.find, name="find"),
    path("groups/new/", views.create, name="create"),
    path("groups/mine/", views.mine, name="mine"),
    path("join/", views.invitation_code, name="invitation_code"),
    path("join/<str:code>/", views.invitation, name="invitation"),
    path(
        "interest/suggestions/<int:suggestion_id>/start/",
        suggestion_views.start,
        name="suggestion_start",
    ),
    path("g/<slug:slug>/", views.detail, name="detail"),
    path("g/<slug:slug>/join/", views.join, name="join"),
    path("g/<slug:slug>/join/withdraw/", views.withdraw_request, name="withdraw_request"),
    path("g/<slug:slug>/leave/", views.leave, name="leave"),
    path("g/<slug:slug>/members/", views.members, name="members"),
    path("g/<slug:slug>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "g/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "g/<slug:slug>/requests/<int:request_id>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("g/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "g/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("g/<slug:slug>/settings/", views.settings_view, name="settings"),
    path("g/<slug:slug>/activity/", views.activity, name="activity"),
]
