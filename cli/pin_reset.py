"""`kofu jpki reset-reservation`: the JPKI PIN reset app's reservation, made by hand.

The real app matches the resident's face on the phone against the card's photo, then gives
a reservation valid 24 hours for that card. This stand-in skips the face and names the card
by its user-authentication certificate: read from a card file, or given as a serial.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import click
from cryptography import x509

from cli.context import platform, refused


def serial_of_card_file(path: Path) -> int:
    """The user-authentication certificate serial of a virtual card file (its "certificate",
    DER in base64). ClickException if the file is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        der = base64.b64decode(document["certificate"], validate=True)
        return x509.load_der_x509_certificate(der).serial_number
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise click.ClickException(f"{path}: not a card file with a certificate") from error


def parse_serial(text: str) -> int:
    """A serial as hex (``0x`` optional, colons allowed, as openssl prints it)."""
    try:
        return int(text.lower().removeprefix("0x").replace(":", ""), 16)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a hexadecimal serial") from None


@click.command("reset-reservation")
@click.option("--card", "card_path", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--serial", default=None, help="the user-authentication certificate serial, hex")
@click.pass_context
def reset_reservation(ctx: click.Context, card_path: Path | None, serial: str | None) -> None:
    """Reserve a kiosk PIN reset for one card (--card FILE or --serial HEX); prints its id
    and when it expires (UTC). A newer reservation replaces an older one."""
    from issuance.errors import KofuError
    from issuance.pin_reset.services import reserve_pin_reset

    if (card_path is None) == (serial is None):
        raise click.UsageError("give exactly one of --card and --serial")
    number = serial_of_card_file(card_path) if card_path else parse_serial(str(serial))
    centre = platform(ctx)
    with centre.uow() as uow:
        try:
            reservation = reserve_pin_reset(uow, number, centre.now())
        except KofuError as error:
            raise refused(error) from None
        click.echo(
            f"reservation {reservation.id} for certificate serial "
            f"{reservation.certificate_serial} valid until {reservation.expires_at.isoformat()}"
        )
