"""The fee ledger, tariffs and monthly statements; reports/ for cost structure and usage."""
