"""Employer subsidies applied at round close, the subsidy fund, payroll deduction and its export."""
