"""The fee ledger: one event per printed certificate, voids, statements."""
