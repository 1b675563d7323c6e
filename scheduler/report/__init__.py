"""Formatters: diagnostics (text/json/github/sarif), plans, history and status, as strings."""
