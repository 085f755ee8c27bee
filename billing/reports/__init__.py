"""Reports for the hub and municipalities: cost structure, usage, their charts and PDFs."""
