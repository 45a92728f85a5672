"""A pool of query processes, and the time limit that really stops a query.

Why processes: pyoxigraph cannot cancel a running query, and a Python thread cannot be killed,
so a thread-based time limit only stops *waiting* while the work (and the CPU) carries on; a
peer's rdflib server froze for good on one REGEX. Here each query runs in a child process
(:mod:`plankg.server.worker`); the request thread waits on the child's pipe for at most the
time limit, and on expiry kills the child (SIGKILL: the work stops at once) and answers 503.
A replacement child is started in the background, so the next query does not pay for it.
Other requests go on meanwhile: each HTTP worker has up to one child per request thread, so
no request waits for another's query.

The alternative considered was to run queries inside gunicorn's workers and have a watchdog
kill the whole worker: it saves the pipe, but a query that runs out of memory or stack then
takes its worker down with no answer at all, and every other request on that worker with it.

Measured on the development machine (2 shared cores, pyoxigraph 0.5): a round trip through
the pipe costs about 0.08 ms of CPU (0.03 ms in the HTTP worker), next to 0.14 ms for a small
SELECT itself and about 0.35 ms for gunicorn and Flask; starting a child takes about 0.5 s
(it imports pyoxigraph, not Flask or rdflib) and is not counted in the time limit of the query
that waits for it; a killed query frees its core at once. ``python -m bench.server`` compares the whole server
with ``oxigraph serve``.
"""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

from .limits import Refused
from .worker import READY

STARTUP = 60  # seconds a new query process may take to start before it is given up


class Child:
    """One query process and the two ends of its pipes."""

    def __init__(self, memory_mb: int):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "plankg.server.worker", str(to_child_r), str(from_child_w), str(memory_mb)],
            pass_fds=(to_child_r, from_child_w), stdout=subprocess.DEVNULL, close_fds=True)
        os.close(to_child_r)
        os.close(from_child_w)
        self.send = Connection(to_child_w, readable=False)
        self.recv = Connection(from_child_r, writable=False)
        self.ready = False  # until its first message, READY, is read

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for conn in (self.send, self.recv):
            conn.close()


class QueryPool:
    """Up to ``size`` children (one per request thread, so a request never waits for another's
    query); ``warm`` of them start at once, the rest when first needed, and each is replaced when
    it is killed or dies."""

    def __init__(self, size: int, memory_mb: int, warm: int | None = None):
        self.size, self.memory_mb = size, memory_mb
        self.warm_count = size if warm is None else min(warm, size)
        self.idle: queue.LifoQueue[Child] = queue.LifoQueue()
        self.count = 0
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.closed = False
        self.children: set[Child] = set()  # idle or busy: close() stops them all

    def warm(self) -> None:
        """Start the children now, in the background (the first queries then pay nothing)."""
        for _ in range(self.warm_count):
            self._spawn_async()

    def _spawn_async(self) -> None:
        with self.lock:
            if self.count >= self.warm_count or self.closed:
                return
            self.count += 1
        threading.Thread(target=self._spawn, daemon=True).start()

    def _spawn(self) -> None:
        try:
            self.idle.put(self._start())
        except OSError:
            with self.lock:
                self.count -= 1

    def _start(self) -> Child:
        child = Child(self.memory_mb)
        with self.lock:
            self.children.add(child)
        return child

    def _acquire(self, wait: float) -> Child:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        with self.lock:
            grow = self.count < self.size
            if grow:
                self.count += 1
        if grow:
            return self._start()
        try:
            return self.idle.get(timeout=wait)
        except queue.Empty:
            raise Refused("all query processes are busy; try again shortly", 503) from None

    def _discard(self, child: Child) -> None:
        child.kill()
        with self.lock:
            self.count -= 1
            self.children.discard(child)
        self._spawn_async()

    def run(self, job: dict, timeout: float):
        """Send a job to a child; its reply, or Refused(503) when the time limit passes first."""
        child = self._acquire(timeout)
        try:
            if not child.ready:  # its start (about 0.5 s, seconds on a loaded machine) is not the query's time
                if not child.recv.poll(STARTUP) or child.recv.recv() != READY:
                    raise OSError("the query process did not start")
                child.ready = True
            child.send.send(job)
            if not child.recv.poll(timeout):
                self._discard(child)
                raise Refused(f"the query was stopped after the time limit of {timeout:g} s", 503)
            reply = child.recv.recv()
        except (EOFError, OSError):
            self._discard(child)
            raise Refused("the query stopped its query process (it ran out of memory or stack); "
                          "simplify it", 503) from None
        self.idle.put(child)
        return reply

    def close(self) -> None:
        """Stop every child, busy ones too: called as the HTTP worker exits (``server/run.py``), so
        a stopping server leaves no query process behind, whichever thread started it (the
        kernel's parent-death signal, set by each child, follows that thread, not the worker)."""
        self.closed = True
        with self.lock:
            children, self.children = list(self.children), set()
        for child in children:
            child.kill()

