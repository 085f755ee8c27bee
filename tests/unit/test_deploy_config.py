"""The deployment in infra/deploy/ is what systemd, HAProxy, PostgreSQL and Redis accept, and
what the multi-host test starts: `systemd-analyze verify` passes every unit, `haproxy -c`
the balancer's configuration, and the units restart what dies."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "infra" / "deploy"
UNITS = DEPLOY / "systemd"

# The reader the multi-host test starts the units with (loadtests/ is not a package).
_spec = importlib.util.spec_from_file_location(
    "multihost_units", ROOT / "loadtests" / "multihost_units.py"
)
assert _spec is not None and _spec.loader is not None
_units = importlib.util.module_from_spec(_spec)
sys.modules["multihost_units"] = _units  # dataclasses look their module up
_spec.loader.exec_module(_units)
load_unit = _units.load_unit


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        message = f"{name} not found (scripts/setup-system.sh installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}; KOFU_REQUIRE_SERVICES=1: CI must check the deployment")
        pytest.skip(message)
    return found


def _root_with_binaries(tmp_path: Path) -> Path:
    """A root directory holding what the units start (empty executables), systemd's own
    units (for the dependencies every unit gets) and ours in /etc/systemd/system."""
    root = tmp_path / "root"
    for path in ("/opt/kofu/.venv/bin/kofu", "/bin/rm", "/bin/mkdir", "/bin/chown"):
        binary = root / path.lstrip("/")
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    shutil.copytree("/lib/systemd/system", root / "lib" / "systemd" / "system", symlinks=True)
    shutil.copytree(UNITS, root / "etc" / "systemd" / "system")
    return root


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    root = _root_with_binaries(tmp_path)
    names = [p.name.replace("@.", "@1.") for p in sorted(UNITS.glob("kofu-*"))]
    done = subprocess.run(
        [analyze, f"--root={root}", "verify", *names],
        cwd=root / "etc" / "systemd" / "system", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout + done.stderr) == (0, ""), names


def test_systemd_analyze_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    """The check above is not vacuous: a misspelt restart policy is reported."""
    analyze = _tool("systemd-analyze")
    root = _root_with_binaries(tmp_path)
    unit = root / "etc" / "systemd" / "system" / "kofu-api.service"
    unit.write_text(unit.read_text().replace("Restart=always", "Restart=allways"))
    done = subprocess.run(
        [analyze, f"--root={root}", "verify", "kofu-api.service"],
        cwd=unit.parent, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "restart" in (done.stdout + done.stderr).lower()


def test_every_process_a_host_runs_is_restarted_when_it_dies(tmp_path: Path) -> None:
    (tmp_path / "kofu.env").write_text("KOFU_REDIS_URL=redis://10.0.0.1:6379/0\n")
    paths = {"/opt/kofu/.venv/bin": Path("/venv/bin"), "/etc/kofu": tmp_path,
             "/run": Path("/r")}  # fmt: skip
    api = load_unit("kofu-api.service", paths)
    worker = load_unit("kofu-worker@.service", paths, "2")
    assert api.argv[:2] == ["/venv/bin/kofu", "serve"]
    assert worker.argv == ["/venv/bin/kofu", "worker"]
    assert worker.name == "kofu-worker@2.service"
    assert (api.restart_always, worker.restart_always) == (True, True)
    assert api.env["PROMETHEUS_MULTIPROC_DIR"] == "/r/kofu-metrics"
    assert worker.env["KOFU_REDIS_URL"] == "redis://10.0.0.1:6379/0"  # the EnvironmentFile


def test_haproxy_accepts_the_balancer_configuration(tmp_path: Path) -> None:
    haproxy = _tool("haproxy")
    env = {**os.environ, "KOFU_LB_BIND": "127.0.0.1:8443", "KOFU_LB_SOCKET": str(tmp_path / "s"),
           "KOFU_LB_HOST1": "10.0.1.11:8000", "KOFU_LB_HOST2": "10.0.1.12:8000"}  # fmt: skip
    done = subprocess.run(
        [haproxy, "-c", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_balancer_routes_on_readiness_without_stickiness() -> None:
    config = (DEPLOY / "haproxy" / "haproxy.cfg").read_text()
    lines = [line.split("#")[0].strip() for line in config.splitlines()]
    assert "option httpchk GET /readyz" in lines
    assert "balance roundrobin" in lines
    assert "timeout check 4s" in lines  # above /readyz's 3 s database connect timeout
    assert not any(line.startswith(("cookie", "stick", "balance source")) for line in lines)


def test_postgres_has_room_for_every_pool_of_two_hosts(tmp_path: Path) -> None:
    """31 connections per process (pool 10 + overflow 20 + the sweeper's lock), 4 processes a
    host (kofu-api's 2 gunicorn workers, kofu-worker@1 and @2), 2 hosts, plus the reserved."""
    settings = {}
    for line in (DEPLOY / "postgresql" / "kofu.conf").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            settings[key.strip()] = value.split("#")[0].strip()
    (tmp_path / "kofu.env").write_text("")
    workers = load_unit("kofu-api.service", {"/etc/kofu": tmp_path}).argv
    per_host = 31 * (int(workers[workers.index("--workers") + 1]) + 2)
    reserved = int(settings["superuser_reserved_connections"])
    assert int(settings["max_connections"]) - reserved >= 2 * per_host


class _ShellNet:
    """A host's namespace played by a shell that says which host ran which command."""

    def __init__(self, index: int) -> None:
        self.index, self.address, self.gateway = index, f"10.0.{index}.2", f"10.0.{index}.1"

    def exec_prefix(self) -> list[str]:
        return ["sh", "-c", f'echo "host{self.index} ran $*"', "sh"]

    def kill_all(self) -> list[int]:
        return []


def test_each_hosts_api_logs_to_a_file_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make deploy-local`: host1-kofu-api.log holds host 1's API output, host2's its own;
    no file mixes the hosts' API lines without naming them."""
    monkeypatch.syspath_prepend(str(ROOT / "loadtests"))
    hosts_module = importlib.import_module("multihost_hosts")
    logs = tmp_path / "logs"
    logs.mkdir()
    hosts = [hosts_module.Host(_ShellNet(i), tmp_path / f"host{i}", {}, logs) for i in (1, 2)]
    for host in hosts:
        host.start()
        for proc in host.procs.values():
            proc.wait(timeout=30)
    for index, host in enumerate(hosts, start=1):
        api = host.api_log.read_text()
        assert host.api_log.name == f"host{index}-kofu-api.log"
        assert f"host{index} ran" in api and " serve " in api and " worker" not in api
        assert f"host{index} ran" in (logs / f"host{index}-kofu-worker@1.log").read_text()
    assert sorted(path.name for path in logs.iterdir()) == [
        f"host{i}-kofu-{unit}.log" for i in (1, 2) for unit in ("api", "worker@1", "worker@2")
    ]
