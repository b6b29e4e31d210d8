"""The Python example in docs/api.md runs against a live server and does what it says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

from coopbuy.groups.models import Invitation
from coopbuy.testing.factories import make_group, make_user
from coopbuy.tokens.services import token_create

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"


@pytest.mark.django_db(transaction=True)
def test_the_guide_example_lists_my_groups_and_makes_one_invitation(live_server: Any) -> None:
    user = make_user("Guide reader")
    group = make_group(user, name="Guide group")
    secret = token_create(user=user, name="guide", scope="read-write")[1]
    text = GUIDE.read_text()
    code = re.search(r"## Example.*?```python\n(.*?)```", text, re.S)
    assert code is not None
    source = code.group(1)
    source = source.replace('"http://127.0.0.1:8000/api/v1"', repr(f"{live_server.url}/api/v1"))
    source = source.replace('"cb_…"', repr(secret))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(source, str(GUIDE), "exec"), {})
    lines = output.getvalue().splitlines()
    assert lines[0] == f"{group.slug} coordinator"
    invitation = Invitation.objects.get(group=group)
    assert lines[1].endswith(f"/join/{invitation.code}/")
    assert invitation.max_uses == 10
