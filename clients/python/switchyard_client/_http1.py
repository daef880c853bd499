"""A minimal HTTP/1.1 client on asyncio streams, just what the async client needs: one request per
connection (``connection: close``), bodies by ``content-length``, ``chunked`` or end of stream,
every read bounded by a timeout."""

from __future__ import annotations

import asyncio
import ssl
from typing import AsyncIterator, Awaitable, Dict, Mapping, Optional

from ._wire import Endpoint

_MAX_HEADER_LINES = 200
_READ_SIZE = 64 * 1024


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 this client understands."""


class AsyncResponse:
    """An answer whose status line and headers have been read; the body is read on demand."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        status: int,
        headers: Dict[str, str],
        timeout: float,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.status = status
        self.headers = headers
        self._timeout = timeout
        self._closed = False

    async def _read(self, pending: Awaitable[bytes]) -> bytes:
        return await asyncio.wait_for(pending, self._timeout)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes, piece by piece, with the transfer encoding removed."""
        encoding = self.headers.get("transfer-encoding", "").lower()
        if "chunked" in encoding:
            while True:
                line = await self._read(self._reader.readline())
                if not line.endswith(b"\n"):
                    raise ProtocolError("the body ended inside a chunk header")
                size_text = line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise ProtocolError("bad chunk size") from None
                if size == 0:
                    while (await self._read(self._reader.readline())).strip():
                        pass  # trailers
                    return
                remaining = size
                while remaining > 0:
                    piece = await self._read(self._reader.read(min(remaining, _READ_SIZE)))
                    if not piece:
                        raise ProtocolError("the body ended inside a chunk")
                    remaining -= len(piece)
                    yield piece
                if (await self._read(self._reader.readline())).strip():
                    raise ProtocolError("a chunk is not followed by CRLF")
        elif "content-length" in self.headers:
            try:
                remaining = int(self.headers["content-length"])
            except ValueError:
                raise ProtocolError("bad content-length") from None
            while remaining > 0:
                piece = await self._read(self._reader.read(min(remaining, _READ_SIZE)))
                if not piece:
                    raise ProtocolError("the body ended before content-length")
                remaining -= len(piece)
                yield piece
        else:
            while True:
                piece = await self._read(self._reader.read(_READ_SIZE))
                if not piece:
                    return
                yield piece

    async def read(self) -> bytes:
        """The whole body."""
        parts = [piece async for piece in self.chunks()]
        return b"".join(parts)

    def close(self) -> None:
        """Closes the connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self._writer.close()


async def request(
    endpoint: Endpoint,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: Optional[bytes],
    timeout: float,
    ssl_context: Optional[ssl.SSLContext],
) -> AsyncResponse:
    """Sends one request on a new connection and reads the status line and headers.

    Raises ``OSError``/``asyncio.TimeoutError``/``ProtocolError``; the caller maps them.
    """
    tls = (ssl_context or ssl.create_default_context()) if endpoint.scheme == "https" else None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(
            endpoint.host, endpoint.port, ssl=tls, server_hostname=endpoint.host if tls else None,
            limit=_READ_SIZE,
        ),
        timeout,
    )
    try:
        lines = [f"{method} {path} HTTP/1.1", f"host: {endpoint.host_header}", "connection: close"]
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        if body is not None:
            lines.append(f"content-length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        await asyncio.wait_for(writer.drain(), timeout)

        status_line = await asyncio.wait_for(reader.readline(), timeout)
        parts = status_line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError("no HTTP/1.x status line")
        status = int(parts[1])
        response_headers: Dict[str, str] = {}
        for _ in range(_MAX_HEADER_LINES):
            line = await asyncio.wait_for(reader.readline(), timeout)
            if not line.endswith(b"\n"):
                raise ProtocolError("the connection closed inside the headers")
            text = line.decode("latin-1").rstrip("\r\n")
            if text == "":
                break
            name, sep, value = text.partition(":")
            if not sep:
                raise ProtocolError("bad header line")
            key = name.strip().lower()
            value = value.strip()
            response_headers[key] = f"{response_headers[key]}, {value}" if key in response_headers else value
        else:
            raise ProtocolError("too many header lines")
        return AsyncResponse(reader, writer, status, response_headers, timeout)
    except BaseException:
        writer.close()
        raise
