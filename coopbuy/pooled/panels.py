"""The pooled rounds' panels. On the federation's money page (through
`settings.COOPBUY_FEDERATION_MONEY_PANELS`): what it owes each pooled round's supplier, and the
form to record paying one. On a child round's ordering and round pages (through
`settings.COOPBUY_ORDERING_PANELS`): pooled with N groups and the pool's totals while it is open;
what pooling saved (or cost) the member once it is closed. While the pool is open, the panel comes
back out of band in the answer to each basket change (`COOPBUY_BASKET_PANELS`)."""

from __future__ import annotations

from coopbuy.accounts.models import User
from coopbuy.federations.extensions import MoneyPanel
from coopbuy.federations.models import Federation
from coopbuy.groups.models import Membership
from coopbuy.pooled import selectors
from coopbuy.pooled.forms import FederationSupplierPaymentForm
from coopbuy.pooled.models import PooledGroupResult, PooledRound
from coopbuy.pooled.savings import saving_sentence
from coopbuy.rounds.extensions import Panel
from coopbuy.rounds.models import Round


def pooled_panel(*, round: Round, membership: Membership) -> Panel | None:
    if round.pool_id is None:
        return None
    pool = PooledRound.objects.select_related("federation", "supplier").get(pk=round.pool_id)
    progress = selectors.pool_progress(pool)
    context: dict[str, object] = {
        "pool": pool,
        "progress": progress,
        "others": progress.groups - 1,
        "currency": pool.currency,
    }
    if pool.status == PooledRound.Status.OPEN:  # its totals follow every group's baskets
        context["live"] = True
    saving = selectors.member_saving(round=round, membership_id=membership.pk)
    result = PooledGroupResult.objects.filter(round=round).first()
    if saving is not None and result is not None:
        context["saving"] = saving
        context["sentence"] = saving_sentence(
            saving.pooling_saving,
            pool.currency,
            others=progress.groups - 1,
            extra_cases=result.extra_cases,
        )
    return Panel("pooled/_panel.html", context)


def pooled_basket_panel(*, round: Round, membership: Membership) -> Panel | None:
    """The pool's panel while it is open (its totals follow the baskets); None otherwise."""
    panel = pooled_panel(round=round, membership=membership)
    return panel if panel is not None and panel.context.get("live") else None


def federation_payables_panel(
    *, federation: Federation, user: User, form: FederationSupplierPaymentForm | None = None
) -> MoneyPanel:
    """What the federation owes each supplier, with the form to pay one (the page's readers are
    its runners, who may pay)."""
    debts = selectors.supplier_debts(federation)
    form = form or FederationSupplierPaymentForm(user_id=user.pk, federation=federation)
    context = {"federation": federation, "debts": debts, "form": form}
    return MoneyPanel("pooled/_payables.html", context)
