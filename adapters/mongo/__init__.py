"""MongoDB adapters: the client portal's directory and the claim mirror (pymongo)."""
