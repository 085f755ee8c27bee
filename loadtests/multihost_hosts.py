"""A centre host in its namespace (the units' processes, restarted as systemd would) and HAProxy.

``Host.start`` does what ``systemctl start kofu-host.target`` does on a deployed host: empty
the metrics directory (kofu-metrics-dir.service), then start kofu-api.service and
kofu-worker@1/@2.service, each from its unit file (``multihost_units``), in the host's network
namespace. ``Supervisor`` restarts a process that exits, after its RestartSec, when its unit
says ``Restart=always``, unless its host was taken down on purpose.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from bench_processes import BIN, ROOT, log
from multihost_net import HostNet
from multihost_units import Unit, load_unit

UNITS = (("kofu-api.service", ""), ("kofu-worker@.service", "1"), ("kofu-worker@.service", "2"))
HAPROXY_CFG = ROOT / "infra" / "deploy" / "haproxy" / "haproxy.cfg"
API_PORT = 8000  # kofu-api.service's --port


class Host:
    """One centre host: its directory (``etc/kofu.env``, ``run/``), its unit processes."""

    def __init__(self, net: HostNet, root: Path, env_file: dict[str, str], logs: Path) -> None:
        self.net, self.root, self.logs = net, root, logs
        self.name = f"host{net.index}"
        (root / "etc").mkdir(parents=True)
        (root / "run").mkdir()
        lines = [f"{key}={value}" for key, value in env_file.items()]
        (root / "etc" / "kofu.env").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.paths = {"/opt/kofu/.venv/bin": BIN, "/etc/kofu": root / "etc", "/run": root / "run",
                      "/opt/kofu": ROOT}  # fmt: skip
        self.units = [load_unit(f, self.paths, i) for f, i in UNITS]
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.down = True  # until started; and while taken down on purpose
        self.lock = threading.Lock()

    def log_of(self, unit_name: str) -> Path:
        """Where a unit's output goes: ``host1-kofu-api.log``, ``host1-kofu-worker@1.log``."""
        return self.logs / f"{self.name}-{unit_name.split('.')[0]}.log"

    @property
    def api_log(self) -> Path:
        """This host's API (gunicorn and its workers): its JSON lines and its tracebacks."""
        return self.log_of(UNITS[0][0])

    @property
    def backend(self) -> str:
        return f"{self.net.address}:{API_PORT}"

    def start(self) -> None:
        """Every unit, in order; the metrics directory emptied first."""
        with self.lock:
            metrics = self.root / "run" / "kofu-metrics"
            shutil.rmtree(metrics, ignore_errors=True)
            metrics.mkdir()
            for unit in self.units:
                self._start(unit)
            self.down = False

    def _start(self, unit: Unit) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "HOME": str(self.root), **unit.env}  # fmt: skip
        out = self.log_of(unit.name).open("ab")  # each host's own file, as its journal would be
        proc = subprocess.Popen(
            [*self.net.exec_prefix(), *unit.argv], env=env, cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        out.close()
        self.procs[unit.name] = proc
        log(f"{self.name}: started {unit.name} (pid {proc.pid})")

    def kill(self) -> int:
        """Every process in the namespace, SIGKILL at once; returns how many there were."""
        with self.lock:
            self.down = True
            pids = self.net.kill_all()
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    log(f"{self.name}: pid {proc.pid} outlived SIGKILL")
        log(f"{self.name}: killed {len(pids)} processes")
        return len(pids)

    def stop(self) -> None:
        """As ``systemctl stop``: SIGTERM to each main process, SIGKILL to what is left."""
        with self.lock:
            self.down = True
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
            self.net.kill_all()

    def restart_exited(self) -> list[str]:
        """Restart (Restart=always) what exited by itself; returns the units restarted."""
        restarted = []
        with self.lock:
            if self.down:
                return []
            for unit in self.units:
                proc = self.procs.get(unit.name)
                if unit.restart_always and proc is not None and proc.poll() is not None:
                    log(f"{self.name}: {unit.name} exited ({proc.returncode}); restarting")
                    time.sleep(unit.restart_sec)
                    self._start(unit)
                    restarted.append(unit.name)
        return restarted


class Supervisor(threading.Thread):
    """systemd's part on each host: a unit's process that exits is started again."""

    def __init__(self, hosts: list[Host]) -> None:
        super().__init__(daemon=True)
        self.hosts, self.restarts = hosts, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.5):
            for host in self.hosts:
                self.restarts += len(host.restart_exited())

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


class Balancer:
    """HAProxy with infra/deploy/haproxy/haproxy.cfg, its addresses from the environment."""

    def __init__(self, root: Path, port: int, hosts: list[Host], logs: Path) -> None:
        self.socket = root / "haproxy.sock"
        self.log = logs / "haproxy.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/bin"),
            "KOFU_LB_BIND": f"127.0.0.1:{port}",
            "KOFU_LB_SOCKET": str(self.socket),
            **{f"KOFU_LB_HOST{h.net.index}": h.backend for h in hosts},
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            ["haproxy", "-db", "-f", str(HAPROXY_CFG)], env=self.env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        out.close()
        log(f"haproxy on {self.env['KOFU_LB_BIND']} (pid {self.proc.pid})")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)  # soft stop: ends when connections do
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
            log(f"haproxy stopped (pid {self.proc.pid})")

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(5)
            client.connect(str(self.socket))
            client.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := client.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """Each server's check status (UP, DOWN, …), from ``show stat``."""
        try:
            lines = self.command("show stat").splitlines()
        except OSError:
            return {}
        header = lines[0].lstrip("# ").split(",") if lines else []
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {r["svname"]: r["status"] for r in rows if r.get("pxname") == "kofu_api"
                and r.get("svname") not in ("BACKEND", "FRONTEND")}  # fmt: skip

    def wait_for(self, wanted: dict[str, str], timeout: float = 90.0) -> None:
        """Until each named server's status starts with the wanted one (``UP``/``DOWN``)."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if all(states.get(s, "").startswith(w) for s, w in wanted.items()):
                log(f"haproxy: {states}")
                return
            if time.monotonic() > deadline or (self.proc and self.proc.poll() is not None):
                raise SystemExit(f"multihost: haproxy says {states}, wanted {wanted}")
            time.sleep(0.5)
