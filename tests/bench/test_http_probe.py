"""The HTTP case waits for its server through every way a starting server can fail to answer:
the probe gives up only at its deadline or when the server has stopped."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

from bench.cases.http import wait_until_ready

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


class Running:
    """Stands for the server process: still running, or stopped with a code."""

    def __init__(self, code: int | None = None) -> None:
        self.returncode = code

    def poll(self) -> int | None:
        return self.returncode


def serve(answers: list[Any]) -> tuple[str, list[str], threading.Thread]:
    """A listener answering its connections in turn: bytes to send, or a number of seconds to
    stay silent. Returns the address, the list of what it did and the thread doing it."""
    listener = socket.create_server(("127.0.0.1", 0))
    done: list[str] = []

    def run() -> None:
        with listener:
            for answer in answers:
                connection, _ = listener.accept()
                with connection:
                    connection.recv(4096)
                    if isinstance(answer, bytes):
                        connection.sendall(answer)
                    else:
                        time.sleep(answer)
                done.append(repr(answer)[:20])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/bench/bare/", done, thread


def test_it_waits_through_a_reset_a_cut_body_and_a_read_timeout() -> None:
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nabc"
    url, done, listener = serve([b"", cut, 0.6, OK])
    wait_until_ready(Running(), url, seconds=30, attempt=0.3)  # type: ignore[arg-type]
    listener.join(timeout=5)  # the listener notes its last answer after the probe has read it
    assert len(done) == 4  # it went on after each failure and stopped at the answer


def test_a_stopped_server_or_the_deadline_is_a_clear_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # never accepts: times out
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(RuntimeError, match="exit code 3"):
            wait_until_ready(Running(3), url)  # type: ignore[arg-type]
        with pytest.raises(TimeoutError, match="did not answer within 1 s"):
            wait_until_ready(Running(), url, seconds=1, attempt=0.2)  # type: ignore[arg-type]
