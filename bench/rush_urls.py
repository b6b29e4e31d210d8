"""The benchmark's URL map (`bench/rush_settings.py`): a bare view doing one INSERT, then the site.

The view is the baseline of `bench/rush.py`: a POST through the whole middleware stack that writes
one row in its own transaction and answers a small JSON body, as a basket edit does. Its table,
`rush_baseline`, is made by the benchmark; it is not one of the product's models.
"""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO rush_baseline (body) VALUES (%s) RETURNING id", [request.body])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id})


urlpatterns = [
    path("bench/insert/", insert_one),
    path("", include("coopbuy.config.urls")),
]
