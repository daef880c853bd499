"""Unit tests of the I/O-free parts: SSE decoding, error parsing, retry policy, request building."""

from __future__ import annotations

import json
import unittest

import _support  # noqa: F401 - puts the package on sys.path

from switchyard_client import (
    APIStatusError,
    BadGatewayError,
    BadRequestError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ServiceUnavailableError,
    StreamEnd,
    StreamError,
    SwitchyardConnectionError,
    SwitchyardError,
    SwitchyardTimeoutError,
    TextDelta,
    ToolCallDelta,
)
from switchyard_client._wire import SseStream, chat_body, parse_base_url, request_headers
from switchyard_client.errors import error_from_response, parse_retry_after


def chunk(content: str, finish: "str | None" = None) -> str:
    delta = {"content": content} if content else {}
    payload = {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


USAGE = 'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\n'


class SseTest(unittest.TestCase):
    def test_any_split_of_the_bytes_gives_the_same_events(self) -> None:
        texts = ["héllo ", "🌍\n", "data: [DONE]\n\n", "中文"]
        body = ("".join(chunk(t) for t in texts) + chunk("", "stop") + USAGE + "data: [DONE]\n\n").encode()
        for size in (1, 2, 3, 7, 64, len(body)):
            sse = SseStream()
            events = []
            for i in range(0, len(body), size):
                events.extend(sse.feed(body[i : i + size]))
            sse.finish()
            self.assertEqual([e.text for e in events if isinstance(e, TextDelta)], texts, f"split {size}")
            end = events[-1]
            assert isinstance(end, StreamEnd)
            self.assertEqual((end.finish_reason, end.text), ("stop", "".join(texts)))
            assert end.usage is not None
            self.assertEqual(end.usage.total_tokens, 3)

    def test_crlf_comments_and_multi_line_data(self) -> None:
        sse = SseStream()
        events = sse.feed(b": keep-alive\r\n\r\ndata: {\"choices\":[{\"delta\":\r\ndata: {\"content\":\"x\"}}]}\r\n\r\n")
        self.assertEqual(events, [TextDelta("x")])
        events = sse.feed(b"data: [DONE]")  # no blank line yet
        self.assertEqual(events, [])
        sse.finish()
        self.assertTrue(sse.done)

    def test_tool_call_deltas(self) -> None:
        payload = {
            "choices": [
                {
                    "delta": {"tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "f", "arguments": "{\"a\""}}]},
                    "finish_reason": None,
                }
            ]
        }
        events = SseStream().feed(f"data: {json.dumps(payload)}\n\n".encode())
        self.assertEqual(events, [ToolCallDelta(index=0, id="call_1", name="f", arguments='{"a"')])

    def test_error_event_raises_with_the_partial_text(self) -> None:
        sse = SseStream()
        sse.feed(chunk("part").encode())
        error_event = {"error": {"message": "broke", "type": "upstream_error", "param": None, "code": "stream_interrupted"}}
        with self.assertRaises(StreamError) as caught:
            sse.feed(f"data: {json.dumps(error_event)}\n\n".encode())
        self.assertEqual((caught.exception.code, caught.exception.partial_text, caught.exception.status), ("stream_interrupted", "part", None))

    def test_events_before_an_error_in_the_same_bytes_come_first(self) -> None:
        error_event = {"error": {"message": "broke", "type": "upstream_error", "param": None, "code": "stream_interrupted"}}
        body = (chunk("partial ") + chunk("answer") + f"data: {json.dumps(error_event)}\n\n").encode()
        sse = SseStream()
        self.assertEqual(sse.feed(body), [TextDelta("partial "), TextDelta("answer")])
        with self.assertRaises(StreamError) as caught:
            sse.finish()
        self.assertEqual(caught.exception.partial_text, "partial answer")
        again = SseStream()
        again.feed(body)
        with self.assertRaises(StreamError):
            again.feed(b"")

    def test_end_without_done_is_a_connection_error(self) -> None:
        sse = SseStream()
        sse.feed(chunk("part").encode())
        with self.assertRaises(SwitchyardConnectionError):
            sse.finish()

    def test_non_json_event(self) -> None:
        with self.assertRaises(SwitchyardConnectionError):
            SseStream().feed(b"data: {nope\n\n")


class ErrorParsingTest(unittest.TestCase):
    def test_gateway_error_json(self) -> None:
        body = json.dumps({"error": {"message": "bad", "type": "invalid_request_error", "param": "temperature", "code": "invalid_value"}}).encode()
        error = error_from_response(400, body, {"x-switchyard-request-id": "r1"})
        self.assertIsInstance(error, BadRequestError)
        self.assertEqual((error.message, error.param, error.code, error.request_id), ("bad", "temperature", "invalid_value", "r1"))
        self.assertIn("status=400", str(error))

    def test_status_classes_and_non_json_bodies(self) -> None:
        self.assertIsInstance(error_from_response(429, b"", {"retry-after": "3"}), RateLimitError)
        self.assertEqual(error_from_response(429, b"", {"retry-after": "3"}).retry_after, 3.0)
        self.assertIsInstance(error_from_response(502, b"<html>", {}), BadGatewayError)
        self.assertIsInstance(error_from_response(503, b"null", {}), ServiceUnavailableError)
        server = error_from_response(500, b"oops", {})
        self.assertEqual((type(server), server.status), (ServerError, 500))
        other = error_from_response(413, b"", {})
        self.assertEqual(type(other), APIStatusError)
        self.assertIn("413", other.message)

    def test_retry_after_values(self) -> None:
        self.assertEqual([parse_retry_after(v) for v in ("7", " 1.5 ", "-1", "soon", "nan", None)], [7.0, 1.5, None, None, None, None])


class RetryPolicyTest(unittest.TestCase):
    policy = RetryPolicy(max_retries=3, max_retry_after=30, backoff_base=0.5, backoff_max=2)
    full = staticmethod(lambda: 1.0)

    def status(self, status: int, retry_after: "float | None" = None) -> SwitchyardError:
        return error_from_response(status, b"", {} if retry_after is None else {"retry-after": str(retry_after)})

    def test_which_errors_are_retried(self) -> None:
        delay = lambda e, n=1: self.policy.delay(e, n, self.full)  # noqa: E731
        self.assertEqual(delay(self.status(429, 4)), 4.0)
        self.assertEqual(delay(self.status(503, 2)), 2.0)
        self.assertIsNone(delay(self.status(429, 31)))  # longer than the cap: raise at once
        self.assertEqual(delay(self.status(429)), 0.5)  # no header: backoff
        self.assertEqual(delay(self.status(502)), 0.5)
        self.assertEqual(delay(self.status(504), 2), 1.0)
        self.assertEqual(delay(self.status(504), 3), 2.0)  # capped at backoff_max
        self.assertEqual(delay(SwitchyardConnectionError("refused")), 0.5)
        self.assertEqual(delay(SwitchyardTimeoutError("slow")), 0.5)
        for status in (400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 500):
            self.assertIsNone(delay(self.status(status)), status)
        self.assertIsNone(delay(StreamError("broke")))
        self.assertIsNone(delay(self.status(502), 4))  # past max_retries

    def test_jitter_stays_within_half_and_full(self) -> None:
        self.assertEqual(self.policy.backoff(2, lambda: 0.0), 0.5)
        self.assertEqual(self.policy.backoff(2, lambda: 1.0), 1.0)

    def test_bad_policy(self) -> None:
        with self.assertRaises(ValueError):
            RetryPolicy(max_retries=-1)
        with self.assertRaises(ValueError):
            RetryPolicy(backoff_base=-0.1)


class RequestTest(unittest.TestCase):
    def test_base_urls(self) -> None:
        self.assertEqual(parse_base_url("http://gw:8080").api_prefix, "/v1")
        self.assertEqual(parse_base_url("http://gw:8080/v1/").api_prefix, "/v1")
        self.assertEqual(parse_base_url("https://example.com/llm").api_prefix, "/llm/v1")
        self.assertEqual(parse_base_url("https://example.com").port, 443)
        self.assertEqual(parse_base_url("http://[::1]:81").host_header, "[::1]:81")
        for bad in ("", "ftp://x", "gw:8080", "http://gw/?a=1"):
            with self.assertRaises(ValueError, msg=bad):
                parse_base_url(bad)

    def test_headers_refuse_injection(self) -> None:
        headers = request_headers("k", {"X-Team": "a"}, strategy="cheapest", tags=["a", "b"], timeout_ms=500)
        self.assertEqual(headers["authorization"], "Bearer k")
        self.assertEqual((headers["x-switchyard-tags"], headers["x-switchyard-timeout-ms"]), ("a,b", "500"))
        self.assertEqual(headers["x-team"], "a")
        with self.assertRaises(ValueError):
            request_headers("k", {}, strategy="x\r\nx-evil: 1")
        with self.assertRaises(ValueError):
            request_headers("k", {}, extra_headers={"bad name": "v"})
        with self.assertRaises(ValueError):
            request_headers("k", {}, tags="a,b")  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            request_headers("k", {}, timeout_ms=0)

    def test_body(self) -> None:
        body = json.loads(chat_body("m", [{"role": "user", "content": "é"}], {"temperature": 0, "seed": None}, stream=True))
        self.assertEqual(body, {"model": "m", "messages": [{"role": "user", "content": "é"}], "temperature": 0, "stream": True, "stream_options": {"include_usage": True}})
        with self.assertRaises(ValueError):
            chat_body("m", [], {"stream": True}, stream=False)
        with self.assertRaises(ValueError):
            chat_body("", [], {}, stream=False)


if __name__ == "__main__":
    unittest.main()
