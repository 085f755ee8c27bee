"""Test hosts on this machine: one network namespace per centre host, joined by a veth pair.

Host ``i`` of a run gets the namespace ``kofu-h<i>-<pid>``, its end of the pair at
``10.213.<n>.<4i+2>/30`` and the machine's end at ``10.213.<n>.<4i+1>`` (where PostgreSQL,
Redis and HAProxy listen), ``n`` a third octet no address of this machine uses yet. Everything
is removed by name in ``remove`` (deleting a namespace deletes its end of the pair, and the pair).
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass

from bench_processes import log

SUBNET = "10.213"


def _ip(*args: str, check: bool = True) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def _free_octet() -> int:
    used = _ip("-o", "-4", "addr", "show")
    for octet in range(1 + os.getpid() % 200, 255):
        if f" {SUBNET}.{octet}." not in used:
            return octet
    raise RuntimeError(f"no free {SUBNET}.x.0/24 on this machine")


@dataclass(frozen=True)
class HostNet:
    """One host's namespace and addresses."""

    index: int
    namespace: str
    address: str  # the host's own, inside its namespace
    gateway: str  # the machine's end of the pair: where the shared services listen

    def exec_prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.namespace]

    def pids(self) -> list[int]:
        """Every process in the namespace (``ip netns pids``)."""
        out = _ip("netns", "pids", self.namespace, check=False)
        return [int(word) for word in out.split() if word.isdigit()]

    def kill_all(self) -> list[int]:
        """SIGKILL every process in the namespace: the host's power cut. Returns the PIDs."""
        pids = self.pids()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pids


class Network:
    """The run's namespaces; ``create`` then ``remove`` (safe to call twice)."""

    def __init__(self, hosts: int) -> None:
        self.octet = _free_octet()
        self.subnet = f"{SUBNET}.{self.octet}.0/24"
        tag = os.getpid()
        self.hosts = [
            HostNet(
                i,
                f"kofu-h{i}-{tag}",
                f"{SUBNET}.{self.octet}.{4 * i + 2}",
                f"{SUBNET}.{self.octet}.{4 * i + 1}",
            )
            for i in range(1, hosts + 1)
        ]
        self._links = [f"kh{h.index}-{tag}"[:15] for h in self.hosts]

    def create(self) -> None:
        for host, link in zip(self.hosts, self._links, strict=True):
            inside = f"kn{host.index}-{os.getpid()}"[:15]
            _ip("netns", "add", host.namespace)
            _ip("link", "add", link, "type", "veth", "peer", "name", inside)
            _ip("link", "set", inside, "netns", host.namespace)
            _ip("addr", "add", f"{host.gateway}/30", "dev", link)
            _ip("link", "set", link, "up")
            ns = ["-n", host.namespace]
            _ip(*ns, "addr", "add", f"{host.address}/30", "dev", inside)
            _ip(*ns, "link", "set", inside, "up")
            _ip(*ns, "link", "set", "lo", "up")
            log(f"host{host.index}: namespace {host.namespace}, {host.address}")

    def remove(self) -> None:
        for host, link in zip(self.hosts, self._links, strict=True):
            for pid in host.kill_all():
                log(f"host{host.index}: killed leftover pid {pid}")
            _ip("netns", "del", host.namespace, check=False)
            _ip("link", "del", link, check=False)  # gone with the namespace, unless never moved

    @property
    def gateways(self) -> tuple[str, ...]:
        return tuple(h.gateway for h in self.hosts)
