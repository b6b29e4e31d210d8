from django.urls import path

from coopbuy.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.open_campaigns, name="open"),
    path("c/<str:code>/", views.campaign_detail, name="detail"),
    path("c/<str:code>/pledge/", views.pledge, name="pledge"),
    path("c/<str:code>/withdraw/", views.withdraw, name="withdraw"),
    path("c/<str:code>/cancel/", views.cancel, name="cancel"),
    path("g/<slug:slug>/campaigns/", views.group_campaigns, name="group"),
    path("g/<slug:slug>/campaigns/new/", views.campaign_create, name="create"),
]
