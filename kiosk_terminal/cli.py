"""`kofu kiosk …`: the kiosk program's commands."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.headless import issue


def _token(kiosk: str, data_dir: Path) -> str:
    """A kiosk's bearer token: KOFU_KIOSK_TOKEN, else the demo credentials file."""
    if os.environ.get("KOFU_KIOSK_TOKEN"):
        return os.environ["KOFU_KIOSK_TOKEN"]
    tokens_path = data_dir / "demo" / "kiosks.json"
    if not tokens_path.exists():
        raise click.ClickException(
            f"no credential for kiosk {kiosk}: set KOFU_KIOSK_TOKEN or run `kofu demo load`"
        )
    tokens = json.loads(tokens_path.read_text())
    if kiosk not in tokens:
        raise click.ClickException(f"unknown demo kiosk {kiosk}; known: {', '.join(tokens)}")
    return tokens[kiosk]


@click.group("kiosk")
def kiosk() -> None:
    """A kiosk talking to the centre over HTTP, like any vendor's."""


@kiosk.command("issue")
@click.option("--card", "card_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--pin", required=True)
@click.option("--certificate", default="juminhyo", show_default=True)
@click.option("--members", default="all", type=click.Choice(["all", "self"]), show_default=True)
@click.option("--honseki/--no-honseki", default=False, help="show 本籍・筆頭者")
@click.option("--relationship/--no-relationship", default=True, help="show 世帯主・続柄")
@click.option("--my-number/--no-my-number", default=False, help="show 個人番号")
@click.option("--copies", default=1, show_default=True)
@click.option("--centre", default="http://127.0.0.1:8000", show_default=True)
@click.option("--kiosk", "kiosk_id", default="K0001", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, envvar="KOFU_DATA_DIR")
def issue_command(
    card_path: Path,
    pin: str,
    certificate: str,
    members: str,
    honseki: bool,
    relationship: bool,
    my_number: bool,
    copies: int,
    centre: str,
    kiosk_id: str,
    out: Path,
    data_dir: Path | None,
) -> None:
    """Run one whole issuance and confirm the print; a refusal exits 2 with its code and message."""
    client = CentreClient(centre, _token(kiosk_id, data_dir or Path("var")))
    options = {
        "members": members,
        "show_honseki": honseki,
        "show_relationship": relationship,
        "show_my_number": my_number,
    }
    outcome = issue(
        client,
        card_path,
        pin,
        certificate,
        options,
        out,
        copies,
        say=lambda line: click.echo(line, err=True),
    )
    if not outcome.ok:
        click.echo(f"{outcome.code}\n{outcome.message_ja}\n{outcome.message_en}", err=True)
        sys.exit(2)
    click.echo(f"printed {out} (serial {outcome.request and outcome.request.get('serial')})")
