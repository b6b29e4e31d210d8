"""Tenders: requests for quotes from pooled demand, sealed bids, awards by the tender contract.

The flow: organisers (a federation's coordinators, or a group's) draft a tender (`services`),
fill its items from pooled demand (`demand`), invite suppliers that have supplier users, and
publish; invited suppliers bid, revise and withdraw until the deadline (`bidding`); afterwards
the organisers award it by `coopbuy.core.tender.award` (`adapters` writes the contract's input)
and confirm it, which turns the winning bids into catalogues, or record why not
(`confirmation`). Members of the owner's groups see their expected saving and opt in.

Decisions where the brief is silent:

- Sealed bids: prices live only on `BidRevision`/`BidLine`; the one reader of their content is
  `selectors.bids_for_award`, which refuses before the deadline. The admin site lists `Bid`
  metadata only and does not register revisions or lines. A supplier reads its own bid.
- History: a revision or a withdrawal is a new `BidRevision`; none is ever changed.
- An "absurd" price is above 100,000 per unit (`bidding.MAX_UNIT_PRICE`): a typo, refused.
- Item codes are the products' SKUs as written, so past allocations (by SKU) give the savings.
- The award is stored as the contract's JSON output (and its input), exactly as the engine
  returned it; pages and the API show it with supplier names added.
"""
