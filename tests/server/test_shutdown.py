"""Stopping `plankg serve`: SIGTERM (a service manager) or Ctrl-C (SIGINT to the whole process
group, as a terminal sends it) stops it within 5 s — idle, with a kept-alive connection open,
and during an update — and leaves no process behind. An update in progress either completes
(answered 200, and kept) or leaves nothing behind: the next start finds history, files, index
and snapshot consistent (``server/run.py`` says how the grace period was chosen)."""
from __future__ import annotations

import os
import signal
import socket
import threading
import time

import pytest
import requests

from bench.writes import accepted_update, current_version, marks, post_update
from plankg import integrity

from .conftest import TOKEN, start_plankg

pytestmark = [pytest.mark.server, pytest.mark.slow]
LIMIT = 5.0


def stop(server, how: str) -> float:
    if how == "ctrl-c":
        os.killpg(server.proc.pid, signal.SIGINT)
    else:
        server.signal(signal.SIGTERM)
    took = server.wait(LIMIT + 10)
    time.sleep(0.2)
    assert server.leftovers() == [], "processes of the server are still running"
    return took


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_idle_server_stops_quickly(state_copy, settings, tmp_path, how):
    server = start_plankg(settings, state_copy, tmp_path / "server.log")
    try:
        assert current_version(server.url) == 1
        assert stop(server, how) < LIMIT
    finally:
        server.stop()


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_kept_alive_connection_does_not_hold_the_server(state_copy, settings, tmp_path, how):
    server = start_plankg(settings, state_copy, tmp_path / "server.log")
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as conn:
            conn.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
            assert stop(server, how) < LIMIT  # the connection is still open
    finally:
        server.stop()


@pytest.mark.parametrize("how,delay", [("sigterm", 0.5), ("sigterm", 1.5), ("ctrl-c", 1.0)])
def test_stopping_during_an_update(state_copy, settings, tmp_path, how, delay):
    server = start_plankg(settings, state_copy, tmp_path / "server.log", update_token=TOKEN)
    answer = {}

    def send():
        try:
            answer["r"] = post_update(server.url, accepted_update("during-stop"), TOKEN)
        except requests.RequestException as e:
            answer["e"] = e

    try:
        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(delay)
        assert stop(server, how) < LIMIT
        sender.join(30)
    finally:
        server.stop()
    again = start_plankg(settings, state_copy, tmp_path / "again.log")
    try:
        assert integrity.problems(settings, state_copy) == []
        if "r" in answer and answer["r"].status_code == 200:  # completed: kept
            assert "during-stop" in marks(again.url) and current_version(again.url) == 2
        # otherwise it completed unanswered (version 2) or left nothing behind (version 1, no
        # file of a version 2): integrity.problems has checked both
    finally:
        again.stop()
