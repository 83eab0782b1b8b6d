"""Use cases of creditor-inbox, one module each; they depend only on ports and the domain."""
