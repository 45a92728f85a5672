"""What the tests share when pytest-xdist runs them in several worker processes (``-n auto``).

Each worker is a process with its own session fixtures and its own temporary folder. What takes
long to make and is only read by the tests (the prepared state folder, a ``plankg serve`` on it)
is made once for the whole run, by whichever worker asks first, under a file lock in the folder
that every worker's temporary folder sits in; the others wait for it and use it. A shared server
is stopped by the last worker that used it. Without xdist (``-n 0``) the same code runs in one
process. The locks are ``fcntl`` locks (POSIX, as the rest of the suite).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


def name_groups(config, items) -> None:
    """Append ``@group`` to the id of each test marked ``xdist_group``, as xdist's loadgroup does.

    xdist (3.8) sets ``item._nodeid``, which pytest 9.2 no longer reads (a node's id is ``_id``), so
    the marks alone would group nothing there; on an older pytest xdist does it and this does nothing."""
    from _pytest import nodes

    in_worker = os.environ.get("PYTEST_XDIST_WORKER") and config.getoption("loadgroup", False)  # as xdist asks
    if not in_worker or "_nodeid" in getattr(nodes.Node, "__slots__", ()):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


def common_root(tmp_path_factory) -> Path:
    """The folder all workers of this run share (the parent of each worker's own temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    return root


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created empty) for the block; other workers wait."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_folder(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """``common_root/name``, made by ``make(folder)`` once for the run; a worker that failed half-way is redone."""
    root = common_root(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with locked(root / f"{name}.lock"):
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            make(folder)
            done.touch()
    return folder


@dataclass
class SharedServer:
    """What the read-only tests use of a server another worker may have started."""
    url: str
    port: int
    pid: int
    log: Path


@contextlib.contextmanager
def shared_server(tmp_path_factory, name: str, start: Callable[[Path], object]) -> Iterator[SharedServer]:
    """A server started once for the run by ``start(log_folder)`` (a ``bench.serving.Server``), counted
    in by every worker that uses it, stopped (its whole session: SIGTERM, then SIGKILL) by the last."""
    root = common_root(tmp_path_factory)
    record, lock = root / f"{name}.json", root / f"{name}.lock"
    with locked(lock):
        state = json.loads(record.read_text()) if record.exists() else None
        if state is None:  # the first user, or the first after the last one stopped it
            s = start(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root)))
            state = {"url": s.url, "port": s.port, "pid": s.proc.pid, "log": str(s.log), "users": 0}
        state["users"] += 1
        record.write_text(json.dumps(state))
    try:
        yield SharedServer(state["url"], state["port"], state["pid"], Path(state["log"]))
    finally:
        with locked(lock):
            state = json.loads(record.read_text())
            state["users"] -= 1
            if state["users"]:
                record.write_text(json.dumps(state))
            else:
                record.unlink()
                _stop(state["pid"])


def _alive(session: int) -> bool:
    """Whether any process of the session is still running (zombies left for their parent do not count)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if os.getsid(int(entry)) == session and state not in ("Z", "X"):
                    return True
            except OSError:
                pass
    return False


def _stop(pid: int, grace: float = 15) -> None:
    """Stop the server's session as bench.serving.Server.stop does, from any worker (not only its parent)."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it when this worker started it
