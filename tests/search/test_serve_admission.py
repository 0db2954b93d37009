"""scripts/serve.py inside one process: it accepts a connection only while a thread is free, and its event loop
does not poll a connection whose answer a thread is writing."""

from __future__ import annotations

import importlib.util
import select
import socket
import threading
import time
from pathlib import Path

import pytest
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve_under_test", REPO / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def blocked():
    """A WSGI app answering only once `release` is set, and the set-up of serve.py's worker around it."""
    release = threading.Event()

    def app(environ, start_response):
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    return app, release


def _server(serve, app, threads: int = 1):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    sockets: dict = {}
    create_server(app, map=sockets, sockets=[listener], threads=threads, asyncore_use_poll=True)
    listening = next(s for s in sockets.values() if isinstance(s, BaseWSGIServer))
    admission = serve.Admission(threads)
    admission.install(listening)
    listening.channel_class = serve._json_error_channel(admission)
    return sockets, listening, admission, listener.getsockname()[1]


def _run_until(sockets: dict, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the event loop never got there"
        wasyncore.loop(timeout=0.01, map=sockets, use_poll=True, count=1)


def _request(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    return client


def _channels(sockets: dict) -> list:
    return [s for s in sockets.values() if hasattr(s, "requests")]


def test_a_busy_process_leaves_new_connections_to_the_others(serve, blocked):
    app, release = blocked
    sockets, listening, admission, port = _server(serve, app)
    try:
        first = _request(port)
        _run_until(sockets, lambda: admission.pending == 1)
        assert not listening.readable()  # its one thread is busy: no accepting
        second = _request(port)
        for _ in range(20):
            wasyncore.loop(timeout=0.01, map=sockets, use_poll=True, count=1)
        assert len(_channels(sockets)) == 1  # the second connection waits in the kernel's queue
        release.set()
        for client in (first, second):
            _run_until(sockets, lambda: _readable(client))
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            client.close()
        _run_until(sockets, lambda: admission.pending == 0)
        assert listening.readable()
    finally:
        release.set()
        wasyncore.close_all(sockets)


def _readable(client: socket.socket) -> bool:
    return bool(select.select([client], [], [], 0)[0])


def test_the_loop_leaves_a_connection_alone_while_a_thread_writes_its_answer(serve, blocked):
    app, release = blocked
    sockets, listening, admission, port = _server(serve, app)
    try:
        client = _request(port)
        _run_until(sockets, lambda: admission.pending == 1)
        channel = _channels(sockets)[0]
        writing, done = threading.Event(), threading.Event()

        def answer():  # what a thread does in write_soon: hold the output lock while it sends
            with channel.outbuf_lock:
                writing.set()
                done.wait(10)

        writer = threading.Thread(target=answer)
        writer.start()
        writing.wait(10)
        channel.total_outbufs_len += 1  # bytes in the buffer, as while the thread sends them
        try:
            assert not channel.writable()  # the thread sends them itself: polling would only spin
            channel.draining = True  # the thread waits for the loop to drain the buffer
            assert channel.writable()
            channel.draining = False
            done.set()
            writer.join(10)
            assert channel.writable()  # bytes left behind once the thread let go: the loop sends them
        finally:
            channel.total_outbufs_len -= 1
            done.set()
        release.set()
        _run_until(sockets, lambda: _readable(client))
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        client.close()
    finally:
        release.set()
        wasyncore.close_all(sockets)
