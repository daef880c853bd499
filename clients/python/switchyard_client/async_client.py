"""The asyncio client, on a minimal HTTP/1.1 implementation over asyncio streams (see the README
for why not a thread around the sync client)."""

from __future__ import annotations

import asyncio
import json
import os
import random as _random
import ssl
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
)

from . import _http1
from ._wire import Endpoint, SseStream, chat_body, parse_base_url, request_headers
from .errors import (
    SwitchyardConnectionError,
    SwitchyardError,
    SwitchyardTimeoutError,
    error_from_response,
)
from .retry import RetryPolicy
from .types import ChatCompletion, Message, Model, StreamEnd, StreamEvent, TextDelta, Usage, as_list, as_mapping

__all__ = ["AsyncSwitchyardClient", "AsyncChatStream"]


def _connection_error(error: BaseException, what: str) -> SwitchyardError:
    if isinstance(error, asyncio.TimeoutError):
        return SwitchyardTimeoutError(f"{what}: no data from the gateway within the timeout")
    return SwitchyardConnectionError(f"{what}: {error}")


class AsyncChatStream:
    """A streamed answer: ``async for`` it for :data:`StreamEvent` s (:class:`TextDelta`,
    :class:`ToolCallDelta`, then one :class:`StreamEnd`).

    Use ``async with`` (or call :meth:`aclose`) to release the connection when you stop early; the
    gateway then aborts the upstream call. Cancelling the task that reads it does the same. A
    mid-stream ``data: {"error": ...}`` raises :class:`StreamError` from the iteration.
    """

    def __init__(self, response: _http1.AsyncResponse) -> None:
        self._response = response
        self._sse = SseStream()
        #: ``x-switchyard-request-id`` when the gateway sent it (it does on plain answers, not on streams today).
        self.request_id: Optional[str] = response.headers.get("x-switchyard-request-id")

    @property
    def text(self) -> str:
        """The text received so far."""
        return self._sse.text

    @property
    def usage(self) -> Optional[Usage]:
        """Token counts, once the stream has ended (with ``include_usage``)."""
        return self._sse.usage

    @property
    def finish_reason(self) -> Optional[str]:
        """Why the answer ended, once it has."""
        return self._sse.finish_reason

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        try:
            chunks = self._response.chunks()
            while not self._sse.done:
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    self._sse.finish()
                    break
                except (OSError, asyncio.TimeoutError, _http1.ProtocolError) as error:
                    raise _connection_error(error, "the stream broke") from error
                for event in self._sse.feed(chunk):
                    yield event
        finally:
            self._response.close()

    async def text_deltas(self) -> AsyncIterator[str]:
        """Only the text, delta by delta."""
        async for event in self:
            if isinstance(event, TextDelta):
                yield event.text

    async def until_done(self) -> StreamEnd:
        """Reads the whole stream and returns its :class:`StreamEnd`."""
        end: Optional[StreamEnd] = None
        async for event in self:
            if isinstance(event, StreamEnd):
                end = event
        if end is None:  # pragma: no cover - finish() raises first
            raise SwitchyardConnectionError("the stream ended before data: [DONE]")
        return end

    async def aclose(self) -> None:
        """Closes the connection (idempotent)."""
        self._response.close()

    async def __aenter__(self) -> "AsyncChatStream":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncSwitchyardClient:
    """The asyncio twin of :class:`SwitchyardClient`: same arguments, same results, same errors;
    ``chat``, ``stream`` and ``models`` are coroutines. ``sleep`` is awaited between retries
    (default :func:`asyncio.sleep`).
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8080",
        api_key: Optional[str] = None,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        retry: Optional[RetryPolicy] = None,
        headers: Optional[Mapping[str, str]] = None,
        ssl_context: Optional[ssl.SSLContext] = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._endpoint: Endpoint = parse_base_url(base_url)
        self._api_key = api_key if api_key is not None else os.environ.get("SWITCHYARD_API_KEY")
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError("timeout: expected a number of seconds > 0")
        self._timeout = float(timeout)
        self._retry = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self._headers = dict(headers or {})
        self._ssl = ssl_context
        self._sleep = sleep
        self._random = random

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy in use."""
        return self._retry

    async def chat(
        self,
        model: str,
        messages: Iterable[Message],
        *,
        strategy: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        timeout_ms: Optional[int] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        **options: Any,
    ) -> ChatCompletion:
        """One chat completion; see :meth:`SwitchyardClient.chat`."""
        body = chat_body(model, messages, options, stream=False)
        headers = request_headers(
            self._api_key, self._headers, strategy=strategy, tags=tags, timeout_ms=timeout_ms,
            extra_headers=extra_headers,
        )
        data, response_headers = await self._call("POST", "/chat/completions", body, headers, timeout)
        return ChatCompletion.from_json(_json(data), response_headers.get("x-switchyard-request-id"))

    async def stream(
        self,
        model: str,
        messages: Iterable[Message],
        *,
        include_usage: bool = True,
        strategy: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        timeout_ms: Optional[int] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        **options: Any,
    ) -> AsyncChatStream:
        """A streamed chat completion; see :meth:`SwitchyardClient.stream`."""
        body = chat_body(model, messages, options, stream=True, include_usage=include_usage)
        headers = request_headers(
            self._api_key, self._headers, strategy=strategy, tags=tags, timeout_ms=timeout_ms,
            extra_headers=extra_headers, stream=True,
        )
        response = await self._with_retries("POST", "/chat/completions", body, headers, timeout)
        return AsyncChatStream(response)

    async def models(self, *, timeout: Optional[float] = None) -> List[Model]:
        """The models a caller may name (``GET /v1/models``)."""
        headers = request_headers(self._api_key, self._headers)
        data, _ = await self._call("GET", "/models", None, headers, timeout)
        items = _json(data).get("data")
        return [Model.from_json(as_mapping(m)) for m in as_list(items) if isinstance(m, Mapping)]

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> Tuple[bytes, Dict[str, str]]:
        response = await self._with_retries(method, path, body, headers, timeout)
        try:
            return await response.read(), response.headers
        except (OSError, asyncio.TimeoutError, _http1.ProtocolError) as error:
            raise _connection_error(error, "the answer broke off") from error
        finally:
            response.close()

    async def _with_retries(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> _http1.AsyncResponse:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._send(method, path, body, headers, timeout)
            except SwitchyardError as error:
                error.attempts = attempt
                delay = self._retry.delay(error, attempt, self._random)
                if delay is None:
                    raise
            await self._sleep(delay)

    async def _send(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> _http1.AsyncResponse:
        seconds = self._timeout if timeout is None else timeout
        all_headers = dict(headers)
        if body is not None:
            all_headers["content-type"] = "application/json"
        try:
            response = await _http1.request(
                self._endpoint, method, self._endpoint.api_prefix + path, all_headers, body, seconds, self._ssl
            )
        except (OSError, asyncio.TimeoutError, _http1.ProtocolError) as error:
            raise _connection_error(error, "could not reach the gateway") from error
        if response.status < 400:
            return response
        try:
            data = await response.read()
        except (OSError, asyncio.TimeoutError, _http1.ProtocolError) as error:
            raise _connection_error(error, "the error answer broke off") from error
        finally:
            response.close()
        raise error_from_response(response.status, data, response.headers)


def _json(data: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise SwitchyardError("the gateway answered something that is not JSON") from error
    if not isinstance(payload, Mapping):
        raise SwitchyardError("the gateway answered JSON that is not an object")
    return as_mapping(payload)
