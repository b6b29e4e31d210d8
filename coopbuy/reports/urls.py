from django.urls import re_path

from coopbuy.reports import views

app_name = "reports"
G = r"^g/(?P<slug>[-\w]+)/reports/"
urlpatterns = [
    re_path(G + "$", views.group_report, name="group"),
    re_path(G + r"rounds\.(?P<kind>csv|xlsx)$", views.group_report_file, name="group_file"),
    re_path(
        G + r"suppliers\.(?P<kind>csv|xlsx)$", views.group_suppliers_file, name="suppliers_file"
    ),
    re_path(G + "me/$", views.my_savings, name="me"),
    re_path(G + r"me\.(?P<kind>csv|xlsx)$", views.my_savings_file, name="me_file"),
]
