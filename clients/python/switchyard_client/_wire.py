"""The gateway's wire format, without I/O: URLs, request bodies and headers, and the SSE stream
state machine both clients feed with bytes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

from .errors import SwitchyardConnectionError, SwitchyardError, error_from_event
from .types import Message, StreamEnd, StreamEvent, TextDelta, ToolCallDelta, Usage, as_list, as_mapping

USER_AGENT = "switchyard-client-python/0.1.0"


@dataclass(frozen=True)
class Endpoint:
    """Where the gateway is: scheme, host, port and the path prefix of its ``/v1`` API."""

    scheme: str
    host: str
    port: int
    api_prefix: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def parse_base_url(base_url: str) -> Endpoint:
    """Parses the gateway's base URL (``http://gateway:8080``; a trailing ``/v1`` is accepted)."""
    if not isinstance(base_url, str) or base_url == "":
        raise ValueError("base_url: expected a URL such as http://127.0.0.1:8080")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url: expected an http:// or https:// URL, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError("base_url: must not have a query or fragment")
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path = f"{path}/v1"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Endpoint(parts.scheme, parts.hostname, port, path)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _header_name(name: str) -> str:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ValueError(f"header name {name!r}: expected an HTTP token")
    return name.lower()


def _header_value(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected a string")
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(f"{name}: must not contain line breaks")
    return value


def request_headers(
    api_key: Optional[str],
    default_headers: Mapping[str, str],
    *,
    strategy: Optional[str] = None,
    tags: Optional[Sequence[str]] = None,
    timeout_ms: Optional[int] = None,
    extra_headers: Optional[Mapping[str, str]] = None,
    stream: bool = False,
) -> Dict[str, str]:
    """Headers of one call: key, JSON, routing hints (``x-switchyard-*``), then the caller's extras."""
    headers: Dict[str, str] = {
        "user-agent": USER_AGENT,
        "accept": "text/event-stream" if stream else "application/json",
    }
    headers.update({_header_name(k): _header_value(k, v) for k, v in default_headers.items()})
    if api_key:
        headers["authorization"] = _header_value("api_key", f"Bearer {api_key}")
    if strategy is not None:
        headers["x-switchyard-strategy"] = _header_value("strategy", strategy)
    if tags:
        if isinstance(tags, str):
            raise ValueError("tags: expected a list of strings, not a string")
        headers["x-switchyard-tags"] = _header_value("tags", ",".join(tags))
    if timeout_ms is not None:
        if not isinstance(timeout_ms, int) or isinstance(timeout_ms, bool) or timeout_ms < 1:
            raise ValueError("timeout_ms: expected a whole number of milliseconds >= 1")
        headers["x-switchyard-timeout-ms"] = str(timeout_ms)
    if extra_headers:
        headers.update({_header_name(k): _header_value(k, v) for k, v in extra_headers.items()})
    return headers


def chat_body(
    model: str,
    messages: Iterable[Message],
    options: Mapping[str, Any],
    *,
    stream: bool,
    include_usage: bool = True,
) -> bytes:
    """The JSON body of ``POST /v1/chat/completions``; ``options`` are OpenAI fields (``temperature``, ``tools``...)."""
    if not isinstance(model, str) or model == "":
        raise ValueError("model: expected a non-empty string (an alias or a model)")
    msgs: List[Message] = list(messages)
    body: Dict[str, Any] = {"model": model, "messages": msgs}
    for key, value in options.items():
        if key in ("model", "messages", "stream", "stream_options"):
            raise ValueError(f"{key}: pass it as an argument, not as an option")
        if value is not None:
            body[key] = value
    if stream:
        body["stream"] = True
        if include_usage:
            body["stream_options"] = {"include_usage": True}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class SseStream:
    """Turns the bytes of the gateway's ``text/event-stream`` into :data:`StreamEvent` s.

    Feed bytes with :meth:`feed` (each call returns the events they completed) and call
    :meth:`finish` at the end of the body. A ``data: {"error": ...}`` event raises
    :class:`StreamError` (after the events that came before it in the same bytes have been
    returned: the error is raised by the next :meth:`feed` or :meth:`finish`); a body that ends
    before ``data: [DONE]`` raises :class:`SwitchyardConnectionError`.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._data: List[str] = []
        self._parts: List[str] = []
        self._finish_reason: Optional[str] = None
        self._usage: Optional[Usage] = None
        self._done = False
        self.model: Optional[str] = None
        self.id: Optional[str] = None
        self._pending: Optional[Exception] = None

    @property
    def text(self) -> str:
        """The text received so far."""
        return "".join(self._parts)

    @property
    def usage(self) -> Optional[Usage]:
        """The usage, once the usage chunk has arrived."""
        return self._usage

    @property
    def finish_reason(self) -> Optional[str]:
        """The finish reason, once it has arrived."""
        return self._finish_reason

    @property
    def done(self) -> bool:
        """Whether ``data: [DONE]`` has been received."""
        return self._done

    def feed(self, chunk: bytes) -> List[StreamEvent]:
        """Events completed by ``chunk``."""
        self._raise_pending()
        events: List[StreamEvent] = []
        self._buffer += chunk
        try:
            while not self._done:
                newline = self._buffer.find(b"\n")
                if newline < 0:
                    break
                line = self._buffer[:newline]
                self._buffer = self._buffer[newline + 1 :]
                if line.endswith(b"\r"):
                    line = line[:-1]
                self._line(line.decode("utf-8"), events)
        except SwitchyardError as error:
            if not events:
                raise
            # The events before the error came first: hand them out, raise on the next call.
            self._pending = error
        return events

    def finish(self) -> None:
        """Checks the stream ended with ``[DONE]`` (after a last event with no blank line after it)."""
        self._raise_pending()
        if self._done:
            return
        events: List[StreamEvent] = []
        if self._buffer:
            self._line(self._buffer.decode("utf-8"), events)
            self._buffer = b""
        self._line("", events)
        if not self._done:
            raise SwitchyardConnectionError("the stream ended before data: [DONE]")

    def _raise_pending(self) -> None:
        error, self._pending = self._pending, None
        if error is not None:
            raise error

    def _line(self, line: str, events: List[StreamEvent]) -> None:
        if line == "":
            if self._data:
                data = "\n".join(self._data)
                self._data = []
                self._event(data, events)
            return
        if line.startswith(":"):
            return  # a comment (keep-alive)
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)

    def _event(self, data: str, events: List[StreamEvent]) -> None:
        if data == "[DONE]":
            self._done = True
            events.append(StreamEnd(finish_reason=self._finish_reason, usage=self._usage, text=self.text))
            return
        try:
            payload = json.loads(data)
        except ValueError:
            raise SwitchyardConnectionError("the stream sent an event that is not JSON") from None
        if not isinstance(payload, Mapping):
            return
        payload = as_mapping(payload)
        if "error" in payload:
            raise error_from_event(payload, self.text)
        model, chunk_id = payload.get("model"), payload.get("id")
        if isinstance(model, str):
            self.model = model
        if isinstance(chunk_id, str):
            self.id = chunk_id
        usage = Usage.from_json(payload.get("usage"))
        if usage is not None:
            self._usage = usage
        for item in as_list(payload.get("choices")):
            choice = as_mapping(item)
            delta = as_mapping(choice.get("delta"))
            content = delta.get("content")
            if isinstance(content, str) and content != "":
                self._parts.append(content)
                events.append(TextDelta(content))
            for raw_call in as_list(delta.get("tool_calls")):
                call = as_mapping(raw_call)
                fn = as_mapping(call.get("function"))
                index, call_id, name, arguments = call.get("index"), call.get("id"), fn.get("name"), fn.get("arguments")
                events.append(
                    ToolCallDelta(
                        index=index if isinstance(index, int) else 0,
                        id=call_id if isinstance(call_id, str) else None,
                        name=name if isinstance(name, str) else None,
                        arguments=arguments if isinstance(arguments, str) else "",
                    )
                )
            reason = choice.get("finish_reason")
            if isinstance(reason, str):
                self._finish_reason = reason
