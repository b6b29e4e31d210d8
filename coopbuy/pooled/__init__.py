"""Pooled rounds.

One order across a federation's groups, allocated at two levels, with what pooling saved.
"""
