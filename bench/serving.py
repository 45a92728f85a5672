"""Start `plankg serve` (or any HTTP server) as a real process on a free loopback port, and stop it.

Shared by the benchmarks and the tests that run the server as deployed (``tests/server``), so
the two start it the same way; it lives here rather than in ``tests/`` because the benchmarks
must not import the test suite (nor pytest).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A process serving HTTP on 127.0.0.1:port, in a session of its own so that stopping it
    reaches its whole process tree; stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, args: list[str], port: int, env: dict, ready_path: str, log: Path, *, wait: float = 120):
        self.args, self.env, self.ready_path = args, env, ready_path
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited: {self.tail()}")
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"{args} did not start: {self.tail()}")

    def tail(self, chars: int = 2000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the server's main process only, as a service manager or Ctrl-C would."""
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> float:
        """Seconds until the main process exits (raises subprocess.TimeoutExpired after ``timeout``)."""
        start = time.monotonic()
        self.proc.wait(timeout)
        return time.monotonic() - start

    def leftovers(self) -> list[int]:
        """Processes of the server's session still alive (its workers and query processes)."""
        alive = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
                    if os.getsid(int(entry)) == self.proc.pid and state not in ("Z", "X"):  # not zombies
                        alive.append(int(entry))
                except OSError:
                    pass
        return alive

    def kill(self) -> None:
        """SIGKILL to the whole session: a crash, as far as the state folder is concerned."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()  # whatever of the session is left


def plankg_env(settings, store: Path, **extra) -> dict:
    """The environment of a `plankg serve` on ``store`` with the data of ``settings``: two workers
    with two query processes each, a 3 s query limit; ``extra`` sets more PLANKG_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_")}
    env.update(PLANKG_DATA_DIR=str(settings.data_dir), PLANKG_BUILD_DIR=str(settings.build_dir),
               PLANKG_STORE=str(store), PLANKG_WORKERS="2", PLANKG_QUERY_PROCESSES="2", PLANKG_QUERY_TIMEOUT="3")
    env.update({f"PLANKG_{k.upper()}": str(v) for k, v in extra.items()})
    return env


READY = "/sparql?query=ASK%7B%7D"  # ready when a query runs: the query processes are up, not only gunicorn


def start_plankg(settings, store: Path, log: Path, **extra) -> Server:
    port = free_port()
    return Server([str(BIN / "plankg"), "serve", "--port", str(port)], port, plankg_env(settings, store, **extra),
                  READY, log)


def plankg(settings, store: Path, *args: str, **popen) -> subprocess.Popen:
    """A `plankg` command (``amend``, ``history`` …) on ``store``, as a user runs it, in its own session."""
    return subprocess.Popen([str(BIN / "plankg"), *args, "--store", str(store)], env=plankg_env(settings, store),
                            start_new_session=True, **popen)
