"""`make run` stopped any way a person or a supervisor stops it (Ctrl-C, SIGTERM to make or to
`kofu demo run`, a closed terminal, a child failing, a stop while it starts) leaves no process,
pcscd or network namespace of its own behind, and reclaims what a killed run left (issue 16 §3).

Each run carries a marker in its environment: only processes with it, and namespaces they were
in or that are named for them, count, so other pcscds and namespaces on the machine do not."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk_terminal.pcscd import NAMESPACE_PREFIX, missing_tools, namespaces
from tests.support import leftovers
from tests.support.services import free_port

pytestmark = pytest.mark.slow  # each case starts the three servers (tens of seconds)

REPO = Path(__file__).resolve().parents[2]
MARKER = "KOFU_TEST_RUN_MARK"
REQUIRE_SERVICES = os.environ.get("KOFU_REQUIRE_SERVICES") == "1"
START_SECONDS = 600.0  # a first run migrates and loads the demo: generous on a slow machine
STOP_SECONDS = 120.0  # the grace period is 30 s


class Run:
    """One `make run` in a session of its own, and everything seen of it while it ran."""

    def __init__(self, data_dir: Path, log: Path, **ports: int) -> None:
        self.marker = uuid.uuid4().hex
        self.ports = {"PORT": free_port(), "TERMINAL_PORT": free_port(), "PORTAL_PORT": free_port()}
        self.ports.update(ports)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KOFU_", "MAKE", "MFLAGS"))}
        env.update({k: str(v) for k, v in self.ports.items()})
        env.update({MARKER: self.marker, "KOFU_DATA_DIR": str(data_dir), "HOST": "127.0.0.1"})
        self.log = log
        with log.open("wb") as out:
            self.make = subprocess.Popen(
                ["make", "--no-print-directory", "run"],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as a terminal gives a job
            )
        self.pids: set[int] = {self.make.pid}
        self.namespaces: set[str] = set()

    def observe(self) -> dict[int, str]:
        """The run's live processes now; notes them and the namespaces its pcscd and cards use."""
        now = leftovers.marked(MARKER, self.marker)
        self.pids |= set(now)
        for pid, command in now.items():
            if leftovers.comm(pid) == "pcscd" or "kiosk_terminal.vicc" in command:
                self.namespaces.add(leftovers.namespace_of(pid) or "")
        self.namespaces.discard("")
        return now

    def wait_for(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not ready():
            self.observe()
            assert self.make.poll() is None, f"make run exited before {what}:\n{self.output()}"
            assert time.monotonic() < deadline, f"never saw {what}:\n{self.output()}"
            time.sleep(0.1)
        self.observe()

    def answering(self) -> bool:
        paths = {"PORT": "/openapi.json", "TERMINAL_PORT": "/", "PORTAL_PORT": "/"}
        return all(_answers(self.ports[name], path) for name, path in paths.items())

    def running(self, needle: str) -> Callable[[], bool]:
        return lambda: any(needle in command for command in self.observe().values())

    def pid_of(self, needle: str) -> int:
        """The topmost process of the run running ``needle`` (gunicorn's master, not a worker)."""
        matching = {pid for pid, command in self.observe().items() if needle in command}
        return next(pid for pid in matching if leftovers.parent(pid) not in matching)

    def finish(self) -> int:
        """make's exit status once it is gone (fails if it is still there after a long wait)."""
        try:
            return self.make.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still running {STOP_SECONDS:.0f} s later:\n{self.output()}")

    def wait_for_leftovers_to_go(self) -> None:
        """Until nothing of the run is left, or STOP_SECONDS passed (then the caller asserts)."""
        deadline = time.monotonic() + STOP_SECONDS
        while any(self.left_behind()) and time.monotonic() < deadline:
            time.sleep(0.2)

    def left_behind(self) -> tuple[dict[int, str], list[str]]:
        names = (self.namespaces & set(namespaces())) | set(leftovers.owned_namespaces(self.pids))
        return leftovers.marked(MARKER, self.marker), sorted(names)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _answers(port: int, path: str) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
    except urllib.error.HTTPError:
        return True  # an answer, even a refusal or a redirect to the sign-in page
    except OSError:
        return False
    return True


@pytest.fixture(scope="module", autouse=True)
def setup_done() -> None:
    if subprocess.run(["make", "-q", "setup"], cwd=REPO, check=False).returncode != 0:
        pytest.skip("`make setup` is not up to date: `make run` would install first")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run-data")  # migrated and loaded by the first run only


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Run]]:
    runs: list[Run] = []

    def started(data: Path, **ports: int) -> Run:
        runs.append(Run(data, tmp_path / f"make-run-{len(runs)}.log", **ports))
        return runs[-1]

    yield started
    for run in runs:  # a failed test must not leave its run to the next one
        if run.make.poll() is None:
            leftovers.end(set(run.observe()), run.namespaces)
            run.make.wait()
        leftovers.end(set(run.left_behind()[0]), set(run.left_behind()[1]))


def assert_nothing_left(run: Run) -> None:
    processes, names = run.left_behind()
    assert not processes, f"processes of the run still there: {processes}\n{run.output()}"
    assert not names, f"network namespaces of the run still there: {names}\n{run.output()}"


def needs_pcscd() -> None:
    missing = missing_tools()
    if missing:
        message = f"pcscd with vpcd cannot run here: missing {', '.join(missing)}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (KOFU_REQUIRE_SERVICES=1; run scripts/setup-system.sh)")
        pytest.skip(message)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda run: os.killpg(run.make.pid, signal.SIGINT), id="ctrl-c"),
        pytest.param(lambda run: os.kill(run.make.pid, signal.SIGTERM), id="sigterm-to-make"),
        pytest.param(lambda run: os.killpg(run.make.pid, signal.SIGHUP), id="terminal-closed"),
        pytest.param(
            lambda run: os.kill(run.pid_of("demo run"), signal.SIGTERM), id="sigterm-to-kofu"
        ),
        pytest.param(
            lambda run: os.kill(run.pid_of("kofu serve"), signal.SIGTERM), id="sigterm-to-centre"
        ),
        pytest.param(lambda run: os.kill(run.make.pid, signal.SIGKILL), id="sigkill-to-make"),
        pytest.param(
            lambda run: os.kill(run.pid_of("demo run"), signal.SIGKILL), id="sigkill-to-kofu"
        ),
        pytest.param(
            lambda run: os.kill(run.pid_of("kofu-kiosk terminal"), signal.SIGKILL),
            id="terminal-crashes",
        ),
    ],
)
def test_a_serving_run_stopped_leaves_nothing(
    start: Callable[..., Run], data_dir: Path, stop: Callable[[Run], None]
) -> None:
    run = start(data_dir)
    run.wait_for(run.answering, "the centre, the terminal and the portal answering")
    if not missing_tools():
        assert run.namespaces, "the demo terminal should read the card through a private pcscd"
    stop(run)
    run.finish()
    run.wait_for_leftovers_to_go()  # after SIGKILL, the orphans' clean-up outlives make
    assert_nothing_left(run)


def test_ctrl_c_while_pcscd_starts_leaves_nothing(
    start: Callable[..., Run], data_dir: Path
) -> None:
    needs_pcscd()
    run = start(data_dir)
    run.wait_for(run.running("pcscd"), "pcscd starting")
    os.killpg(run.make.pid, signal.SIGINT)
    run.finish()
    assert_nothing_left(run)


def test_ctrl_c_while_migrating_leaves_nothing(start: Callable[..., Run], tmp_path: Path) -> None:
    run = start(tmp_path / "fresh")
    run.wait_for(run.running("db upgrade"), "the migrations running")
    os.killpg(run.make.pid, signal.SIGINT)
    assert run.finish() != 0, "an interrupted `make run` should not report success"
    assert_nothing_left(run)


def test_a_terminal_failing_to_start_stops_the_rest_and_leaves_nothing(
    start: Callable[..., Run], data_dir: Path
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:  # the terminal's port is in use
        run = start(data_dir, TERMINAL_PORT=taken.getsockname()[1])
        status = run.finish()
    assert status != 0, "make run should fail when the kiosk terminal cannot start"
    assert "kiosk terminal exited" in run.output()
    assert_nothing_left(run)


def test_a_namespace_a_killed_run_left_is_removed_by_the_next(
    start: Callable[..., Run], data_dir: Path
) -> None:
    needs_pcscd()
    dead = subprocess.Popen(["true"])
    dead.wait()  # its PID now names no process: the owner of the namespace below is dead
    stale = f"{NAMESPACE_PREFIX}{dead.pid}-deadbeef"
    subprocess.run(["ip", "netns", "add", stale], check=True)
    try:
        run = start(data_dir)
        run.wait_for(run.answering, "the centre, the terminal and the portal answering")
        assert stale not in namespaces(), "the next run should remove what a killed run left"
        os.killpg(run.make.pid, signal.SIGINT)
        run.finish()
        assert_nothing_left(run)
    finally:
        if stale in namespaces():
            subprocess.run(["ip", "netns", "delete", stale], check=False)
