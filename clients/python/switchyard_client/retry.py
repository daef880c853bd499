"""When to retry a failed call, and how long to wait first (no I/O: both clients use it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from .errors import (
    APIStatusError,
    StreamError,
    SwitchyardConnectionError,
    SwitchyardError,
)

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries that honour the gateway's ``retry-after``.

    - 429 and 503 wait the ``retry-after`` seconds the gateway sent. A ``retry-after`` longer than
      ``max_retry_after`` is not waited for: the error is raised at once (waiting less than asked
      would only fail again, e.g. an exhausted budget that resets in an hour). Without the header
      they back off like 502.
    - 502, 504, connection failures and client timeouts back off exponentially:
      ``min(backoff_max, backoff_base * 2 ** (retry - 1))``, scaled by a random factor in [0.5, 1].
    - Nothing else is retried: not 400/401/403/404 or any other 4xx, not 500 (a gateway bug), not
      a stream that failed after content was sent.

    Attributes:
        max_retries: Retries after the first attempt (0 disables retrying).
        max_retry_after: Longest ``retry-after`` (seconds) worth waiting for.
        backoff_base: First backoff, in seconds.
        backoff_max: Longest backoff, in seconds.
    """

    max_retries: int = 2
    max_retry_after: float = 60.0
    backoff_base: float = 0.5
    backoff_max: float = 8.0

    def __post_init__(self) -> None:
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ValueError("RetryPolicy.max_retries: expected an integer >= 0")
        for name in ("max_retry_after", "backoff_base", "backoff_max"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"RetryPolicy.{name}: expected a number >= 0")

    def backoff(self, retry: int, random: Callable[[], float]) -> float:
        """The backoff before retry number ``retry`` (1-based)."""
        full = min(self.backoff_max, self.backoff_base * (2 ** (retry - 1)))
        return full * (0.5 + 0.5 * min(1.0, max(0.0, random())))

    def delay(self, error: SwitchyardError, retry: int, random: Callable[[], float]) -> Optional[float]:
        """Seconds to wait before retry number ``retry`` (1-based) after ``error``; ``None``: do not retry."""
        if retry > self.max_retries or isinstance(error, StreamError):
            return None
        if isinstance(error, SwitchyardConnectionError):
            return self.backoff(retry, random)
        if not isinstance(error, APIStatusError):
            return None
        if error.status in (429, 503):
            if error.retry_after is None:
                return self.backoff(retry, random)
            if error.retry_after > self.max_retry_after:
                return None
            return error.retry_after
        if error.status in (502, 504):
            return self.backoff(retry, random)
        return None
