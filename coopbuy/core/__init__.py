"""The maths of buying together: money, pricing, cost sharing, allocation, ledger.

Pure Python: nothing here imports Django or any other part of coopbuy (an import-linter contract
checks it). Its public contract is `shared/specs/allocation.md`.
"""
