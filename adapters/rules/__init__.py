"""Offline extraction rules for German (and plain English) creditor replies."""
