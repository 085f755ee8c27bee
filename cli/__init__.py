"""The `kofu` command: one module per command group."""
