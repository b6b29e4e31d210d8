"""coopbuy: software for people who buy together.

Importing this package must stay cheap and free of Django, so that `coopbuy allocate` starts fast.
"""

__version__ = "0.1.0"
