"""An organisation's admin sees aggregates only, never a person, and no figure about fewer than 5.

A programme with six people enrolled (five by work email, one friend) and two closed rounds:
"Week 1" with five people ordering (at the floor: shown) and "Week 2" with four (just below it:
"fewer than 5"). Every page, API operation and export the admin can reach is requested; none may
carry a member's name, address or one person's amount.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from coopbuy.accounts.models import User
from coopbuy.api.tests.test_authorization import operations
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Book
from coopbuy.ledger.services import post
from coopbuy.programmes import enrolment, services
from coopbuy.programmes.dashboard import dashboard_of
from coopbuy.programmes.models import JoinCode
from coopbuy.reports.models import MemberRoundFigures, RoundFigures
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import PASSWORD, make_user
from coopbuy.testing.programmes import confirm_domain, make_employer, make_programme

pytestmark = pytest.mark.django_db
NAMES = ["Zelda Quarrie", "Yusuf Okonkwo", "Xanthe Ferrars", "Wilbur Achterberg",
         "Violetta Moss", "Ulrich Penhaligon"]  # fmt: skip


def _close(programme: Any, coordinator: User, people: list[User], quantities: list[int]) -> Round:
    """A round where each person orders oats (case of 6, £2.00, retail £2.50, no delivery fee)."""
    supplier = make_supplier(programme.group, name=f"Oats {len(quantities)}")
    make_product(supplier, name="Oats", case_size=6, unit_price=D("2.00"),
                 retail_unit_price=D("2.50"))  # fmt: skip
    round = open_round(programme.group, coordinator, [supplier], name=f"Week {6 - len(people)}")
    oats = RoundProduct.objects.get(round=round)
    for person, quantity in zip(people, quantities, strict=True):
        basket_set(round=round, user=person, product_id=oats.pk, quantity=quantity, tolerance=0)
    round_close(round=round, actor=coordinator)
    return round


@pytest.fixture
def programme_world() -> dict[str, Any]:
    admin = make_user("Asha Patel", email="asha.patel@caldermills.example")
    employer = make_employer(admin)
    confirm_domain(employer, admin, "caldermills.example")
    coordinator = make_user("Colm Byrne")
    programme = make_programme(employer, admin, coordinator=coordinator)
    people = []
    for name in NAMES[:5]:
        person = make_user(name, email=f"{name.lower().replace(' ', '.')}@home.example")
        email = f"{name.lower().replace(' ', '.')}@caldermills.example"
        token = enrolment.verification_token(programme=programme, user=person, email=email)
        enrolment.enrolment_verify(token=token, user=person)
        people.append(person)
    friend = make_user(NAMES[5], email="ulrich@home.example")
    enrolment.enrolment_by_code(
        programme=programme, user=friend, friends_and_family=True,
        code=JoinCode.objects.get(programme=programme).code,
    )  # fmt: skip
    people.append(friend)
    services.pickup_point_add(
        programme=programme, actor=admin, name="Reception",
        address="Dean Clough, Halifax HX3 5AX", delivery_days=["thu"],
    )  # fmt: skip
    week1 = _close(programme, coordinator, people[:5], [1, 2, 3, 4, 8])  # 5 people, 3 cases
    week2 = _close(programme, coordinator, people[1:5], [1, 2, 3, 6])  # 4 people, 2 cases
    book = Book.objects.create(kind="organisation", name="Calder Mills Ltd")
    employer.book = book
    employer.save(update_fields=["book"])
    fund = Account.objects.create(book=book, kind="subsidies", name="Subsidy fund")
    bank = Account.objects.create(book=book, kind="bank", name="Bank")
    post(
        group=None,
        book=book,
        kind="adjustment",
        description="Fund",
        actor=admin,
        legs=[(fund, D("500.00")), (bank, D("-500.00"))],
        idempotency_key="sys:test-fund",
    )
    post(
        group=None,
        book=book,
        kind="adjustment",
        description="Subsidies paid",
        actor=admin,
        legs=[(fund, D("-120.00")), (bank, D("120.00"))],
        idempotency_key="sys:test-paid",
    )
    return {"admin": admin, "employer": employer, "programme": programme, "people": people,
            "coordinator": coordinator, "week1": week1, "week2": week2}  # fmt: skip


def test_the_dashboard_shows_five_people_and_hides_four(programme_world: dict[str, Any]) -> None:
    week1 = RoundFigures.objects.get(round=programme_world["week1"])
    week2 = RoundFigures.objects.get(round=programme_world["week2"])
    assert (week1.members_ordering, week1.spend, week1.savings_retail) == (5, D("36.00"), D("9.00"))
    assert (week2.members_ordering, week2.spend) == (4, D("24.00"))
    board = dashboard_of(programme_world["programme"])
    assert board.enrolled.value == 6
    # 5 by work email, 0 by code, 1 friend: the friend is hidden, and so is the 5 (6 - 5 = 1).
    assert [cell.value for _label, cell in board.by_via] == [None, None, None]
    shown, hidden = board.rounds
    assert (shown.ordering.value, shown.spend.value, shown.savings_retail.value) == (
        5, D("36.00"), D("9.00"),
    )  # fmt: skip
    assert (hidden.ordering.value, hidden.spend.value, hidden.savings_alone.value) == (
        None, None, None,
    )  # fmt: skip
    assert (board.total_spend.value, board.total_savings_retail.value) == (D("36.00"), D("9.00"))
    assert (board.subsidy_spent, board.subsidy_left) is not None
    assert (board.subsidy_spent.value, board.subsidy_left.value) == (D("120.00"), D("380.00"))  # type: ignore[union-attr]


def test_participation_below_five_is_suppressed_and_five_is_shown() -> None:
    admin = make_user()
    programme = make_programme(make_employer(admin), admin, name="Small")
    code = JoinCode.objects.get(programme=programme).code
    for _ in range(4):
        enrolment.enrolment_by_code(programme=programme, user=make_user(), code=code)
    board = dashboard_of(programme)
    assert (board.enrolled.value, board.subsidy_spent) == (None, None)
    enrolment.enrolment_by_code(programme=programme, user=make_user(), code=code)
    board = dashboard_of(programme)
    assert board.enrolled.value == 5
    assert [c.value for _l, c in board.by_via] == [None, 5, None]


def _individual_amounts() -> set[str]:
    found = set()
    for row in MemberRoundFigures.objects.all():
        for amount in (row.spend, row.goods, row.savings_retail):
            found.add(f"{amount:.2f}")
    return found


def _leaks(text: str, people: list[User], amounts: set[str]) -> list[str]:
    leaks = [p.name for p in people if p.name in text]
    leaks += [p.email for p in people if p.email in text]
    admins = {"asha.patel@caldermills.example", "hr@caldermills.example"}  # not members
    leaks += [e for e in re.findall(r"[\w.]+@caldermills\.example", text) if e not in admins]
    leaks += [a for a in amounts if re.search(rf"(?<![\d.]){re.escape(a)}(?!\d)", text)]
    return leaks


def _web_pages(w: dict[str, Any]) -> list[tuple[str, set[int]]]:
    """Every page the admin can reach about the programme, and the statuses they may get."""
    slug, pid = w["employer"].slug, w["programme"].pk
    g, r1 = w["programme"].group.slug, w["week1"].pk
    member = Membership.objects.get(group=w["programme"].group, user=w["people"][0])
    account = Account.objects.filter(membership=member).first()
    ok, refused = {200}, {403, 404}
    pages = [
        (reverse("organisations:mine"), ok),
        (reverse("organisations:detail", args=[slug]), ok),
        (reverse("organisations:edit", args=[slug]), ok),
        (reverse("programmes:public", args=[slug]), ok),
        (reverse("programmes:join", args=[slug, pid]), ok),
        (reverse("programmes:domains", args=[slug]), ok),
        (reverse("programmes:programmes", args=[slug]), ok),
        (reverse("programmes:manage", args=[slug, pid]), ok),
        (reverse("programmes:dashboard", args=[slug, pid]), ok),
        (reverse("programmes:dashboard_csv", args=[slug, pid]), ok),
        (reverse("programmes:end", args=[slug, pid]), ok),  # the confirmation: counts only
        (reverse("subsidies:fund", args=[slug]), ok),
        (reverse("subsidies:rules", args=[slug, pid]), ok),
        # Team deals' money lists the organisation's own buyers only (none here): no employee.
        (reverse("teamdeals:money", args=[slug]), ok),
        # The group's own pages: the admin is not a member, so none is reachable.
        (reverse("groups:detail", args=[g]), refused),
        (reverse("groups:members", args=[g]), refused),
        (reverse("groups:member_role", args=[g, member.pk]), refused | {405}),
        (reverse("reports:group", args=[g]), refused),
        (reverse("reports:group_file", args=[g, "csv"]), refused),
        (reverse("reports:me", args=[g]), refused),
        (reverse("rounds:list", args=[g]), refused),
        (reverse("rounds:detail", args=[g, r1]), refused),
        (reverse("rounds:order", args=[g, r1]), refused),
        (reverse("rounds:pick_lists", args=[g, r1]), refused),
        (reverse("rounds:collection", args=[g, r1]), refused),
        (reverse("ledger:account", args=[g]), refused),
        (reverse("ledger:overview", args=[g]), refused),
        (reverse("ledger:transactions", args=[g]), refused),
        (reverse("ledger:export_csv", args=[g]), refused),
        ("/admin/", {302}),
        ("/admin/groups/membership/", {302}),
        ("/admin/reports/memberroundfigures/", {302}),
    ]
    if account is not None:
        pages.append((reverse("ledger:account_detail", args=[g, account.pk]), refused))
    return pages


def test_no_page_export_or_api_operation_shows_the_admin_a_person(
    programme_world: dict[str, Any],
) -> None:
    w = programme_world
    people, amounts = [*w["people"]], _individual_amounts()
    aggregates = {"36.00", "9.00", "0.00", "120.00", "380.00"}
    assert not amounts & aggregates  # the data keep one person's amounts apart from totals
    client = Client()
    assert client.login(email=w["admin"].email, password=PASSWORD)
    for path, statuses in _web_pages(w):
        response = client.get(path)
        assert response.status_code in statuses, (path, response.status_code)
        text = response.getvalue().decode()
        assert _leaks(text, people, amounts) == [], path
    where = [w["employer"].slug, w["programme"].pk]
    dashboard = client.get(reverse("programmes:dashboard", args=where))
    page = dashboard.content.decode()
    assert "£36.00" in page and "£380.00" in page and "£120.00" in page
    assert "£24.00" not in page  # week 2's four people
    # The split by how people joined (3 cells) and week 2's row (4): each cell says so.
    assert page.count('<span class="meta">fewer than 5</span>') == 3 + 4
    exported = client.get(reverse("programmes:dashboard_csv", args=where))
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert ["Week 1 (" in r[0] for r in rows].count(True) == 4
    assert [r[2] for r in rows if r[0].startswith("Week 2")] == ["fewer than 5"] * 4
    assert ["Totals", "Orders' value", "£36.00"] in rows
    # The workbook holds the CSV's cells, floored alike, and no person.
    workbook = client.get(reverse("programmes:dashboard_xlsx", args=where))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    cells = [[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[1:] == rows[1:]
    assert _leaks("\n".join(" ".join(r) for r in cells), people, amounts) == []
    # The charts: week 1's bar only (week 2 had four people), titled with the shown totals.
    assert "People in the programme ordered £36.00 in 1 round<" in page
    assert "1 round with fewer than 5 people ordering is left out." in page
    # Every GET operation of the API, with the programme's group, rounds and members' ids.
    member = Membership.objects.get(group=w["programme"].group, user=people[0])
    values: dict[str, object] = {
        "slug": w["programme"].group.slug, "org_slug": w["employer"].slug,
        "programme_id": w["programme"].pk, "round_id": w["week1"].pk,
        "membership_id": member.pk,
    }  # fmt: skip
    for method, template in operations():
        if method != "GET":
            continue
        names = re.findall(r"{(\w+)}", template)
        path = "/api/v1" + template.format(**{n: values.get(n, 1) for n in names})
        response = client.get(path)
        text = response.getvalue().decode(errors="replace")
        assert _leaks(text, people, amounts) == [], path
        if template.startswith("/groups/{slug}"):
            assert response.status_code in {403, 404, 422}, path  # 422: a path value refused


def test_the_admin_named_coordinator_reaches_members_through_that_role_only() -> None:
    admin = make_user("Asha Patel")
    programme = make_programme(make_employer(admin), admin, coordinator=admin)
    client = Client()
    assert client.login(email=admin.email, password=PASSWORD)
    assert client.get(reverse("groups:members", args=[programme.group.slug])).status_code == 200
