"""Where a posting comes from: a source named by kind and id, never by a label.

A round's charges and its receiving adjustments name the round (`round`, its id); a top-up booked
from a bank line names the line; a supplier invoice's difference names the invoice; the two legs of
a transfer between books name the transfer; a campaign's charge when it tips names the campaign. A
booking a treasurer entered by hand (a top-up, a refund, an adjustment, a payment to a supplier)
has no other record: it is `manual`, without an id. A reversal names the same source as the
transaction it undoes (it is part of that thing's history); `Transaction.reverses` links the two.

Labels (`round_reference`, descriptions) stay what people read; renaming a round moves no money,
because nothing finds money by its label.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    ROUND = "round", _("Round")
    STATEMENT_LINE = "statement_line", _("Bank statement line")
    SUPPLIER_INVOICE = "supplier_invoice", _("Supplier invoice")
    TRANSFER = "transfer", _("Transfer between books")
    CAMPAIGN = "campaign", _("Campaign")
    MANUAL = "manual", _("Entered by hand")


# The model each kind's id points at (an app label, not an import: rounds sit above the ledger).
SOURCE_MODELS = {
    SourceKind.ROUND: "rounds.Round",
    SourceKind.STATEMENT_LINE: "ledger.StatementLine",
    SourceKind.SUPPLIER_INVOICE: "ledger.SupplierInvoice",
    SourceKind.TRANSFER: "ledger.Transfer",
    SourceKind.CAMPAIGN: "campaigns.Campaign",
}


@dataclass(frozen=True)
class Source:
    kind: str
    id: int | None = None

    @classmethod
    def round(cls, round_id: int) -> Source:
        return cls(SourceKind.ROUND, round_id)

    def as_fields(self) -> dict[str, object]:
        return {"source_kind": self.kind, "source_id": self.id}


MANUAL = Source(SourceKind.MANUAL)


def source_constraint(prefix: str) -> models.CheckConstraint:
    """A manual source has no id; every other source has one."""
    return models.CheckConstraint(
        condition=(models.Q(source_kind=SourceKind.MANUAL, source_id__isnull=True))
        | (~models.Q(source_kind=SourceKind.MANUAL) & models.Q(source_id__isnull=False)),
        name=f"{prefix}_source_has_id",
    )


def source_kind_field() -> models.CharField[str, str]:
    """The `source_kind` column of a model that names its source (manual unless told)."""
    return models.CharField(
        _("source"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL
    )


def source_id_field() -> models.PositiveBigIntegerField[int | None, int | None]:
    """The `source_id` column beside it: none for a manual source."""
    return models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
