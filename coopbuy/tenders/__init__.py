"""Tenders: requests for quotes from pooled demand, sealed bids, awards by the tender contract."""
