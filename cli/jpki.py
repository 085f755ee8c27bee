"""`kofu jpki …`: stand-ins for JPKI's own services (each command in a module of its own)."""

from __future__ import annotations

import click

from cli.lazy import LazyGroup

COMMANDS = {
    "reset-reservation": (
        "cli.pin_reset.reset_reservation",
        "The PIN reset app's reservation for a card (valid 24 hours, used once).",
    ),
    # The test JPKI's own acts on cards and smartphone certificates (demo only).
    "revoke-card": (
        "demo.jpki_cli.revoke_card_command",
        "Test JPKI: revoke a card's certificate, and the phone certificates issued from it.",
    ),
    "reissue-card": (
        "demo.jpki_cli.reissue_card_command",
        "Test JPKI: a new certificate in the card file; the old one and its phones revoked.",
    ),
    "lose-phone": (
        "demo.jpki_cli.lose_phone_command",
        "Test JPKI: a phone reported lost, only its certificate revoked.",
    ),
    "issue-phone": (
        "demo.jpki_cli.issue_phone_command",
        "Test JPKI: a smartphone certificate (android, iphone) issued from a card.",
    ),
}


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS)
def jpki() -> None:
    """Stand-ins for JPKI's services to residents."""
