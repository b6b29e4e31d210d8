"""Subsidies and payroll: the tables."""

from __future__ import annotations
