"""A programme's subsidy applied when its group's round closes, and undone by a reversal.

The close step (`settings.COOPBUY_ROUND_CLOSE_STEPS`) runs in the close's own transaction, after
the members' charges are posted. For a round of a programme's group, the active rules (in their
order) work out what each member charged gets (`coopbuy.core.subsidy`: caps per calendar month
of the close, the fund shared when it runs dry). The money moves as one `Transfer` from the
organisation's book to the group's, with one posting in each book:

    organisation's book   subsidy fund                 debit  total   (the money leaves the fund)
                          owed to the group (between)  credit total
    group's book          owed by the organisation     debit  total
                          each member's account        credit their subsidy

The organisation's posting names the transfer as its source; the group's posting names the
round (a round is found in its group's book only: `ledger check` looks for it there), with the
kind `transfer`, so the round's own charges (`round_entries`) never include it. Both use the
system key `subsidy-round-<round>-programme-<programme>`, and the `RoundSubsidy` row is unique
per round and programme: a second close adds nothing. Receiving works the subsidy out again on
the new charges and posts the difference (`subsidies.receiving`); the undo reverses that too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core import subsidy as core
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor, quantize, to_minor
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import book_of, post
from coopbuy.ledger.sources import Source
from coopbuy.organisations.models import Programme
from coopbuy.rounds.billing import round_reference
from coopbuy.rounds.models import Round
from coopbuy.subsidies.books import organisation_book
from coopbuy.subsidies.models import RoundSubsidy, SubsidyLine, SubsidyRule
from coopbuy.subsidies.permissions import programme_of_group, require_subsidy_undoer
from coopbuy.subsidies.posting import Wording, fund_locked, subsidy_post
from coopbuy.subsidies.selectors import friends_and_family
from coopbuy.subsidies.services import SubsidyError

Kind = Account.Kind
TxKind = Transaction.Kind


def month_of(day: date) -> date:
    return day.replace(day=1)


def rules_in_force(programme: Programme, day: date) -> list[SubsidyRule]:
    """The programme's rules that apply to a round closed on `day`, in their order."""
    return list(
        SubsidyRule.objects.filter(
            programme=programme, active_from__lte=day, ended_at__isnull=True
        ).order_by("pk")
    )


def core_rule(rule: SubsidyRule) -> core.Rule:
    kind: core.RuleKind = "delivery" if rule.kind == "delivery" else "goods_percent"
    return core.Rule(
        id=rule.pk,
        kind=kind,
        percent=rule.percent,
        monthly_cap=None if rule.monthly_cap is None else to_minor(rule.monthly_cap),
        when_dry="nothing" if rule.when_dry == "nothing" else "partial",
    )


def used_this_month(
    *,
    rules: list[SubsidyRule],
    membership_ids: list[int],
    month: date,
    excluding: RoundSubsidy | None = None,
) -> dict[tuple[int, int], int]:
    """What each (rule, member) was paid in the month by subsidies not undone, in pence (their
    adjustments after receiving included); `excluding`: leave out that round's own subsidy."""
    lines = SubsidyLine.objects.filter(
        rule__in=rules,
        membership_id__in=membership_ids,
        subsidy__month=month,
        subsidy__reversed_at__isnull=True,
    )
    if excluding is not None:
        lines = lines.exclude(subsidy=excluding)
    rows = lines.values_list("rule_id", "membership_id").annotate(paid=Sum("amount"))
    # quantized first: SQLite adds decimals as floats (0.60 - 0.40 may come back 0.1999...)
    return {(rule, member): to_minor(quantize(paid)) for rule, member, paid in rows}


def core_charges(charges: Mapping[int, MemberCharge]) -> list[core.Charge]:
    """The members charged something, as the arithmetic takes them (by membership id)."""
    return [
        core.Charge(member=pk, goods=c.total - c.delivery, delivery=c.delivery)
        for pk, c in sorted(charges.items())
        if c.total > 0
    ]


def work_out(
    *,
    programme: Programme,
    rules: list[SubsidyRule],
    charges: list[core.Charge],
    used: Mapping[tuple[int, int], int],
    fund: int,
) -> dict[tuple[int, int], int]:
    """What each rule pays each member, (rule, membership) -> pence, zero amounts left out.

    Each rule in turn draws on what the fund has left, for the members it covers: a rule for
    employees only passes over those enrolled as friends and family.
    """
    family = friends_and_family(programme)
    left = max(fund, 0)
    paid: dict[tuple[int, int], int] = {}
    for rule in rules:
        covered = [
            c
            for c in charges
            if rule.covers == SubsidyRule.Covers.EVERYONE or c.member not in family
        ]
        given = core.subsidise([core_rule(rule)], covered, used=used, fund=left)
        paid.update(given)
        left -= sum(given.values())
    return paid


def subsidy_close_step(
    *, round: Round, charges: Mapping[int, MemberCharge], actor: User | None
) -> None:
    """The close step: subsidise the round's members if its group runs a programme."""
    programme = programme_of_group(group_id=round.group_id)
    if programme is None or not charges:
        return
    round_subsidy_apply(round=round, programme=programme, charges=charges, actor=actor)


@transaction.atomic
def round_subsidy_apply(
    *,
    round: Round,
    programme: Programme,
    charges: Mapping[int, MemberCharge],
    actor: User | None,
) -> RoundSubsidy | None:
    """Post the programme's subsidy of the round (None: nothing to pay); idempotent."""
    known = RoundSubsidy.objects.filter(round=round, programme=programme).first()
    if known is not None:
        return known
    day = timezone.localdate(round.closed_at or timezone.now())
    month = month_of(day)
    rules = rules_in_force(programme, day)
    if not rules:
        return None
    book = organisation_book(programme.organisation)
    group_book = book_of(round.group)
    fund = fund_locked(book, group_book)
    member_charges = core_charges(charges)
    used = used_this_month(
        rules=rules, membership_ids=[c.member for c in member_charges], month=month
    )
    paid = work_out(
        programme=programme,
        rules=rules,
        charges=member_charges,
        used=used,
        fund=to_minor(fund.balance),
    )
    if not paid:
        return None
    reference = round_reference(round)
    organisation = programme.organisation
    posted = subsidy_post(
        round=round,
        book=book,
        group_book=group_book,
        fund=fund,
        lines=paid,
        wording=Wording(
            transfer=_("Subsidy for %(round)s") % {"round": reference},
            organisation=_("Subsidy paid to %(group)s for %(round)s")
            % {"group": group_book.name, "round": reference},
            group=_("%(org)s pays towards %(round)s")
            % {"org": organisation.name, "round": reference},
        ),
        actor=actor,
        key=system_key(f"subsidy-round-{round.pk}-programme-{programme.pk}"),
        booked_on=day,
        reference=reference,
    )
    total, per_member = posted.total, posted.members
    assert posted.transfer and posted.organisation_posting and posted.group_posting  # paid > 0
    subsidy = RoundSubsidy.objects.create(
        round=round,
        programme=programme,
        month=month,
        total=total,
        members=len(per_member),
        transfer=posted.transfer,
        organisation_posting=posted.organisation_posting,
        group_posting=posted.group_posting,
    )
    SubsidyLine.objects.bulk_create(
        SubsidyLine(subsidy=subsidy, rule_id=rule, membership_id=member, amount=from_minor(amount))
        for (rule, member), amount in sorted(paid.items())
    )
    audit_record(
        action="subsidies.round_subsidised",
        summary=_("%(org)s paid %(total)s towards %(round)s for %(n)d member(s)")
        % {"org": organisation.name, "total": total, "round": reference, "n": len(per_member)},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "subsidy": subsidy.pk, "total": str(total)},
    )
    return subsidy


@transaction.atomic
def round_subsidy_reverse(*, subsidy: RoundSubsidy, actor: User, reason: str = "") -> RoundSubsidy:
    """Undo one round's subsidy: both postings reversed exactly, and those of every adjustment
    after receiving; the month's caps given back."""
    programme = subsidy.programme
    require_subsidy_undoer(programme=programme, user=actor)
    subsidy = RoundSubsidy.objects.select_for_update(no_key=True).get(pk=subsidy.pk)
    if subsidy.reversed_at is not None:
        raise SubsidyError(_("This subsidy has already been undone."))
    note = f" ({reason.strip()})" if reason.strip() else ""
    postings = [
        (subsidy.organisation_posting, f"subsidy-{subsidy.pk}-reversal"),
        (subsidy.group_posting, f"subsidy-{subsidy.pk}-reversal"),
    ]
    for adjustment in subsidy.adjustments.select_related(
        "organisation_posting", "group_posting"
    ).order_by("pk"):  # what receiving changed is undone too: the round's subsidy comes to zero
        key = f"subsidy-{subsidy.pk}-adjustment-{adjustment.pk}-reversal"
        if adjustment.organisation_posting is not None:
            postings.append((adjustment.organisation_posting, key))
        if adjustment.group_posting is not None:
            postings.append((adjustment.group_posting, key))
    for original, key in postings:
        entries = list(original.entries.select_related("account"))
        post(
            group=original.group,
            book=original.book,
            kind=TxKind.REVERSAL,
            description=(
                _("Reversal of #%(pk)s: %(what)s")
                % {"pk": original.pk, "what": original.description}
                + note
            ),
            legs=[(e.account, -e.amount) for e in entries],
            actor=actor,
            idempotency_key=system_key(key),
            source=Source(original.source_kind, original.source_id),
            round_reference=original.round_reference,
            reverses=original,
        )
    subsidy.reversed_at = timezone.now()
    subsidy.reversed_by = actor
    subsidy.save(update_fields=["reversed_at", "reversed_by"])
    audit_record(
        action="subsidies.round_subsidy_undone",
        summary=_("%(actor)s undid the subsidy of %(total)s for round %(round)s")
        % {"actor": actor.name, "total": subsidy.total, "round": subsidy.round_id},
        actor=actor,
        group=programme.group,
        data={"subsidy": subsidy.pk, "reason": reason},
    )
    return subsidy
