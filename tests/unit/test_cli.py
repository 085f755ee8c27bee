"""The `kofu` command line: lazy groups, and one platform per command, closed when it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from centre.settings import load_settings
from cli import context
from cli.main import COMMANDS, main

HEAVY = ("weasyprint", "demo", "municipal_server", "kiosk_terminal", "rendering")


def test_kofu_help_lists_every_group_without_importing_what_they_run() -> None:
    script = (
        "import sys\n"
        "from cli.main import main\n"
        "try:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert shown.splitlines()[-1] == "[]"
    for name in COMMANDS:
        assert f"  {name} " in shown


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_lazy_group_loads_the_command_it_names(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.name == name


class FakePlatform:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_a_command_gets_one_platform_and_it_is_closed_when_the_command_ends(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built: list[FakePlatform] = []

    def fake_bootstrap(settings: object, *, jobs: bool) -> FakePlatform:
        built.append(FakePlatform())
        return built[-1]

    monkeypatch.setattr(context, "bootstrap", fake_bootstrap)
    seen: list[bool] = []

    @click.command()
    @click.pass_context
    def uses_it_twice(ctx: click.Context) -> None:
        first, second = context.platform(ctx), context.platform(ctx)
        seen.append(first is second and not first.closed)

    settings = load_settings({"KOFU_DATA_DIR": str(tmp_path)})
    result = CliRunner().invoke(uses_it_twice, obj=settings)
    assert result.exit_code == 0, result.output
    assert seen == [True] and len(built) == 1 and built[0].closed


def test_a_failing_command_still_closes_its_platform(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built: list[FakePlatform] = []
    monkeypatch.setattr(
        context, "bootstrap", lambda settings, *, jobs: built.append(FakePlatform()) or built[-1]
    )

    @click.command()
    @click.pass_context
    def fails(ctx: click.Context) -> None:
        context.platform(ctx)
        raise click.ClickException("refused")

    result = CliRunner().invoke(fails, obj=load_settings({"KOFU_DATA_DIR": str(tmp_path)}))
    assert result.exit_code == 1
    assert built[0].closed
