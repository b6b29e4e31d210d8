"""Structured logs: with `LOG_FORMAT=json` every record is one JSON object on one line.

A log collector (journald, Loki, CloudWatch) can then filter by level, logger or request path
without parsing prose. Fields: time (UTC, ISO 8601), level, logger, message, and, when present,
the request's method, path and status (Django's request logging), the exception's traceback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

EXTRA_FIELDS = ("status_code", "task_id", "round", "group")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", None)
            entry["path"] = request.path
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str | int | float | bool):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
