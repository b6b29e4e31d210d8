"""WSGI entry point, used by `coopbuy serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopbuy.config.settings")
application = get_wsgi_application()
