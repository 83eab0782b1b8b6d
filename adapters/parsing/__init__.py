"""Parsing adapter: HTML → text, quoted history, signatures and legal footers removed."""
