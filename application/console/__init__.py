"""Use cases and read views of the web console (SPEC §9)."""
