"""`kofu keys …`: the keys that sign every document's verification token."""

from __future__ import annotations

import click

from cli import context
from issuance.authenticity.tokens import Keyring


@click.group("keys")
def keys() -> None:
    """Document-signing keys (Ed25519): list, rotate."""


@keys.command("list")
@click.pass_context
def list_keys(ctx: click.Context) -> None:
    """Every key that still verifies, and which one signs now."""
    settings = context.settings(ctx)
    assert settings.signing_key_dir is not None
    keyring = Keyring(settings.signing_key_dir)
    current = keyring.current_kid()
    for kid in keyring.kids():
        click.echo(f"{kid}{'  (signing)' if kid == current else ''}")


@keys.command("rotate")
@click.pass_context
def rotate(ctx: click.Context) -> None:
    """Sign new documents with a new key; old documents keep verifying with theirs."""
    settings = context.settings(ctx)
    assert settings.signing_key_dir is not None
    click.echo(f"now signing with {Keyring(settings.signing_key_dir).rotate()}")
