"""Subsidies and payroll: the organisation admins' pages."""

from django.urls import URLPattern, URLResolver, path

from coopbuy.subsidies import views

app_name = "subsidies"
ORG = "organisations/<slug:slug>/"
PROGRAMME = ORG + "programmes/<int:programme_id>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(ORG + "subsidy-fund/", views.fund, name="fund"),
    path(ORG + "subsidy-statement/", views.statement, name="statement"),
    path(PROGRAMME + "subsidy-rules/", views.rules, name="rules"),
    path(PROGRAMME + "subsidy-rules/<int:rule_id>/end/", views.rule_end, name="rule_end"),
    path(PROGRAMME + "payroll/", views.payroll_page, name="payroll"),
    path(
        PROGRAMME + "payroll/<str:month>.<str:format>",
        views.payroll_file,
        name="payroll_file",
    ),
    path(PROGRAMME + "payroll/<str:month>/run/", views.payroll_run, name="payroll_run"),
]
