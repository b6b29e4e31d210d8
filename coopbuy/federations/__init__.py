"""Federations of buying groups.

Membership of groups, coordinators and treasurer, the federation's book, shared suppliers.
"""
