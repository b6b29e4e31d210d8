from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.costshare import share_by_value
from coopbuy.core.ledger import (
    CreditRule,
    available_to_spend,
    cached_balance_problems,
    compare_shares,
    cross_group_problems,
    display_balance,
    is_valid_posting,
    may_spend,
    merge_entries,
    over_credit_problems,
    posting_problems,
    replay,
    reversal_of,
    reversal_problems,
    transaction_problems,
)

amounts = st.integers(-(10**7), 10**7).filter(bool)


@st.composite
def balanced_postings(draw: st.DrawFn) -> list[tuple[str, int]]:
    """Two or more non-zero entries on accounts a..e that sum to zero."""
    legs = draw(st.lists(st.tuples(st.sampled_from("abcde"), amounts), min_size=1, max_size=6))
    closing = -sum(a for _, a in legs)
    if closing == 0:
        legs = [*legs[:-1], (legs[-1][0], legs[-1][1] + 1)]
        closing = -1
    return [*legs, (draw(st.sampled_from("abcde")), closing)]


def test_a_top_up_is_a_valid_posting_and_one_leg_is_not() -> None:
    assert is_valid_posting([1000, -1000])
    assert [p.code for p in posting_problems([1000])] == ["too_few_entries", "unbalanced"]
    assert [p.code for p in posting_problems([500, -499])] == ["unbalanced"]
    assert [p.code for p in posting_problems([0, 0])] == ["zero_entry"]


@settings(max_examples=200, deadline=None)
@given(balanced_postings())
def test_balanced_postings_are_valid_and_any_change_of_one_amount_breaks_them(
    entries: list[tuple[str, int]],
) -> None:
    assert is_valid_posting([a for _, a in entries])
    tampered = [a for _, a in entries]
    tampered[0] += 1
    assert not is_valid_posting(tampered)


@settings(max_examples=200, deadline=None)
@given(st.lists(balanced_postings(), max_size=8))
def test_replayed_balances_of_balanced_postings_sum_to_zero(
    postings: list[list[tuple[str, int]]],
) -> None:
    balances = replay(e for posting in postings for e in posting)
    assert sum(balances.values()) == 0
    # A reversal of everything brings every account back to zero.
    undone = replay(e for posting in postings for e in [*posting, *reversal_of(posting)])
    assert all(v == 0 for v in undone.values())


@settings(max_examples=100, deadline=None)
@given(balanced_postings())
def test_merging_entries_keeps_the_balance_and_drops_netted_accounts(
    entries: list[tuple[str, int]],
) -> None:
    merged = merge_entries(entries)
    assert replay(merged) == {k: v for k, v in replay(entries).items() if v}
    assert len({k for k, _ in merged}) == len(merged)


def test_checks_name_the_transaction_or_account_at_fault() -> None:
    problems = transaction_problems({7: [100, -100], 8: [100, -90]})
    assert [str(p) for p in problems] == ["transaction 8: entries sum to 10 minor units, not 0"]
    problems = cached_balance_problems({"alice": 500, "bank": -500}, {"alice": 400, "bank": -500})
    assert [p.subject for p in problems] == ["account alice"]
    entries = {1: [("m", 100), ("b", -100)], 2: [("m", -100), ("b", 100)], 3: [("m", -100)]}
    assert reversal_problems({2: 1}, entries) == []
    codes = [p.code for p in reversal_problems({2: 1, 3: 1}, entries)]
    assert codes == ["reversed_twice", "reversal_mismatch"]
    assert [p.subject for p in cross_group_problems([(1, "a", "a"), (2, "a", "b")])] == [
        "transaction 2"
    ]


def test_the_credit_rule_says_how_much_a_member_can_still_order() -> None:
    rule = CreditRule(prepayment_required=True, credit_limit_minor=1000)
    assert available_to_spend(240, rule) == 1240
    assert available_to_spend(-1500, rule) == 0
    assert may_spend(1240, 240, rule) and not may_spend(1241, 240, rule)
    assert may_spend(0, -5000, rule)
    no_prepayment = CreditRule(prepayment_required=False)
    assert available_to_spend(-(10**6), no_prepayment) is None
    assert may_spend(10**9, -(10**6), no_prepayment)
    assert [p.subject for p in over_credit_problems({"a": -1001, "b": -1000}, rule)] == [
        "account a"
    ]
    assert over_credit_problems({"a": -(10**6)}, no_prepayment) == []


@settings(max_examples=200, deadline=None)
@given(
    balance=st.integers(-(10**6), 10**6),
    limit=st.integers(0, 10**5),
    spend=st.integers(0, 10**6),
)
def test_spending_what_the_rule_allows_never_goes_beyond_the_credit_limit(
    balance: int, limit: int, spend: int
) -> None:
    rule = CreditRule(prepayment_required=True, credit_limit_minor=limit)
    if may_spend(spend, balance, rule) and spend > 0:
        assert balance - spend >= -limit


def test_bank_and_cash_read_as_money_held() -> None:
    assert display_balance("bank", -1000) == 1000
    assert display_balance("member", -1000) == -1000


def test_a_shared_delivery_is_compared_with_what_it_costs_alone() -> None:
    goods = {"alice": D("60.00"), "bob": D("30.00"), "carol": D("130.00")}
    shares = share_by_value(D("9.00"), goods)
    rows = compare_shares(shares, goods, delivery_fee=D("9.00"), free_delivery_over=D("100.00"))
    assert [(r.member, r.share, r.alone) for r in rows] == [
        ("alice", D("2.46"), D("9.00")),
        ("bob", D("1.22"), D("9.00")),
        ("carol", D("5.32"), D("0.00")),
    ]
    assert rows[0].saving == D("6.54")
    assert sum(r.share for r in rows) == D("9.00")
