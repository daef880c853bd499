"""The synchronous client, on :mod:`http.client` (one connection per call)."""

from __future__ import annotations

import http.client
import json
import os
import random as _random
import socket
import ssl
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._wire import Endpoint, SseStream, chat_body, parse_base_url, request_headers
from .errors import (
    SwitchyardConnectionError,
    SwitchyardError,
    SwitchyardTimeoutError,
    error_from_response,
)
from .retry import RetryPolicy
from .types import ChatCompletion, Message, Model, StreamEnd, StreamEvent, TextDelta, Usage, as_list, as_mapping

__all__ = ["SwitchyardClient", "ChatStream"]

_READ_SIZE = 64 * 1024


def _lower_headers(response: http.client.HTTPResponse) -> Dict[str, str]:
    return {name.lower(): value for name, value in response.getheaders()}


class ChatStream:
    """A streamed answer: iterate it for :data:`StreamEvent` s (:class:`TextDelta`,
    :class:`ToolCallDelta`, then one :class:`StreamEnd`).

    Use it as a context manager (or call :meth:`close`) to release the connection when you stop
    early; the gateway then aborts the upstream call. A mid-stream ``data: {"error": ...}`` raises
    :class:`StreamError` from the iteration. After the iteration, :attr:`text`, :attr:`usage` and
    :attr:`finish_reason` hold the totals.
    """

    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        self._connection = connection
        self._response = response
        self._sse = SseStream()
        self._closed = False
        #: ``x-switchyard-request-id`` when the gateway sent it (it does on plain answers, not on streams today).
        self.request_id: Optional[str] = response.getheader("x-switchyard-request-id")

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

    def __iter__(self) -> Iterator[StreamEvent]:
        try:
            while not self._sse.done:
                try:
                    chunk = self._response.read1(_READ_SIZE)
                except socket.timeout as error:
                    raise SwitchyardTimeoutError("no data from the gateway within the timeout") from error
                except (OSError, http.client.HTTPException) as error:
                    raise SwitchyardConnectionError(f"the stream broke: {error}") from error
                if not chunk:
                    self._sse.finish()
                    break
                yield from self._sse.feed(chunk)
        finally:
            self.close()

    def text_deltas(self) -> Iterator[str]:
        """Only the text, delta by delta."""
        for event in self:
            if isinstance(event, TextDelta):
                yield event.text

    def until_done(self) -> StreamEnd:
        """Reads the whole stream and returns its :class:`StreamEnd`."""
        end: Optional[StreamEnd] = None
        for event in self:
            if isinstance(event, StreamEnd):
                end = event
        if end is None:  # pragma: no cover - finish() raises first
            raise SwitchyardConnectionError("the stream ended before data: [DONE]")
        return end

    def close(self) -> None:
        """Closes the connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self._response.close()
            self._connection.close()

    def __enter__(self) -> "ChatStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SwitchyardClient:
    """A synchronous client of the Switchyard gateway's OpenAI-compatible API.

    Args:
        base_url: The gateway's URL, e.g. ``http://gateway:8080`` (a trailing ``/v1`` is accepted).
        api_key: Sent as ``Authorization: Bearer``. Default: the ``SWITCHYARD_API_KEY`` environment variable.
        timeout: Seconds to connect, and to wait for each read (for a stream: between two pieces of data).
        max_retries: Retries after the first attempt (shorthand for ``retry=RetryPolicy(max_retries=...)``).
        retry: The full :class:`RetryPolicy`; overrides ``max_retries``.
        headers: Headers sent with every call.
        ssl_context: For ``https://`` URLs. Default: :func:`ssl.create_default_context`.
        sleep: How to wait between retries (inject a recorder in tests).
        random: Jitter source in [0, 1) for backoff (inject a constant in tests).

    Calls are thread-safe: each opens its own connection.
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
        sleep: Callable[[float], None] = time.sleep,
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

    def chat(
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
        """One chat completion (``POST /v1/chat/completions``).

        Args:
            model: An alias or a target's model.
            messages: OpenAI-format messages.
            strategy: Routing hint ``x-switchyard-strategy``.
            tags: Routing hint ``x-switchyard-tags``.
            timeout_ms: The gateway-side deadline of the whole call (``x-switchyard-timeout-ms``).
            extra_headers: More headers for this call.
            timeout: This call's client timeout in seconds (default: the client's).
            **options: Other OpenAI fields: ``temperature``, ``max_tokens``, ``tools``, ``tool_choice``,
                ``response_format``, ``stop``, ``seed``... (``None`` values are left out).

        Raises:
            SwitchyardError: a subclass by status; see :mod:`switchyard_client.errors`.
        """
        body = chat_body(model, messages, options, stream=False)
        headers = request_headers(
            self._api_key, self._headers, strategy=strategy, tags=tags, timeout_ms=timeout_ms,
            extra_headers=extra_headers,
        )
        data, response_headers = self._call("POST", "/chat/completions", body, headers, timeout)
        return ChatCompletion.from_json(self._json(data), response_headers.get("x-switchyard-request-id"))

    def stream(
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
    ) -> ChatStream:
        """A streamed chat completion. Errors before the first event raise here (and are retried
        like :meth:`chat`); errors after it raise from the iteration and are not retried.

        Args are those of :meth:`chat`, plus ``include_usage`` (ask for the usage chunk at the end).
        """
        body = chat_body(model, messages, options, stream=True, include_usage=include_usage)
        headers = request_headers(
            self._api_key, self._headers, strategy=strategy, tags=tags, timeout_ms=timeout_ms,
            extra_headers=extra_headers, stream=True,
        )
        connection, response = self._with_retries("POST", "/chat/completions", body, headers, timeout)
        return ChatStream(connection, response)

    def models(self, *, timeout: Optional[float] = None) -> List[Model]:
        """The models a caller may name (``GET /v1/models``): aliases and targets' models."""
        headers = request_headers(self._api_key, self._headers)
        data, _ = self._call("GET", "/models", None, headers, timeout)
        payload = self._json(data)
        items = payload.get("data")
        return [Model.from_json(as_mapping(m)) for m in as_list(items) if isinstance(m, Mapping)]

    # -- transport ---------------------------------------------------------------------------

    @staticmethod
    def _json(data: bytes) -> Mapping[str, Any]:
        try:
            payload = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise SwitchyardError("the gateway answered something that is not JSON") from error
        if not isinstance(payload, Mapping):
            raise SwitchyardError("the gateway answered JSON that is not an object")
        return as_mapping(payload)

    def _call(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> Tuple[bytes, Dict[str, str]]:
        connection, response = self._with_retries(method, path, body, headers, timeout)
        try:
            return response.read(), _lower_headers(response)
        except socket.timeout as error:
            raise SwitchyardTimeoutError("the answer did not arrive within the timeout") from error
        except (OSError, http.client.HTTPException) as error:
            raise SwitchyardConnectionError(f"the answer broke off: {error}") from error
        finally:
            connection.close()

    def _with_retries(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> Tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send(method, path, body, headers, timeout)
            except SwitchyardError as error:
                error.attempts = attempt
                delay = self._retry.delay(error, attempt, self._random)
                if delay is None:
                    raise
            self._sleep(delay)

    def _send(
        self,
        method: str,
        path: str,
        body: Optional[bytes],
        headers: Mapping[str, str],
        timeout: Optional[float],
    ) -> Tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """One attempt: the response with its status and headers read; an error status raises."""
        ep = self._endpoint
        seconds = self._timeout if timeout is None else timeout
        connection: http.client.HTTPConnection
        if ep.scheme == "https":
            connection = http.client.HTTPSConnection(
                ep.host, ep.port, timeout=seconds, context=self._ssl or ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(ep.host, ep.port, timeout=seconds)
        all_headers = dict(headers)
        if body is not None:
            all_headers["content-type"] = "application/json"
        try:
            connection.request(method, ep.api_prefix + path, body=body, headers=all_headers)
            response = connection.getresponse()
            if response.status >= 400:
                data = response.read()
                raise error_from_response(response.status, data, _lower_headers(response))
            return connection, response
        except SwitchyardError:
            connection.close()
            raise
        except socket.timeout as error:
            connection.close()
            raise SwitchyardTimeoutError(f"no answer from the gateway within {seconds} s") from error
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise SwitchyardConnectionError(f"could not reach the gateway: {error}") from error
