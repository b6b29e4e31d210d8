"""Failed logins are counted in the database for every process, the admin's login included."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from coopbuy.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str) -> bool:
    client.post(reverse("account_login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_for_every_process() -> None:
    user = make_user()
    for n in range(5):
        assert not login(Client(REMOTE_ADDR=f"10.0.0.{n}"), user.email, "wrong")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM coopbuy_cache")
        assert cursor.fetchone()[0] > 0  # counted in the database, not in this process
    caches.close_all()
    del caches["default"]  # as a fresh process (or a restart) would find it
    assert not login(Client(REMOTE_ADDR="10.0.1.1"), user.email, PASSWORD)


def test_the_right_password_still_works_before_the_limit() -> None:
    user = make_user()
    for _n in range(4):
        assert not login(Client(), user.email, "wrong")
    assert login(Client(), user.email, PASSWORD)


def test_the_admin_login_goes_through_the_throttled_login_page() -> None:
    admin = make_user("Admin")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    for _n in range(25):
        response = client.post(
            "/admin/login/", {"username": admin.email, "password": "wrong", "next": "/admin/"}
        )
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # the admin form logs no one in
    for _n in range(5):
        login(client, admin.email, "wrong")
    assert not login(client, admin.email, PASSWORD)  # throttled like everyone else
    assert client.get("/admin/").status_code == 302
