"""Helpers shared by the test suites of every area (factories); not imported by the app itself."""
