"""Pure domain of creditor-inbox: the EmailJob aggregate, its retry policy and value objects.

Imports nothing outside the standard library.
"""
