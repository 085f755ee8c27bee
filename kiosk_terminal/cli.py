"""`kofu-kiosk`: the kiosk program (`issue` headless, `terminal` with its touch screen)."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import ExitStack
from pathlib import Path

import click

from kiosk_terminal.centre_client import CentreClient
from kiosk_terminal.headless import issue
from kiosk_terminal.lifetime import StopOnSignals


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


def kind_options(
    certificate: str,
    members: str,
    honseki: bool,
    relationship: bool,
    my_number: bool,
    tax_year: int | None,
    alias_history: bool = False,
) -> dict[str, object]:
    """The options each certificate kind takes (the centre refuses any others)."""
    if certificate in ("juminhyo", "juminhyo_kisai"):
        return {
            "members": members,
            "show_honseki": honseki,
            "show_relationship": relationship,
            "show_my_number": my_number,
            "show_alias_history": alias_history,
        }
    if certificate == "koseki_fuhyo":  # 本籍・筆頭者 only when asked, as on the screen
        return {"show_honseki": honseki}
    if certificate in ("kazei", "shotoku"):
        return {"tax_year": tax_year} if tax_year else {}
    return {}


@click.group("kofu-kiosk")
def kiosk() -> None:
    """A kiosk talking to the centre over HTTP, like any vendor's."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@kiosk.command("issue")
@click.option("--card", "card_path", type=click.Path(exists=True, path_type=Path), default=None)
@click.option(
    "--phone",
    "phone_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="a phone held to the reader instead of a card (スマホ用電子証明書)",
)
@click.option("--pin", default=None, help="the card's PIN, or an Android phone certificate's")
@click.option("--certificate", default="juminhyo", show_default=True)
@click.option("--members", default="all", type=click.Choice(["all", "self"]), show_default=True)
@click.option("--honseki/--no-honseki", default=False, help="show 本籍・筆頭者 (住民票 and 附票)")
@click.option("--relationship/--no-relationship", default=True, help="show 世帯主・続柄")
@click.option("--my-number/--no-my-number", default=False, help="show 個人番号")
@click.option(
    "--alias-history/--no-alias-history",
    default=False,
    help="住民票 of a 外国人住民: show 通称の記載及び削除に関する事項",
)
@click.option("--tax-year", type=int, default=None, help="課税・所得: 年度 (default: latest)")
@click.option("--copies", default=1, show_default=True)
@click.option("--centre", default="http://127.0.0.1:8000", show_default=True)
@click.option("--kiosk", "kiosk_id", default="K0001", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, envvar="KOFU_DATA_DIR")
def issue_command(
    card_path: Path | None,
    phone_path: Path | None,
    pin: str | None,
    certificate: str,
    members: str,
    honseki: bool,
    relationship: bool,
    my_number: bool,
    alias_history: bool,
    tax_year: int | None,
    copies: int,
    centre: str,
    kiosk_id: str,
    out: Path,
    data_dir: Path | None,
) -> None:
    """Run one whole issuance and confirm the print; a refusal exits 2 with its code and message.

    With ``--card`` or ``--phone`` (an iPhone takes no ``--pin``: Face ID on the phone)."""
    if (card_path is None) == (phone_path is None):
        raise click.UsageError("give --card or --phone")
    if pin is None and card_path is not None:
        raise click.UsageError("--card needs --pin")
    client = CentreClient(centre, _token(kiosk_id, data_dir or Path("var")))
    options = kind_options(
        certificate, members, honseki, relationship, my_number, tax_year, alias_history
    )
    outcome = issue(
        client,
        card_path or phone_path,  # type: ignore[arg-type]
        pin or "",
        certificate,
        options,
        out,
        copies,
        say=lambda line: click.echo(line, err=True),
    )
    if not outcome.ok:
        click.echo(f"{outcome.code}\n{outcome.message_ja}\n{outcome.message_en}", err=True)
        if outcome.code == "PIN_LOCKED" and card_path is not None:  # the app's reservation
            click.echo(f"kofu-kiosk reset-pin --card {card_path} resets it", err=True)
        sys.exit(2)
    click.echo(f"printed {out} (serial {outcome.request and outcome.request.get('serial')})")


@kiosk.command("reset-pin")
@click.option("--card", "card_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--signature-password", required=True, help="署名用電子証明書のパスワード")
@click.option("--new-pin", required=True, help="the new 4-digit PIN")
@click.option("--centre", default="http://127.0.0.1:8000", show_default=True)
@click.option("--kiosk", "kiosk_id", default="K0001", show_default=True)
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, envvar="KOFU_DATA_DIR")
def reset_pin_command(
    card_path: Path,
    signature_password: str,
    new_pin: str,
    centre: str,
    kiosk_id: str,
    data_dir: Path | None,
) -> None:
    """Reset a card's PIN with its reservation; a refusal exits 2 with its code and message."""
    from kiosk_terminal.headless_reset import reset_pin

    client = CentreClient(centre, _token(kiosk_id, data_dir or Path("var")))
    outcome = reset_pin(client, card_path, signature_password, new_pin)
    if not outcome.ok:
        click.echo(f"{outcome.code}\n{outcome.message_ja}\n{outcome.message_en}", err=True)
        sys.exit(2)
    click.echo(f"{outcome.message_ja} / {outcome.message_en}")


def _card_slot(reader: str | None, virtual_card: Path | None, state_dir: Path, cleanup: ExitStack):  # type: ignore[no-untyped-def]
    """PC/SC by default; with a virtual card, a private pcscd + vpcd when root, else in-process.
    The private pcscd's stop goes on ``cleanup`` before it starts, so any exit removes it."""
    from kiosk_terminal.card_slot import VirtualSlot
    from kiosk_terminal.pcscd import PrivatePcscd, missing_tools
    from kiosk_terminal.virtual_card import VirtualCard

    if virtual_card is not None:
        missing = missing_tools()
        if missing:
            click.echo(f"no pcscd here ({', '.join(missing)}): the card stays in-process", err=True)
            return VirtualSlot(VirtualCard.load(virtual_card))
        daemon = PrivatePcscd(state_dir / f"pcsc-{os.getpid()}")
        cleanup.callback(daemon.stop)
        daemon.start()
        os.environ["PCSCLITE_CSOCK_NAME"] = str(daemon.socket_path)
        daemon.insert(virtual_card.resolve())
        reader = reader or "Virtual PCD 00 00"
    from kiosk_terminal.pcsc import PcscReader

    return PcscReader(reader)


@kiosk.command("terminal")
@click.option("--centre", default="http://127.0.0.1:8000", show_default=True)
@click.option("--kiosk", "kiosk_id", default="K0001", show_default=True)
@click.option("--reader", default=None, help="PC/SC reader name (prefix); default the first")
@click.option(
    "--virtual-card",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="demo: put this card file in a virtual reader (private pcscd + vpcd when root)",
)
@click.option("--port", default=8080, show_default=True)
@click.option("--printer", default=None, help="CUPS printer name; default: write PDFs to --output")
@click.option("--output", type=click.Path(path_type=Path), default=Path("var/terminal/printed"))
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, envvar="KOFU_DATA_DIR")
def terminal_command(
    centre: str,
    kiosk_id: str,
    reader: str | None,
    virtual_card: Path | None,
    port: int,
    printer: str | None,
    output: Path,
    data_dir: Path | None,
) -> None:
    """Serve the kiosk's touch screen on 127.0.0.1 (show it in a browser in kiosk mode)."""
    from werkzeug.serving import make_server

    from kiosk_terminal.journal import PrintJournal
    from kiosk_terminal.printing import make_printer
    from kiosk_terminal.terminal import Terminal
    from kiosk_terminal.web import create_app

    data = data_dir or Path("var")
    client = CentreClient(centre, _token(kiosk_id, data))
    # From here on Ctrl-C, SIGTERM (`kofu demo run` stops us by PID) and SIGHUP all end in the
    # finally below, which stops the private pcscd and removes its network namespace.
    signals = StopOnSignals()
    cleanup = ExitStack()
    try:
        slot = _card_slot(reader, virtual_card, data / "terminal", cleanup)
        journal = PrintJournal(data / "terminal" / "print-journal.json")
        for request_id, reported in journal.report(client):  # what a crash left unconfirmed
            click.echo(f"print of request {request_id} reported late: {reported}", err=True)
        app = create_app(Terminal(slot, client, make_printer(printer, output), journal=journal))
        server = make_server("127.0.0.1", port, app, threaded=True)
        cleanup.callback(server.server_close)
        click.echo(f"kiosk terminal on http://127.0.0.1:{server.server_port}", err=True)
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        signals.stopping = True  # a second Ctrl-C must not cut the clean-up short
        cleanup.close()
