"""Security headers every response carries, besides Django's own CSP middleware.

Permissions-Policy turns off the browser features coopbuy never uses (a script injected despite
the Content-Security-Policy still cannot reach the camera or the microphone; the location only on
our own pages, for the directory's button). The
CSP itself is `settings.SECURE_CSP`, enforced by `django.middleware.csp`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",  # the directory's "Use my location" button, on our own pages only
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "camera",
                "display-capture",
                "gyroscope",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "usb",
                "xr-spatial-tracking",
            )
        ),
    ]
)


def permissions_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
