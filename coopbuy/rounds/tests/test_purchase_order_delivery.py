"""The purchase order says where to deliver, whom to call and by when (PDF text and CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.delivery import DeliveryDetails, clean_delivery, group_set_delivery
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.services import GroupError
from coopbuy.rounds.closing import round_close, round_send_order
from coopbuy.rounds.documents import purchase_order, purchase_order_csv, purchase_order_pdf
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set, round_set_closing_time
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.rounds.wanted_by import round_set_wanted_by
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db

ADDRESS = DeliveryDetails(
    address="The Old Chapel\n  12 Mill Lane  \n\nHebden Bridge",
    postcode="hx7  8ab",
    contact_name="Cora  Lee",
    contact_phone="01422 123 456",
)


def _pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages (the same render `write_pdf` prints)."""
    from weasyprint import HTML

    def texts(box: Any) -> Iterator[str]:
        if isinstance(getattr(box, "text", None), str):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from texts(child)

    document = HTML(string=html).render()
    return " ".join(t for page in document.pages for t in texts(page._page_box))


def _closed(*, wanted_days: int | None = 5, delivery: DeliveryDetails | None = ADDRESS) -> Any:
    cora, ann = make_user("Cora"), make_user("Ann")
    group = make_group(cora, name="Calder Food Co-op")
    add_member(group, ann)
    if delivery is not None:
        group_set_delivery(group=group, actor=cora, details=delivery)
    supplier = make_supplier(group, name="Suma")
    make_product(supplier, sku="OAT1", name="Oats", case_size=2, unit_price=Decimal("2.50"))
    closes = timezone.now() + timedelta(days=2)
    wanted = None if wanted_days is None else timezone.localdate(closes) + timedelta(wanted_days)
    round = open_round(group, cora, [supplier], closes_at=closes, wanted_by=wanted)
    basket_set(
        round=round, user=ann, product_id=RoundProduct.objects.get(round=round).pk, quantity=2,
        tolerance=0,
    )  # fmt: skip
    round_close(round=round, actor=cora)
    round = Round.objects.get(pk=round.pk)
    return round, cora, wanted


def _order_html(round: Round) -> str:
    order = purchase_order(round, round.suppliers.get())
    return render_to_string(
        "rounds/pdf/purchase_order.html", {"order": order, "group": round.group}
    )


def test_the_pdf_shows_the_delivery_address_contact_and_wanted_by_date() -> None:
    round, _cora, wanted = _closed()
    order = purchase_order(round, round.suppliers.get())
    assert purchase_order_pdf(order).startswith(b"%PDF")
    text = _pdf_text(_order_html(round))
    assert "Deliver to" in text
    for part in ("The Old Chapel", "12 Mill Lane", "Hebden Bridge", "HX7 8AB", "Cora Lee"):
        assert part in text
    assert "01422 123 456" in text
    assert "Wanted by" in text and wanted.strftime("%-d %B %Y") in text
    assert order.number in text and "Oats" in text


def test_without_details_the_pdf_says_nothing_of_them() -> None:
    round, _cora, _wanted = _closed(wanted_days=None, delivery=None)
    text = _pdf_text(_order_html(round))
    assert "Deliver to" not in text and "Wanted by" not in text
    assert "Purchase order" in text


def test_the_csv_keeps_its_table_and_adds_the_particulars_after_it() -> None:
    round, _cora, wanted = _closed()
    order = purchase_order(round, round.suppliers.get())
    rows = list(csv.reader(io.StringIO(purchase_order_csv(order).decode())))
    assert rows[0] == ["sku", "name", "unit", "case_size", "cases", "units", "unit_price", "amount"]
    assert rows[1][:2] == ["OAT1", "Oats"] and rows[2][1] == "total" and rows[3] == []
    particulars = {r[1]: r[2] for r in rows[4:]}
    assert particulars["order_number"] == order.number
    assert particulars["wanted_by"] == wanted.isoformat()
    assert particulars["delivery_address"] == "The Old Chapel, 12 Mill Lane, Hebden Bridge"
    assert particulars["delivery_postcode"] == "HX7 8AB"
    assert particulars["delivery_contact"] == "Cora Lee"
    assert particulars["delivery_phone"] == "01422 123 456"


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (DeliveryDetails(postcode="HX7 8AB"), "delivery_address"),
        (DeliveryDetails(address="1 Lane", postcode="HX7 8AB!"), "delivery_postcode"),
        (DeliveryDetails(address="a\nb\nc\nd\ne\nf"), "delivery_address"),
        (DeliveryDetails(contact_phone="call me"), "delivery_contact_phone"),
        (DeliveryDetails(contact_phone="123"), "delivery_contact_phone"),
        (DeliveryDetails(contact_phone="+44 1234 567 890 123 45"), "delivery_contact_phone"),
    ],
)
def test_bad_delivery_details_are_refused_by_field(details: DeliveryDetails, field: str) -> None:
    with pytest.raises(GroupError) as refused:
        clean_delivery(details)
    assert refused.value.field == field


def test_the_settings_page_saves_the_details_or_names_the_bad_field_and_changes_nothing() -> None:
    cora = make_user("Cora")
    group = make_group(cora, name="Calder Food Co-op")
    client = Client()
    client.force_login(cora)
    url = reverse("groups:settings", args=[group.slug])
    page = client.get(url)
    assert b'name="delivery_postcode"' in page.content and b'autocomplete="tel"' in page.content
    base = {"name": group.name, "visibility": "public", "join_policy": "approval"}
    bad = client.post(url, {**base, "name": "Renamed", "delivery_contact_phone": "ring the bell"})
    assert bad.status_code == 200 and b"phone number of 6 to 15 digits" in bad.content
    group.refresh_from_db()
    assert group.name == "Calder Food Co-op" and group.delivery_contact_phone == ""
    good = client.post(
        url,
        {
            **base,
            "delivery_address": "The Old Chapel\r\n12 Mill Lane",
            "delivery_postcode": "hx7 8ab",
            "delivery_contact_name": "Cora",
            "delivery_contact_phone": "+44 1422 123456",
        },
    )
    assert good.status_code == 302
    group.refresh_from_db()
    assert group.delivery_address == "The Old Chapel\n12 Mill Lane"
    assert (group.delivery_postcode, group.delivery_contact_phone) == ("HX7 8AB", "+44 1422 123456")


def test_the_wanted_by_date_cannot_be_before_the_close() -> None:
    round, cora, wanted = _closed()
    close_day = timezone.localdate(round.closes_at)
    with pytest.raises(RoundError) as refused:
        round_set_wanted_by(round=round, actor=cora, wanted_by=close_day - timedelta(days=1))
    assert refused.value.field == "wanted_by"
    assert Round.objects.get(pk=round.pk).wanted_by == wanted
    round_set_wanted_by(round=round, actor=cora, wanted_by=close_day)
    assert Round.objects.get(pk=round.pk).wanted_by == close_day
    round_send_order(round=round, actor=cora)
    with pytest.raises(RoundError):
        round_set_wanted_by(round=round, actor=cora, wanted_by=None)


def test_a_new_round_and_a_moved_deadline_respect_the_wanted_by_date() -> None:
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group)
    make_product(supplier)
    closes = timezone.now() + timedelta(days=3)
    with pytest.raises(RoundError) as refused:
        open_round(group, cora, [supplier], closes_at=closes, wanted_by=timezone.localdate())
    assert refused.value.field == "wanted_by" and not Round.objects.exists()
    round = open_round(
        group, cora, [supplier], closes_at=closes, wanted_by=timezone.localdate(closes)
    )
    with pytest.raises(RoundError):
        round_set_closing_time(round=round, actor=cora, closes_at=closes + timedelta(days=2))
    assert Round.objects.get(pk=round.pk).closes_at == closes


def test_the_web_pages_set_the_wanted_by_date() -> None:
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group)
    make_product(supplier)
    round = open_round(group, cora, [supplier])
    client = Client()
    client.force_login(cora)
    detail = client.get(reverse("rounds:detail", args=[group.slug, round.pk]))
    assert b'name="wanted_by"' in detail.content
    url = reverse("rounds:wanted_by", args=[group.slug, round.pk])
    day = timezone.localdate(round.closes_at) + timedelta(days=3)
    client.post(url, {"wanted_by": day.isoformat()})
    assert Round.objects.get(pk=round.pk).wanted_by == day
    early = client.post(url, {"wanted_by": "2000-01-01"}, follow=True)
    assert b"cannot be wanted before the round closes" in early.content
    assert Round.objects.get(pk=round.pk).wanted_by == day
    client.post(url, {"wanted_by": ""})
    assert Round.objects.get(pk=round.pk).wanted_by is None


def test_the_api_reads_and_sets_the_delivery_details_and_the_wanted_by_date() -> None:

    cora, ann, outsider = make_user("Cora"), make_user("Ann"), make_user("Olga")
    group = make_group(cora, visibility=BuyingGroup.Visibility.PUBLIC)
    add_member(group, ann)
    coordinator, member, other = Client(), Client(), Client()
    coordinator.force_login(cora)
    member.force_login(ann)
    other.force_login(outsider)
    path = f"/api/v1/groups/{group.slug}"
    body = {"delivery_address": "1 Mill Lane", "delivery_postcode": "hx7 8ab"}
    changed = coordinator.patch(path, body, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["delivery"]["postcode"] == "HX7 8AB"
    assert member.get(path).json()["delivery"]["address"] == "1 Mill Lane"
    assert other.get(path).json()["delivery"] is None  # a public group's page: no address
    bad = coordinator.patch(path, {"delivery_contact_phone": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "delivery_contact_phone" in bad.content.decode()
    assert member.patch(path, body, content_type="application/json").status_code in (403, 404)
    supplier = make_supplier(group)
    make_product(supplier)
    round = open_round(group, cora, [supplier])
    day = timezone.localdate(round.closes_at) + timedelta(days=1)
    url = f"{path}/rounds/{round.pk}"
    set_day = coordinator.patch(
        url, {"wanted_by": day.isoformat()}, content_type="application/json"
    )
    assert set_day.status_code == 200 and set_day.json()["wanted_by"] == day.isoformat()
    early = coordinator.patch(url, {"wanted_by": "2000-01-01"}, content_type="application/json")
    assert early.status_code == 422 and "wanted_by" in early.content.decode()
    assert member.get(url).json()["wanted_by"] == day.isoformat()
