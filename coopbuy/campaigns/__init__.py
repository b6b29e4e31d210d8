"""Campaigns: prices that drop as more people join, going ahead only at a tipping point."""
