"""Every response carries a strict Content-Security-Policy and a Permissions-Policy; no template
holds an inline script, style or event handler that the policy would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import coopbuy

pytestmark = pytest.mark.django_db
ROOT = Path(coopbuy.__file__).parent


@pytest.mark.parametrize("address", ["/", "/groups/", "/api/v1/docs", "/api/v1/groups", "/nope/"])
def test_each_response_has_the_policies(address: str) -> None:
    response = Client().get(address)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=(self)" in response["Permissions-Policy"]


def test_htmx_is_configured_not_to_inject_styles_or_run_strings() -> None:
    page = Client().get("/").text
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_no_template_holds_inline_script_or_handlers() -> None:
    offending = []
    for template in ROOT.rglob("templates/**/*.html"):
        if "/pdf/" in str(template):  # rendered to PDF by WeasyPrint, never served as a page
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offending.append(str(template.relative_to(ROOT)))
        if re.search(r"<style|\sstyle=", text):
            offending.append(str(template.relative_to(ROOT)))
    assert offending == []


def test_the_map_s_tile_host_may_serve_images_only() -> None:
    policy = Client().get("/").headers["Content-Security-Policy"]
    images = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in images
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "openstreetmap" not in script
