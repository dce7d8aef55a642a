"""uvicorn's httptools protocol with each response's header block and body sent together.

Why (issue 18): uvicorn writes a response's status line and headers in one ``send`` and
its body in another. On a keep-alive connection every ``send`` is a system call that, on
loopback or a LAN, also runs the receiving side's TCP work and wakes the client: for
the desk's ``POST /v1/iaq`` the first of the two sends was the largest single cost of the
HTTP layer (bench/README.md). Here the header block is held until the response's first
body bytes and both go out in one ``send``; nothing else changes (same bytes, same order).

The header block is released without waiting for a body when the response ends without
one (a ``HEAD``, a 204/304: the protocol's ``on_response_complete``), when the
connection closes, and is never held for an interim ``1xx`` (``100 Continue`` must reach
the client before it sends the body).

Edit here: which writes are held (:meth:`_Coalescing.write`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["CoalescingHttpTools"]

_STATUS = b"HTTP/1.1 "
_INTERIM = b"HTTP/1.1 1"
_END_OF_HEADERS = b"\r\n\r\n"


class _Coalescing:
    """A transport that holds a response header block until the next write (or a flush)."""

    __slots__ = ("_held", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + bytes(data))
            return
        chunk = bytes(data)
        if (
            chunk.startswith(_STATUS)
            and not chunk.startswith(_INTERIM)
            and chunk.endswith(_END_OF_HEADERS)
        ):
            self._held = chunk
            return
        self._transport.write(chunk)

    def flush(self) -> None:
        """Send a held header block now (a response without body bytes has ended)."""
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpTools(HttpToolsProtocol):
    """``HttpToolsProtocol`` on a :class:`_Coalescing` transport (``vetline serve``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Coalescing(transport))  # type: ignore[arg-type]

    def on_response_complete(self) -> None:
        transport: object = self.transport
        if isinstance(transport, _Coalescing):
            transport.flush()
        super().on_response_complete()
