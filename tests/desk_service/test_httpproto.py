"""The coalescing HTTP protocol (issue 18): same bytes on the wire, headers and body in one
send, nothing held back for a response without a body or an interim ``100 Continue``."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from vetline.api.httpproto import _Coalescing
from vetline.serve import HTTP_PROTOCOL


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_header_block_and_body_go_out_in_one_write() -> None:
    sink = _Recorder()
    wire = _Coalescing(sink)  # type: ignore[arg-type]
    wire.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    assert sink.writes == []
    wire.write(b"{}")
    assert sink.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
    assert wire.get_extra_info("peername") == "info:peername"  # everything else passes


def test_interim_and_bodyless_responses_are_not_held() -> None:
    sink = _Recorder()
    wire = _Coalescing(sink)  # type: ignore[arg-type]
    wire.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert sink.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    wire.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    wire.flush()  # what the protocol does when the response ends
    assert sink.writes[-1] == b"HTTP/1.1 204 No Content\r\n\r\n"
    wire.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
    wire.close()  # a close sends what is held first
    assert sink.writes[-1] == b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n" and sink.closed


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    status = 204 if scope["path"] == "/empty" else 200
    payload = b"" if status == 204 else b"echo:" + body
    headers = [(b"content-type", b"text/plain")]
    if status == 200:
        headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


@pytest.fixture
def server() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(_app, host="127.0.0.1", port=port, log_level="warning",
                            http=HTTP_PROTOCOL, lifespan="off")  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    thread.join(10)


def test_keep_alive_connection_serves_get_head_204_and_expect_continue(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    for _ in range(3):  # one connection, several responses: nothing left held between them
        connection.request("POST", "/x", body=b"abc", headers={"Content-Type": "text/plain"})
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"echo:abc")
        connection.request("HEAD", "/x")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b""
        connection.request("GET", "/empty")
        response = connection.getresponse()
        assert response.status == 204 and response.read() == b""
    connection.close()
    with socket.create_connection(("127.0.0.1", server), timeout=10) as raw:
        raw.sendall(b"POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                    b"Expect: 100-continue\r\n\r\n")  # fmt: skip
        assert raw.recv(1024).startswith(b"HTTP/1.1 100 Continue")  # before the body is sent
        raw.sendall(b"hi")
        reply = b""
        while not reply.endswith(b"echo:hi"):
            reply += raw.recv(4096)
        assert reply.startswith(b"HTTP/1.1 200 OK")
