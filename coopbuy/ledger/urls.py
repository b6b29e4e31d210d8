from django.urls import path

from coopbuy.ledger import statement_views, treasurer_views, views, write_off_views

app_name = "ledger"
G = "g/<slug:slug>/money/"
urlpatterns = [
    path(G, views.account, name="account"),
    path(f"{G}accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path(
        f"{G}accounts/<int:account_id>/statements/<int:year>/<int:month>/",
        views.statement,
        name="statement",
    ),
    path(
        f"{G}accounts/<int:account_id>/statements/<int:year>/<int:month>/pdf/",
        views.statement_pdf_view,
        name="statement_pdf",
    ),
    path(f"{G}invoices/<int:invoice_id>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path(f"{G}treasury/", treasurer_views.overview, name="overview"),
    path(f"{G}treasury/top-up/", treasurer_views.top_up, name="top_up"),
    path(f"{G}treasury/refund/", treasurer_views.refund, name="refund"),
    path(f"{G}treasury/adjust/", treasurer_views.adjust, name="adjust"),
    path(f"{G}treasury/write-off/", write_off_views.write_off, name="write_off"),
    path(f"{G}treasury/transactions/", treasurer_views.transactions, name="transactions"),
    path(
        f"{G}treasury/transactions/<int:transaction_id>/reverse/",
        treasurer_views.reverse_transaction,
        name="reverse",
    ),
    path(f"{G}treasury/settings/", treasurer_views.settings_view, name="settings"),
    path(f"{G}treasury/suppliers/", treasurer_views.suppliers, name="suppliers"),
    path(f"{G}treasury/export.csv", treasurer_views.export_csv, name="export_csv"),
    path(f"{G}treasury/statements/", statement_views.upload, name="statement_upload"),
    path(f"{G}treasury/statements/columns/", statement_views.mapping, name="statement_mapping"),
    path(f"{G}treasury/statements/review/", statement_views.review, name="statement_review"),
    path(
        f"{G}treasury/statements/review/confirm/",
        statement_views.confirm_matched,
        name="statement_confirm",
    ),
    path(
        f"{G}treasury/statements/lines/<int:line_id>/",
        statement_views.line_action,
        name="statement_line",
    ),
]
