"""Product images from the media folder, for the demo and small sites without a proxy rule.

Only `products/` is served: files coopbuy wrote itself (WebP renditions, never an upload's own
bytes) under random names, so each address may be cached for good. A production proxy serves
`/media/products/` from `$COOPBUY_DATA_DIR/media/products/` before a request reaches Django
(`docs/deploy.md`); `SERVE_MEDIA=0` turns this view off.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe
from django.views.static import serve

CACHE_FOREVER = "public, max-age=31536000, immutable"


@require_safe
def product_image(request: HttpRequest, path: str) -> HttpResponseBase:
    if not settings.COOPBUY_SERVE_MEDIA or not path.endswith(".webp"):
        raise Http404
    response = serve(request, path, document_root=str(Path(settings.MEDIA_ROOT) / "products"))
    response["Cache-Control"] = CACHE_FOREVER
    return response
