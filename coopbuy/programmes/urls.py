"""Employer programmes: pages."""

from django.urls import path

from coopbuy.programmes import manage_views, views

app_name = "programmes"
ORG = "organisations/<slug:slug>/"
PROG = ORG + "programmes/<int:programme_id>/"
urlpatterns = [
    path("o/<slug:slug>/", views.public_page, name="public"),
    path("o/<slug:slug>/programmes/<int:programme_id>/", views.join, name="join"),
    path("enrol/<str:token>/", views.verify, name="enrol_verify"),
    path("domains/confirm/<str:token>/", views.claim_confirm, name="claim_confirm"),
    path(ORG + "domains/", manage_views.domains, name="domains"),
    path(ORG + "domains/<int:claim_id>/end/", manage_views.domain_end, name="domain_end"),
    path(ORG + "programmes/", manage_views.programmes, name="programmes"),
    path(PROG, manage_views.manage, name="manage"),
    path(PROG + "code/", manage_views.code_renew, name="code_renew"),
    path(PROG + "end/", manage_views.programme_end, name="end"),
    path(PROG + "pickup-points/<int:point_id>/end/", manage_views.pickup_end, name="pickup_end"),
    path(PROG + "dashboard/", manage_views.dashboard_page, name="dashboard"),
    path(PROG + "dashboard.csv", manage_views.dashboard_file, name="dashboard_csv"),
    path(PROG + "dashboard.xlsx", manage_views.dashboard_workbook, name="dashboard_xlsx"),
    path("g/<slug:slug>/sponsorship/<int:offer_id>/", manage_views.sponsorship, name="sponsorship"),
]
