"""`Idempotency-Key`: a retried POST gets the first reply and changes nothing.

Decorate a handler with `@idempotent` (under the `@router.post(...)` line). With the header, the
key row (caller, key, method, path, SHA-256 of the body) is inserted in the same transaction as the
change, before the handler runs: a concurrent request with the same key waits on the row's unique
index, then finds it and replays the stored reply. A handler that fails rolls back its key too, so
the request may be retried. Keys live 24 hours. The handler must return a Schema, or
`Status(code, Schema)`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.operation import Operation
from ninja.responses import Status
from ninja.utils import contribute_operation_callback

from coopbuy.api.auth import principal
from coopbuy.api.models import IdempotencyRecord
from coopbuy.api.problems import ApiProblem

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
LIFETIME = timedelta(hours=24)
PURGE_EVERY = 100  # every 100th key also clears everyone's expired keys (no scheduler needed)
_KEY = re.compile(KEY_PATTERN)

HEADER_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Any unique string (a UUID is good). Retrying with the same key and the same "
    "request returns the first reply and changes nothing, for 24 hours.",
    "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
}


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), ""):
        digest.update(part.encode() + b"\n")
    try:
        digest.update(request.body)
    except RawPostDataException:  # a multipart form, parsed into fields and files already
        _digest_form(digest, request)
    return digest.hexdigest()


def _digest_form(digest: Any, request: HttpRequest) -> None:
    """A multipart form by its fields and files (its boundary changes from one try to the next)."""
    for name, values in sorted(request.POST.lists()):
        digest.update(json.dumps(["field", name, values]).encode() + b"\n")
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest.update(json.dumps(["file", name, upload.name, upload.size]).encode() + b"\n")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)  # the handler reads it next


def _as_reply(result: Any) -> tuple[int | None, Any]:
    status, value = (
        (result.status_code, result.value) if isinstance(result, Status) else (None, result)
    )
    if not isinstance(value, Schema):
        raise TypeError("an @idempotent handler must return a Schema or Status(code, Schema)")
    return status, value.model_dump(mode="json")


def _document(operation: Operation) -> None:
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), HEADER_PARAMETER]
    operation.openapi_extra = extra


def idempotent[F: Callable[..., Any]](handler: F) -> F:
    @functools.wraps(handler)
    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(request, *args, **kwargs)
        if not _KEY.match(key):
            raise ApiProblem(
                400,
                _("An Idempotency-Key is 1 to 255 visible ASCII characters."),
                name="bad-idempotency-key",
                field=HEADER,
            )
        owner = principal(request).key
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            mine = IdempotencyRecord.objects.filter(principal=owner, key=key)
            mine.filter(expires_at__lte=timezone.now()).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=owner,
                        key=key,
                        method=request.method or "",
                        path=request.path[:500],
                        request_hash=fingerprint,
                        expires_at=timezone.now() + LIFETIME,
                    )
            except IntegrityError:
                return _replay(mine.get(), fingerprint)
            if record.pk % PURGE_EVERY == 0:
                purge_expired_keys()
            result = handler(request, *args, **kwargs)
            status, body = _as_reply(result)
            record.status_code = status or 200
            record.response_body = body
            record.save(update_fields=["status_code", "response_body"])
            return result

    contribute_operation_callback(run, _document)
    run.coopbuy_idempotent = True  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def purge_expired_keys() -> int:
    """Forget keys older than their 24 hours, whoever they belong to; returns how many."""
    return IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()[0]


def _replay(record: IdempotencyRecord, fingerprint: str) -> Status[Any]:
    if record.request_hash != fingerprint:
        raise ApiProblem(
            422,
            _("Idempotency-Key reused with a different request."),
            name="idempotency-key-reused",
            field=HEADER,
        )
    if record.status_code is None:  # only visible inside the transaction that is still running
        raise ApiProblem(
            409, _("A request with this Idempotency-Key is still running."), name="conflict"
        )
    return Status(record.status_code, record.response_body)
