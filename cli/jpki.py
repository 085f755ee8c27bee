"""`kofu jpki …`: stand-ins for JPKI's own services (each command in a module of its own)."""

from __future__ import annotations

import click

from cli.lazy import LazyGroup

COMMANDS = {
    "reset-reservation": (
        "cli.pin_reset.reset_reservation",
        "The PIN reset app's reservation for a card (valid 24 hours, used once).",
    ),
}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS)
def jpki() -> None:
    """Stand-ins for JPKI's services to residents."""
