"""The systemd units of infra/deploy/systemd/, read so a test host starts exactly what they say.

A unit's ``ExecStart``, ``Environment``, ``EnvironmentFile``, ``Restart`` and ``RestartSec`` are
read; the absolute paths of a deployed host (``/opt/kofu/.venv/bin``, ``/etc/kofu``, ``/run``)
are mapped onto the test's own (this checkout's virtualenv, a host's directory).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

UNITS = Path(__file__).resolve().parent.parent / "infra" / "deploy" / "systemd"
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Unit:
    """What a service unit starts: argv, environment, and whether systemd restarts it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    restart_always: bool
    restart_sec: float


def _service_section(text: str) -> list[tuple[str, str]]:
    """``(key, value)`` of the ``[Service]`` section, in order (comments left out)."""
    entries, section = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "Service" and "=" in line:
            key, value = line.split("=", 1)
            entries.append((key.strip(), value.strip()))
    return entries


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines (systemd's EnvironmentFile, without quotes or continuations)."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def load_unit(filename: str, paths: dict[str, Path], instance: str = "") -> Unit:
    """The unit ``filename`` of infra/deploy/systemd with ``paths`` (deployed prefix → local
    path, e.g. ``{"/opt/kofu/.venv/bin": …}``) applied, ``%i`` set to ``instance``.

    The environment is the EnvironmentFile's, then Environment= lines over it; ``$VAR`` and
    ``${VAR}`` in ExecStart are expanded from it, as systemd does. Raises ValueError on a unit
    without exactly one ExecStart.
    """

    def local(value: str) -> str:
        value = value.replace("%i", instance)
        for deployed, here in paths.items():
            value = re.sub(rf"(?<![\w/]){re.escape(deployed)}(?=/|$|\s)", str(here), value)
        return value

    env: dict[str, str] = {}
    argv: list[str] = []
    restart, restart_sec = "no", 0.1  # systemd's defaults
    starts = 0
    for key, value in _service_section((UNITS / filename).read_text(encoding="utf-8")):
        if key == "EnvironmentFile":
            env.update(read_env_file(Path(local(value.lstrip("-")))))
        elif key == "Environment":
            for pair in shlex.split(value):
                name, _, setting = pair.partition("=")
                env[name] = local(setting)
        elif key == "ExecStart":
            starts += 1
            argv = [local(word) for word in shlex.split(value)]
        elif key == "Restart":
            restart = value
        elif key == "RestartSec":
            restart_sec = float(value.rstrip("s"))
    if starts != 1:
        raise ValueError(f"{filename}: expected one ExecStart, found {starts}")

    def expand(word: str) -> str:
        return VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), ""), word)

    name = filename.replace("@.", f"@{instance}.")
    return Unit(name, [expand(word) for word in argv], env, restart == "always", restart_sec)
