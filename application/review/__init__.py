"""Use cases of the review queue (SPEC §8), one module each."""
