"""`kofu jpki …` commands of the test JPKI alone — revoke or reissue a card, a lost phone, a
phone certificate issued from a card. Never where real cards are read; cli/jpki.py lists them
by import string, so no production package imports this one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from cryptography.x509 import Certificate

from cli import context
from issuance.sessions.signature_schemes import CardGeneration, generation_of_key

CARD_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("revoke-card")
@click.argument("card", type=CARD_FILE)
@click.pass_context
def revoke_card_command(ctx: click.Context, card: Path) -> None:
    """Revoke the card's certificate; the phone certificates issued from it go with it."""
    from cryptography import x509

    from demo.jpki import TestJpki
    from demo.jpki_phone import revoke_card
    from kiosk_terminal.virtual_card import VirtualCard

    certificate = x509.load_der_x509_certificate(VirtualCard.load(card).certificate)
    jpki = TestJpki.load(context.settings(ctx).pki_dir, _generation(certificate))
    phones = revoke_card(jpki, certificate.serial_number, x509.ReasonFlags.key_compromise)
    click.echo(f"card certificate revoked, and {len(phones)} phone certificate(s) with it")


@click.command("reissue-card")
@click.argument("card", type=CARD_FILE)
@click.pass_context
def reissue_card_command(ctx: click.Context, card: Path) -> None:
    """A new card: a new certificate and key in CARD (same PIN), linked to the same resident
    from tomorrow; the old certificate revoked as superseded, and its phones with it."""
    from cryptography import x509

    from demo.jpki import TestJpki
    from demo.jpki_phone import revoke_card
    from issuance.index.model import CardLink
    from issuance.sessions.jpki import certificate_fingerprint
    from kiosk_terminal.virtual_card import VirtualCard

    old = VirtualCard.load(card)
    generation = _generation(x509.load_der_x509_certificate(old.certificate))
    jpki = TestJpki.load(context.settings(ctx).pki_dir, generation)
    certificate, key = jpki.issue_user_certificate()
    with context.platform(ctx).uow() as uow:
        link = uow.session.get(CardLink, certificate_fingerprint(old.certificate))
        if link is None:
            raise click.ClickException(f"{card} is linked to nobody")
        new = VirtualCard.issue(certificate, jpki.ca_certificate, key, old._pin, old.label)
        uow.session.add(
            CardLink(
                certificate_fingerprint=certificate_fingerprint(new.certificate),
                juminhyo_code=link.juminhyo_code,
                linked_at=datetime.now(UTC),
                usable_from=datetime.now(UTC).date() + timedelta(days=1),
            )
        )
        uow.commit()
    serial = x509.load_der_x509_certificate(old.certificate).serial_number
    phones = revoke_card(jpki, serial, x509.ReasonFlags.superseded)
    new.save(card)
    click.echo(f"card reissued (usable from tomorrow); {len(phones)} phone certificate(s) revoked")


@click.command("lose-phone")
@click.argument("phone", type=CARD_FILE)
@click.pass_context
def lose_phone_command(ctx: click.Context, phone: Path) -> None:
    """The phone is reported lost: only its certificate is revoked (the card stays valid)."""
    from cryptography import x509

    from demo.jpki import TestJpki
    from demo.jpki_phone import SmartphoneCa
    from kiosk_terminal.virtual_phone import VirtualPhone

    certificate = x509.load_der_x509_certificate(VirtualPhone.load(phone).certificate)
    smartphone = SmartphoneCa.open_or_create(TestJpki.load(context.settings(ctx).pki_dir))
    smartphone.revoke(certificate.serial_number, x509.ReasonFlags.key_compromise)
    click.echo("phone certificate revoked")


@click.command("issue-phone")
@click.argument("card", type=CARD_FILE)
@click.option("--platform", type=click.Choice(["android", "iphone"]), required=True)
@click.option("--pin", default="0000", help="Android: the phone certificate's own 4 digits")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def issue_phone_command(ctx: click.Context, card: Path, platform: str, pin: str, out: Path) -> None:
    """A smartphone certificate issued from CARD into a phone file, linked to its resident."""
    from cryptography import x509

    from demo.jpki import TestJpki
    from demo.jpki_phone import SmartphoneCa
    from demo.phones import issue_phone, link_like_card
    from issuance.sessions.phones import Credential
    from kiosk_terminal.virtual_card import VirtualCard

    source = VirtualCard.load(card)
    smartphone = SmartphoneCa.open_or_create(TestJpki.load(context.settings(ctx).pki_dir))
    certificate = x509.load_der_x509_certificate(source.certificate)
    phone = issue_phone(smartphone, certificate, Credential(platform), out.stem, pin, out)
    with context.platform(ctx).uow() as uow:
        link_like_card(uow, phone, source)
        uow.commit()
    click.echo(f"{platform} phone certificate issued into {out}")


def _generation(certificate: Certificate) -> CardGeneration:
    """The card's generation, so its own test JPKI revokes or reissues it."""
    return generation_of_key(certificate.public_key()) or CardGeneration.RSA2048
