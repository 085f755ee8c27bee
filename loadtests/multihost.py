"""Several centre hosts on this machine, as deployed (issue 16 §1): namespaces, HAProxy, one
PostgreSQL and one Redis, the units' own processes; a host lost under load, and brought back.

Each host runs in a network namespace of its own (``multihost_net``) what
infra/deploy/systemd/kofu-host.target starts, from the unit files (``multihost_hosts``);
HAProxy runs infra/deploy/haproxy/haproxy.cfg in front, PostgreSQL and Redis run with
infra/deploy/postgresql/kofu.conf and infra/deploy/redis/kofu.conf, all private to the run
(free ports, a temporary directory) and stopped by PID; the namespaces are deleted at the end.

MULTIHOST_MODE:
- ``campaign`` (the default; ``make deploy-test``): the chaos run's load (CHAOS_KIOSKS, default 50
  kiosks, through HAProxy) with one fault, ``host_loss``: every process of host 1 killed for
  CHAOS_SECONDS_PER_FAULT seconds, then the host started again. Its row (terminal, stuck,
  lost, double-billed, 5xx…), where each kiosk's calls landed, the 5xx HAProxy answered (cut
  connections or not), the documents read back, billing; written to ``var/multihost/latest.json``.
- ``bench`` (``make bench-hosts``): Locust through HAProxy (BENCH_USERS, 30; BENCH_SECONDS, 60)
  with host 1 alone, then with both, in the same run: issuances/s each, to
  ``var/multihost/bench.json``.
- ``serve`` (``make deploy-local``): starts it all, prints how to issue a certificate through
  it, and waits for Ctrl-C. MULTIHOST_KEEP=1 keeps the run's directory (data, logs) at exit.

The other CHAOS_* variables are the chaos run's (loadtests/chaos.py); here
CHAOS_DOCUMENT_TTL_SECONDS defaults to 30 and CHAOS_STUCK_SECONDS to 90 (see below).
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("CHAOS_KIOSKS", "50")
os.environ.setdefault("CHAOS_FAULTS", "host_loss")
# A render under way on the lost host is requeued by the sweeper after 30 s; its kiosk may have
# given up by then, so its document waits for the TTL and a sweep (10 s) to expire: the stuck
# deadline must lie past 30 s + the backlog + the TTL + 10 s.
os.environ.setdefault("CHAOS_DOCUMENT_TTL_SECONDS", "30")
os.environ.setdefault("CHAOS_STUCK_SECONDS", "90")

import chaos  # noqa: E402
from bench_processes import BIN, ROOT, kofu, log, open_all_hours, start  # noqa: E402
from chaos_faults import Fault  # noqa: E402
from chaos_measure import Ledger, read_5xx, read_journal  # noqa: E402
from chaos_report import rows_for, table  # noqa: E402
from chaos_services import PrivatePostgres, PrivateRedis, free_port, remove_tree  # noqa: E402
from multihost_bench import bench  # noqa: E402
from multihost_hosts import Balancer, Host, Supervisor  # noqa: E402
from multihost_net import Network  # noqa: E402
from multihost_report import billing, read_balancer_log, read_documents  # noqa: E402

DEPLOY = ROOT / "infra" / "deploy"
OUT = ROOT / "var" / "multihost"
HOSTS = 2


class MultiHostRig(chaos.Rig):
    """The chaos rig's shape (what ``chaos.campaign`` drives), spread over hosts."""

    # A kiosk mid-flow when the load stops finishes it (its longest wait for a document, then
    # its print report), so no request is left downloaded and never reported by the load's end.
    stop_timeout_s = 70

    def __init__(self, stack: ExitStack, root: Path, config: chaos.Config) -> None:
        self.stack, self.root, self.config = stack, root, config
        self.logs = root / "logs"
        self.logs.mkdir()
        self.net = Network(HOSTS)
        self.postgres: PrivatePostgres | None = None  # type: ignore[assignment]
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.hosts: list[Host] = []
        self.supervisor: Supervisor | None = None
        self.balancer: Balancer | None = None
        self.burst, self.own_server, self.restarts_seen = None, None, 0
        self.env: dict[str, str] = {}
        self.host_loss_at = self.host_back_at = 0.0
        self.host_loss_figures: dict[str, float] = {}

    def up(self, hosts_started: int = HOSTS) -> None:
        self.net.create()
        self.stack.callback(self.net.remove)
        atexit.register(self.net.remove)  # also when the stack cannot unwind (a second signal)
        listen = ("127.0.0.1", *self.net.gateways)
        self.postgres = PrivatePostgres(self.root, listen, DEPLOY / "postgresql" / "kofu.conf",
                                        self.net.subnet)  # fmt: skip
        self.redis = PrivateRedis(self.root, listen, DEPLOY / "redis" / "kofu.conf")
        self.postgres.init()
        self.stack.callback(self.postgres.stop)
        self.redis.start()
        self.stack.callback(self.redis.stop, False)
        shared = {
            "KOFU_DATA_DIR": str(self.root / "data"),  # the same keys and PKI on every host
            "KOFU_KIOSK_KEY_PEPPER": secrets.token_hex(32),
            "KOFU_DOCUMENT_TTL_SECONDS": str(self.config.document_ttl_s),
            "KOFU_TRUSTED_PROXIES": "1",
        }
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KOFU_")}
        self.env.update(shared, KOFU_DATABASE_URL=self.postgres.url, KOFU_REDIS_URL=self.redis.url,
                        CHAOS_JOURNAL=str(self.root / "journal.txt"),
                        CHAOS_5XX=str(self.root / "5xx.txt"),
                        MULTIHOST_PDFS=str(self.root / "pdfs"),
                        MULTIHOST_CUT=str(self.root / "cut.txt"))  # fmt: skip
        (self.root / "pdfs").mkdir()
        kofu(self.env, "db", "upgrade", timeout=60)
        extra = str(max(2 * self.config.kiosks, 20))
        kofu(self.env, "demo", "load", "--extra-residents", extra, timeout=300)
        open_all_hours(self.postgres.url)
        for net in self.net.hosts:
            env_file = {
                **shared,
                "KOFU_DATABASE_URL": self.postgres.url.replace("127.0.0.1", net.gateway),
                "KOFU_REDIS_URL": self.redis.url.replace("127.0.0.1", net.gateway),
            }
            host = Host(net, self.root / f"host{net.index}", env_file, self.logs)
            self.stack.callback(host.stop)
            self.hosts.append(host)
        for host in self.hosts[:hosts_started]:
            host.start()
        self.balancer = Balancer(self.root, self.port, self.hosts, self.logs)
        self.balancer.start()
        self.stack.callback(self.balancer.stop)
        self.supervisor = Supervisor(self.hosts)
        self.supervisor.start()
        self.stack.callback(self.supervisor.stop)
        self.balancer.wait_for(
            {h.name: "UP" if i < hosts_started else "DOWN" for i, h in enumerate(self.hosts)}
        )

    def server_logs(self) -> list[Path]:
        """Each host's API log (``host1-kofu-api.log``…): one file per host, none shared."""
        return [host.api_log for host in self.hosts]

    def locust(self, seconds: float):  # type: ignore[no-untyped-def]
        argv = [
            str(BIN / "locust"), "-f", str(ROOT / "loadtests" / "multihost_locustfile.py"),
            "--headless", "-u", str(self.config.kiosks), "-r", str(self.config.kiosks),
            "-t", f"{int(seconds)}s", "--host", self.base_url, "--only-summary",
            "--csv", str(self.root / "locust"), "--stop-timeout", str(self.stop_timeout_s),
        ]  # fmt: skip
        log(f"locust: {self.config.kiosks} kiosks for {int(seconds)} s, through HAProxy")
        return start(self.stack, "locust", argv, self.env, self.logs)

    def revive_workers(self) -> int:
        """Processes the supervisor restarted since the last call (none is expected: a host
        taken down is not restarted by it)."""
        seen = self.supervisor.restarts if self.supervisor else 0
        new, self.restarts_seen = seen - self.restarts_seen, seen
        return new


def _host_down(rig: MultiHostRig) -> None:
    rig.hosts[0].kill()
    rig.host_loss_at = time.time()
    threading.Thread(target=_note_state, args=(rig, "DOWN", "down_noticed_s"), daemon=True).start()


def _host_up(rig: MultiHostRig) -> None:
    rig.hosts[0].start()
    rig.host_back_at = time.time()
    threading.Thread(target=_note_state, args=(rig, "UP", "back_in_service_s"), daemon=True).start()


def _note_state(rig: MultiHostRig, state: str, figure: str) -> None:
    """Seconds until HAProxy's check sees host 1 ``state``, into ``rig.host_loss_figures``."""
    began = time.time()
    assert rig.balancer is not None
    while time.time() - began < 120:
        if rig.balancer.states().get(rig.hosts[0].name, "").startswith(state):
            rig.host_loss_figures[figure] = round(time.time() - began, 1)
            return
        time.sleep(0.2)


def host_loss(seconds: float) -> Fault:
    return Fault("host_loss", seconds, _host_down, _host_up)


def campaign(rig: MultiHostRig, config: chaos.Config) -> dict:
    """The chaos campaign with the host-loss fault; every figure of the run."""
    baseline, windows, checked_at = chaos.campaign(rig, [host_loss(config.fault_s)])
    assert rig.postgres is not None and rig.balancer is not None
    ledger = Ledger(rig.postgres.url)
    rows, summary = rows_for(
        ledger, baseline, windows, read_journal(rig.root / "journal.txt"),
        read_5xx(rig.root / "5xx.txt"), checked_at - config.stuck_s, config.recovery_s,
    )  # fmt: skip
    rig.balancer.wait_for({h.name: "UP" for h in rig.hosts})  # the lost host is back
    return {
        "faults": rows,
        **summary,
        "states": ledger.states(),
        "hosts": HOSTS,
        "host_loss": {"host": rig.hosts[0].name, **rig.host_loss_figures},
        "balancer": read_balancer_log(rig.logs / "haproxy.log", rig.host_back_at),
        "documents": read_documents(rig.root / "pdfs"),
        "kiosk_calls_unanswered": len(read_5xx(rig.root / "cut.txt")),  # (when, call) lines
        "billing": billing(rig.postgres.url),
        "supervisor_restarts": rig.supervisor.restarts if rig.supervisor else 0,
    }


def serve(rig: MultiHostRig, keep: bool) -> None:
    """Print how to use the deployment (README: infra/README.md "Tested as deployed"), then
    wait for Ctrl-C."""
    data, cards = rig.root / "data", rig.root / "data" / "demo" / "cards"
    log(f"kiosks: {rig.base_url} (HAProxy) -> " + ", ".join(h.backend for h in rig.hosts))
    print(
        f"""
Issue a certificate through HAProxy (another terminal, as root like this run; in {ROOT}):
  KOFU_DATA_DIR={data} {BIN}/kofu-kiosk issue --centre {rig.base_url} \\
      --card {cards}/yamada-taro.json --pin 1234 --certificate juminhyo --members all --out out.pdf
  pdftotext out.pdf -
  KOFU_DATA_DIR={data} {BIN}/kofu demo cards     # the other demo cards and their PINs
  curl -s {rig.base_url}/readyz
Logs, one file per host and unit: {rig.logs}/host1-kofu-api.log, host2-kofu-api.log,
  host1-kofu-worker@1.log, @2 (and host2-…), haproxy.log (one line per call: its host)
On exit they are copied to {OUT / "logs"}; {rig.root} (data, databases, logs) is
  {"kept (MULTIHOST_KEEP=1)" if keep else "removed: MULTIHOST_KEEP=1 make deploy-local keeps it"}.
Ctrl-C stops everything.
""",
        flush=True,
    )
    try:
        signal.pause()
    except KeyboardInterrupt:
        log("stopping")


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if os.geteuid() != 0:
        sys.exit("multihost: network namespaces need root (ip netns)")
    mode = os.environ.get("MULTIHOST_MODE") or "campaign"
    name = "bench.json" if mode == "bench" else "latest.json"
    os.environ.setdefault("CHAOS_OUT", str(OUT / name))
    config = chaos.Config.from_env()
    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="kofu-multihost-"))
    keep = os.environ.get("MULTIHOST_KEEP") == "1"  # the run's directory, for a look afterwards
    with ExitStack() as stack:
        if not keep:
            stack.callback(remove_tree, root)
        rig = MultiHostRig(stack, root, config)
        try:
            rig.up(1 if mode == "bench" else HOSTS)
            if mode == "serve":
                serve(rig, keep)
                return 0
            figures = bench(rig) if mode == "bench" else campaign(rig, config)
        finally:
            kept = OUT / "logs"
            kept.mkdir(parents=True, exist_ok=True)
            for stale in [*kept.glob("*.log"), *kept.glob("*.txt")]:
                stale.unlink()  # this run's files only (an older run's serve.log misled)
            for source in [*rig.logs.glob("*.log"), *root.glob("*.txt")]:
                (kept / source.name).write_bytes(source.read_bytes())
    figures = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "mode": mode,
               "config": {k: str(v) for k, v in vars(config).items()}, **figures,
               "wall_seconds": round(time.monotonic() - began, 1)}  # fmt: skip
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    if mode == "campaign":
        print("\n" + table(figures["faults"], figures) + "\n", flush=True)
    print(json.dumps({k: v for k, v in figures.items() if k not in ("faults", "config")},
                     indent=2, ensure_ascii=False), flush=True)  # fmt: skip
    log(f"wrote {config.out} in {figures['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
