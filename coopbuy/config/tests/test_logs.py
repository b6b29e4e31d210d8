"""LOG_FORMAT=json writes one JSON object a line, with the request's path and the traceback."""

from __future__ import annotations

import json
import logging
import sys

from django.test import RequestFactory

from coopbuy.config.logs import JsonFormatter


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Failed: %s", ("x",), None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_a_record_is_one_line_of_json_with_its_fields() -> None:
    line = JsonFormatter().format(
        _record(request=RequestFactory().post("/g/oats/rounds/3/order/"), status_code=500)
    )
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "django.request"
    assert entry["message"] == "Failed: x"
    assert entry["method"] == "POST" and entry["path"] == "/g/oats/rounds/3/order/"
    assert entry["status_code"] == 500 and entry["time"].endswith("+00:00")


def test_a_traceback_stays_inside_the_one_line() -> None:
    try:
        raise ValueError("boom\non two lines")
    except ValueError:
        record = _record()
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]
