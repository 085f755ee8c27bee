"""`kofu document sign`: a PAdES-signed copy of an issued certificate, for electronic delivery."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli import context
from issuance.errors import KofuError


@click.group("document")
def document() -> None:
    """Issued documents: electronic copies."""


@document.command("sign")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def sign(ctx: click.Context, pdf: Path, out: Path) -> None:
    """Sign PDF (a certificate exactly as issued) with the centre's PAdES key into --out.

    A standard PDF reader shows the centre's signature; /api/verify/pdf answers genuine with
    electronic_signature "valid". Anything the centre did not issue is refused.
    """
    from issuance.authenticity.electronic_copy import sign_issued_copy
    from issuance.authenticity.pades import PadesFiles

    settings = context.settings(ctx)
    assert settings.pades_dir is not None
    files = PadesFiles(settings.pades_dir)
    missing = [p.name for p in (files.ca, files.cert, files.key) if not p.exists()]
    if missing:
        click.echo(
            f"PADES_KEY_MISSING: {', '.join(missing)} not in {settings.pades_dir} "
            "(KOFU_PADES_DIR; `kofu demo load` makes a test CA there)",
            err=True,
        )
        sys.exit(2)
    platform = context.platform(ctx)
    try:
        with platform.uow() as uow:
            signed = sign_issued_copy(uow, platform.keyring, files, pdf.read_bytes())
    except KofuError as refusal:
        click.echo(f"{refusal.code}: {refusal.message_ja} / {refusal.message_en}", err=True)
        sys.exit(2)
    out.write_bytes(signed)
    click.echo(f"signed copy written to {out}")
