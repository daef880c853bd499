"""Typed errors of the Switchyard client.

Every failure raises a :class:`SwitchyardError`. HTTP error answers are parsed from the gateway's
OpenAI-style error JSON (``{"error": {"message", "type", "param", "code"}}``) into a subclass chosen
by status; failures without an answer (refused connection, timeout) and a stream that fails after
content was sent have their own classes.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Type, cast

__all__ = [
    "SwitchyardError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "BadGatewayError",
    "ServiceUnavailableError",
    "GatewayTimeoutError",
    "SwitchyardConnectionError",
    "SwitchyardTimeoutError",
    "StreamError",
    "error_from_response",
    "error_from_event",
    "parse_retry_after",
]


class SwitchyardError(Exception):
    """Base of every error the client raises.

    Attributes:
        message: Human-readable message (the gateway's, which never holds a secret).
        status: HTTP status of the answer, or ``None`` when there was none (connection, timeout,
            an error event inside a stream).
        type: OpenAI-style error type (``rate_limit_error``, ``upstream_error``, ...), if known.
        code: OpenAI-style error code (``rate_limit_exceeded``, ``model_not_found``, ...), if known.
        param: The request field at fault (``messages[0].role``), if the gateway named one.
        retry_after: Seconds the gateway asked to wait (``retry-after`` header), if it did.
        request_id: The gateway's ``x-switchyard-request-id`` header, if present.
        attempts: How many HTTP attempts were made before giving up (1 = no retry).
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        retry_after: Optional[float] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.request_id = request_id
        self.attempts = 1

    def __str__(self) -> str:
        parts = [self.message]
        details = [
            f"{name}={value}"
            for name, value in (("status", self.status), ("type", self.type), ("code", self.code))
            if value is not None
        ]
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)


class APIStatusError(SwitchyardError):
    """The gateway answered with an error status (any 4xx or 5xx)."""


class BadRequestError(APIStatusError):
    """400: the request is malformed or has a bad field (``param`` names it). Never retried."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong. Never retried."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not make this call. Never retried."""


class NotFoundError(APIStatusError):
    """404: unknown model (``code == "model_not_found"``) or route. Never retried."""


class RateLimitError(APIStatusError):
    """429: rate limited, or a budget is exhausted (``code == "budget_exceeded"``). Retried after ``retry_after``."""


class ServerError(APIStatusError):
    """5xx: the gateway or an upstream failed."""


class BadGatewayError(ServerError):
    """502: the upstream failed (``server``, ``connection``, refused the gateway's own key...). Retried with backoff."""


class ServiceUnavailableError(ServerError):
    """503: no target can take the call now, or the gateway is shutting down. Retried after ``retry_after``."""


class GatewayTimeoutError(ServerError):
    """504: the upstream did not answer in time. Retried with backoff."""


class SwitchyardConnectionError(SwitchyardError):
    """No answer: the connection was refused, reset or closed early. Retried with backoff."""


class SwitchyardTimeoutError(SwitchyardConnectionError):
    """No answer within the client's timeout. Retried with backoff like other connection failures."""


class StreamError(SwitchyardError):
    """A stream failed after content was sent: the gateway's last ``data: {"error": ...}`` event.

    ``status`` is ``None`` (the HTTP status was already 200); ``type`` and ``code`` are the event's
    (``upstream_error`` / ``stream_interrupted``, ``service_unavailable`` / ``gateway_shutdown``...).
    ``partial_text`` is the text received before the failure. Never retried: content was delivered.
    """

    def __init__(self, message: str, *, partial_text: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.partial_text = partial_text


_BY_STATUS: Mapping[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``retry-after`` header given in seconds; ``None`` when absent or not a number.

    (HTTP dates are not accepted: the gateway always sends seconds.)
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        return None
    return seconds


def _error_fields(payload: Any) -> Mapping[str, Any]:
    if isinstance(payload, Mapping):
        inner = cast("Mapping[str, Any]", payload).get("error")
        if isinstance(inner, Mapping):
            return cast("Mapping[str, Any]", inner)
    return {}


def _opt_str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
) -> APIStatusError:
    """Builds the typed error for an error answer (status >= 400).

    ``headers`` must have lower-case names. A body that is not the gateway's error JSON still gives
    an error of the right class, with a generic message.
    """
    fields: Mapping[str, Any]
    try:
        fields = _error_fields(json.loads(body.decode("utf-8")))
    except (ValueError, UnicodeDecodeError):
        fields = {}
    cls: Type[APIStatusError]
    if status in _BY_STATUS:
        cls = _BY_STATUS[status]
    elif status >= 500:
        cls = ServerError
    else:
        cls = APIStatusError
    message = _opt_str(fields.get("message")) or f"the gateway answered HTTP {status}"
    return cls(
        message,
        status=status,
        type=_opt_str(fields.get("type")),
        code=_opt_str(fields.get("code")),
        param=_opt_str(fields.get("param")),
        retry_after=parse_retry_after(headers.get("retry-after")),
        request_id=headers.get("x-switchyard-request-id"),
    )


def error_from_event(payload: Mapping[str, Any], partial_text: str) -> StreamError:
    """Builds the :class:`StreamError` of a mid-stream ``data: {"error": ...}`` event."""
    fields = _error_fields(payload)
    return StreamError(
        _opt_str(fields.get("message")) or "the stream failed",
        type=_opt_str(fields.get("type")),
        code=_opt_str(fields.get("code")),
        param=_opt_str(fields.get("param")),
        partial_text=partial_text,
    )
