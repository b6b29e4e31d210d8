from django.urls import path

from coopbuy.reports import views

app_name = "reports"
urlpatterns = [
    path("g/<slug:slug>/reports/", views.group_report, name="group"),
    path("g/<slug:slug>/reports/rounds.csv", views.group_report_csv, name="group_csv"),
    path("g/<slug:slug>/reports/me/", views.my_savings, name="me"),
    path("g/<slug:slug>/reports/me.csv", views.my_savings_csv, name="me_csv"),
]
