"""Employer programmes.

Work-email domains, enrolment, workplace pickup, the privacy-floored dashboard.
"""
