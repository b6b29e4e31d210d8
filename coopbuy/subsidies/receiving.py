"""A round's subsidy worked out again after receiving: the subsidy follows the goods.

The receive step (`settings.COOPBUY_ROUND_RECEIVE_STEPS`) runs in a receiving session's own
transaction, after the members' charges are stored again and posted: a round's own receiving
(one product recorded), a group's drop of a pooled round, and a pooled round's receiving at the
federation (once for each child round). For every subsidy of the round not undone, the rules of
its close work out the subsidy again on the charges now, and **only the difference** is posted:
one `SubsidyAdjustment` with its lines (`SubsidyLine.adjustment`, signed), and

    organisation's book   subsidy fund                 debit  difference (credit when it shrank)
                          owed to the group (between)  credit difference
    group's book          owed by the organisation     debit  difference
                          each member's account        credit their difference (debit: less)

with a `Transfer` of the difference's size, from the organisation's book to the group's when the
subsidy grew and from the group's back to the organisation's when it shrank. Nothing of the
close is edited or deleted. A difference of zero in total that still moves money between
members (a fund shared pro rata, re-shared) is one posting in the group's book, no transfer.

The same as at close:

- **the rules**: those in force when the close paid the subsidy (active from the close's day,
  created before the close's subsidy and not ended then), in their order, each for the members
  it covers; a rule ended since still applies to its round;
- **the month**: the close's calendar month. The caps count every other round's subsidy of that
  month not undone (their adjustments included), earlier or later, as the close counts what the
  month paid already: so a member never gets more than the cap in a month. When a shortage frees
  room under a cap that bound at close, the freed room is **not** given again to the other
  rounds already closed in that month (their subsidies stay as they are); a round that closes
  later in the month finds it (its close counts what is paid now);
- **the fund**: the re-work draws on what the fund held when the close paid (the fund's balance
  just before the close's posting), and never more than the fund holds now plus what the round
  holds: a receiving never takes the fund below zero, and a top-up since the close never makes a
  round that ran the fund dry get more after its delivery came short.

A round the close paid nothing (no rules, an empty fund) is not subsidised at receiving either,
and a subsidy undone stays undone. Idempotent: the session's key (`key`, e.g. `receiving-<record>`)
names the adjustment (unique per subsidy) and both postings' system keys
`subsidy-round-<round>-programme-<programme>-<key>`; a session that changes nothing posts
nothing. The undo (`closing.round_subsidy_reverse`) reverses the adjustments' postings too.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor, quantize, to_minor
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import book_of
from coopbuy.rounds.billing import round_reference
from coopbuy.rounds.models import Round
from coopbuy.subsidies.books import organisation_book
from coopbuy.subsidies.closing import core_charges, used_this_month, work_out
from coopbuy.subsidies.models import RoundSubsidy, SubsidyAdjustment, SubsidyLine, SubsidyRule
from coopbuy.subsidies.posting import Wording, fund_locked, subsidy_post

Kind = Account.Kind
TxKind = Transaction.Kind


def subsidy_receive_step(
    *, round: Round, charges: Mapping[int, MemberCharge], actor: User | None, key: str
) -> None:
    """The receive step: every subsidy of the round not undone, worked out on `charges`."""
    for subsidy in RoundSubsidy.objects.filter(round=round, reversed_at__isnull=True).order_by(
        "pk"
    ):
        round_subsidy_rework(subsidy=subsidy, charges=charges, actor=actor, key=key)


def rules_of_close(subsidy: RoundSubsidy) -> list[SubsidyRule]:
    """The rules in force when the close paid `subsidy`, in their order."""
    closed = subsidy.round.closed_at or subsidy.created_at
    return list(
        SubsidyRule.objects.filter(
            programme_id=subsidy.programme_id,
            active_from__lte=timezone.localdate(closed),
            created_at__lte=subsidy.created_at,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=subsidy.created_at))
        .order_by("pk")
    )


def fund_at_close(subsidy: RoundSubsidy, fund: Account) -> int:
    """What the fund held (pence, never below zero) just before the close's posting."""
    held = Entry.objects.filter(
        account=fund, transaction_id__lt=subsidy.organisation_posting_id
    ).aggregate(s=Sum("amount"))["s"]
    return max(to_minor(quantize(held)), 0) if held is not None else 0


def held_now(subsidy: RoundSubsidy) -> dict[tuple[int, int], int]:
    """What each (rule, membership) holds of the round's subsidy now, in pence (zeros left out)."""
    rows = (
        SubsidyLine.objects.filter(subsidy=subsidy)
        .values_list("rule_id", "membership_id")
        .annotate(paid=Sum("amount"))
    )
    held = {
        (rule, member): to_minor(quantize(paid)) for rule, member, paid in rows
    }  # SQLite: floats
    return {line: amount for line, amount in held.items() if amount}


@transaction.atomic
def round_subsidy_rework(
    *,
    subsidy: RoundSubsidy,
    charges: Mapping[int, MemberCharge],
    actor: User | None,
    key: str,
) -> SubsidyAdjustment | None:
    """Post the difference between the subsidy the close's rules give on `charges` and what the
    round holds (None: no difference, or the subsidy was undone); once per `key`."""
    subsidy = (
        RoundSubsidy.objects.select_for_update(no_key=True)
        .select_related("programme__organisation", "round__group")
        .get(pk=subsidy.pk)
    )
    if subsidy.reversed_at is not None:
        return None
    known = SubsidyAdjustment.objects.filter(subsidy=subsidy, key=key[:120]).first()
    if known is not None:
        return known
    round, programme = subsidy.round, subsidy.programme
    rules = rules_of_close(subsidy)
    book = organisation_book(programme.organisation)
    group_book = book_of(round.group)
    fund = fund_locked(book, group_book)
    held = held_now(subsidy)
    member_charges = core_charges(charges)
    members = sorted({c.member for c in member_charges} | {m for _r, m in held})
    used = used_this_month(
        rules=rules, membership_ids=members, month=subsidy.month, excluding=subsidy
    )
    available = min(
        fund_at_close(subsidy, fund),
        max(to_minor(fund.balance), 0) + sum(held.values()),
    )
    target = work_out(
        programme=programme, rules=rules, charges=member_charges, used=used, fund=available
    )
    change = {
        line: target.get(line, 0) - held.get(line, 0)
        for line in sorted(set(target) | set(held))
        if target.get(line, 0) != held.get(line, 0)
    }
    if not change:
        return None
    reference = round_reference(round)
    organisation = programme.organisation
    posted = subsidy_post(
        round=round,
        book=book,
        group_book=group_book,
        fund=fund,
        lines=change,
        wording=Wording(
            transfer=_("Subsidy for %(round)s adjusted after the delivery") % {"round": reference},
            organisation=_("Subsidy to %(group)s for %(round)s adjusted after the delivery")
            % {"group": group_book.name, "round": reference},
            group=_("%(org)s's subsidy for %(round)s adjusted after the delivery")
            % {"org": organisation.name, "round": reference},
        ),
        actor=actor,
        key=system_key(f"subsidy-round-{round.pk}-programme-{programme.pk}-{key}"),
        booked_on=timezone.localdate(),
        reference=reference,
    )
    total = posted.total
    adjustment = SubsidyAdjustment.objects.create(
        subsidy=subsidy,
        key=key[:120],
        total=total,
        transfer=posted.transfer,
        organisation_posting=posted.organisation_posting,
        group_posting=posted.group_posting,
    )
    SubsidyLine.objects.bulk_create(
        SubsidyLine(
            subsidy=subsidy,
            adjustment=adjustment,
            rule_id=rule,
            membership_id=member,
            amount=from_minor(amount),
        )
        for (rule, member), amount in change.items()
    )
    audit_record(
        action="subsidies.round_subsidy_adjusted",
        summary=_("%(org)s's subsidy towards %(round)s changed by %(total)s after the delivery")
        % {"org": organisation.name, "round": reference, "total": total},
        actor=actor,
        group=round.group,
        data={
            "round": round.pk,
            "subsidy": subsidy.pk,
            "adjustment": adjustment.pk,
            "total": str(total),
            "key": key[:120],
        },
    )
    return adjustment
