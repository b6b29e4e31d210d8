"""Tenders: who supplies a pooled demand, after suppliers bid for it (shared/specs/tender.md).

`award(problem) -> TenderResult` on plain frozen dataclasses (`problem.py`), solved exactly with
HiGHS (`model.py`); `tender_from_json` / `tender_result_to_json` are the contract's JSON
(`jsonio.py`); `coopbuy tender award` is the command line (`coopbuy/tender_cli.py`).

Readings where the spec is silent (a procurement officer must be able to justify each in public):

- Under `split: "lot"` an item without a `lot` is a lot of its own. A bid may win a lot even if
  it does not price every item of it (it supplies what it can; the rest stays uncovered, which
  the first goal already penalises), and it then supplies every item of the lot it prices, as
  many units as it can.
- "Awarded anything" means at least one unit; a bid with nothing awarded pays no delivery fee
  and shows `delivery_fee` 0, so `cost = goods + delivery_fee` holds for every bid.
- Ties after uncovered units, evaluated cost and money cost ("by bid id") are broken by
  minimising the sum, over awarded units, of their bid's position in id order: units go to the
  earlier id when two bids are otherwise equal. Any tie left after that (only with three or more
  bids exactly equal on every other count) is settled by HiGHS's deterministic search, so the
  same input still gives the same award.
- `alone_evaluated_cost` follows the bid's own terms: tiers at the whole quantity, its delivery
  fee, and null when the whole basket is below its minimum order, as when it lacks an item or
  capacity. `rank` orders the bids with an alone cost by it (then by money cost alone); equal
  costs share a rank (1, 2, 2, 4); a bid without one has no rank (null).
- Money is shown in the currency's minor unit (2 places for GBP); evaluated costs are rounded
  half up to it only when written out, and `totals.evaluated_cost` is the sum of the bids'
  displayed evaluated costs so that the published table adds up. The factor is shown exactly.
- Weights and scores have at most 4 decimal places, so every evaluated cost is an integer in
  units of 10^-8 of the minor unit and the solver compares integers.
"""

from coopbuy.core.tender.award import alone_cost, award
from coopbuy.core.tender.jsonio import tender_from_json, tender_result_to_json
from coopbuy.core.tender.problem import (
    SPLITS,
    Award,
    Bid,
    BidResult,
    Item,
    Price,
    Split,
    TenderObjective,
    TenderProblem,
    TenderResult,
    Tier,
    Totals,
    Uncovered,
)

__all__ = [
    "SPLITS",
    "Award",
    "Bid",
    "BidResult",
    "Item",
    "Price",
    "Split",
    "TenderObjective",
    "TenderProblem",
    "TenderResult",
    "Tier",
    "Totals",
    "Uncovered",
    "alone_cost",
    "award",
    "tender_from_json",
    "tender_result_to_json",
]
