"""The group's bank details: where members send money, shown with their payment reference.

UK accounts are a sort code (6 digits, shown 12-34-56) and an account number (8 digits); elsewhere
an IBAN (checked with its mod-97 check digits) and optionally a BIC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import LedgerSettings
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import LedgerError, settings_for


@dataclass(frozen=True)
class BankDetails:
    account_name: str = ""
    sort_code: str = ""
    account_number: str = ""
    iban: str = ""
    bic: str = ""


def iban_is_valid(iban: str) -> bool:
    """ISO 13616: two letters, two check digits, up to 30 letters or digits; mod 97 equals 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def clean_bank_details(details: BankDetails) -> BankDetails:
    """The details in one stored form, or a LedgerError naming the field that is wrong."""
    name = " ".join(details.account_name.split())
    sort_code = re.sub(r"[\s-]", "", details.sort_code)
    number = re.sub(r"\s", "", details.account_number)
    iban = re.sub(r"\s", "", details.iban).upper()
    bic = re.sub(r"\s", "", details.bic).upper()
    if sort_code and not re.fullmatch(r"\d{6}", sort_code):
        raise LedgerError(_("A sort code has 6 digits, e.g. 12-34-56."), field="sort_code")
    if number and not re.fullmatch(r"\d{8}", number):
        raise LedgerError(_("An account number has 8 digits."), field="account_number")
    if bool(sort_code) != bool(number):
        field = "account_number" if sort_code else "sort_code"
        raise LedgerError(_("Give both the sort code and the account number."), field=field)
    if iban and not iban_is_valid(iban):
        raise LedgerError(
            _("This IBAN is not right: check it against a bank statement."), field="iban"
        )
    if bic and not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", bic):
        raise LedgerError(_("A BIC has 8 or 11 letters and digits."), field="bic")
    if (number or iban) and not name:
        raise LedgerError(
            _("Give the name on the account, as members' banks check it."), field="account_name"
        )
    return BankDetails(name[:70], sort_code, number, iban, bic)


def sort_code_shown(sort_code: str) -> str:
    return "-".join(sort_code[i : i + 2] for i in range(0, 6, 2)) if sort_code else ""


def iban_shown(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@transaction.atomic
def ledger_bank_details_update(
    *, group: BuyingGroup, actor: User, details: BankDetails
) -> LedgerSettings:
    """Set where members send money (treasurers and coordinators); empty fields clear it."""
    require_money_role(group=group, user=actor)
    clean = clean_bank_details(details)
    settings = LedgerSettings.objects.select_for_update(no_key=True).get(pk=settings_for(group).pk)
    settings.bank_account_name = clean.account_name
    settings.bank_sort_code = clean.sort_code
    settings.bank_account_number = clean.account_number
    settings.bank_iban = clean.iban
    settings.bank_bic = clean.bic
    settings.save(
        update_fields=[
            "bank_account_name",
            "bank_sort_code",
            "bank_account_number",
            "bank_iban",
            "bank_bic",
        ]
    )
    audit_record(
        action="ledger.bank_details_updated",
        summary=_("%(actor)s changed the group's bank details") % {"actor": actor.name},
        actor=actor,
        group=group,
        data={"account_name": clean.account_name, "has_iban": bool(clean.iban)},
    )
    return settings
