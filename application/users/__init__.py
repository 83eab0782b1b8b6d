"""Use cases of users, roles and API tokens (SPEC §8), one module each."""
