"""An organisation's own ledger book and its accounts, opened on first use.

The book (kind `organisation`) holds the organisation's bank, its subsidy fund (`subsidies`: what
the organisation put in and has not yet paid out, so a positive balance is money left) and, for
payroll, its adjustments account (what it recovers from salaries); for team deals, its cash box
and its income account (kind `fees`, named "Team-deal sales": what its teams sold). Each group
it pays into gets a `between` account, opened by `coopbuy.ledger.transfers.between_account`.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coopbuy.ledger.models import Account, Book
from coopbuy.organisations.models import Organisation

Kind = Account.Kind
NAMES = {
    Kind.BANK: _("Bank"),
    Kind.SUBSIDIES: _("Subsidy fund"),
    Kind.ADJUSTMENTS: _("Payroll deductions recovered from salaries"),
    Kind.CASH: _("Cash"),
    Kind.FEES: _("Team-deal sales"),  # the book's income account (team deals' sales)
}


def organisation_book(organisation: Organisation) -> Book:
    """The organisation's book, opened (and linked to it) on first use."""
    if organisation.book_id is not None:
        return Book.objects.get(pk=organisation.book_id)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
        if locked.book_id is None:
            locked.book = Book.objects.create(
                kind=Book.Kind.ORGANISATION, name=organisation.name[:160]
            )
            locked.save(update_fields=["book"])
        book = Book.objects.get(organisation=locked)
        organisation.book_id = book.pk
        return book


def organisation_account(book: Book, kind: str) -> Account:
    """The book's bank, subsidy fund or adjustments account, opened on first use."""
    assert kind in NAMES, kind
    found = Account.objects.filter(book=book, kind=kind).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(book=book, kind=kind, name=str(NAMES[Kind(kind)]))
    except IntegrityError:  # opened by a concurrent request
        return Account.objects.get(book=book, kind=kind)


def fund_account(organisation: Organisation) -> Account:
    return organisation_account(organisation_book(organisation), Kind.SUBSIDIES)
