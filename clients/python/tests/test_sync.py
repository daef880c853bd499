"""The sync client against a real gateway process (see gateway_fixture.ts)."""

from __future__ import annotations

import json
import time
import unittest
import uuid

from _support import GatewayProcess, SleepRecorder, closed_port

from switchyard_client import (
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    GatewayTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServiceUnavailableError,
    StreamEnd,
    StreamError,
    SwitchyardClient,
    SwitchyardConnectionError,
    SwitchyardError,
    SwitchyardTimeoutError,
    TextDelta,
)

HELLO = [{"role": "user", "content": "Hello"}]
NO_JITTER = lambda: 1.0  # noqa: E731 - the full backoff, so delays are exact


class SyncClientTest(unittest.TestCase):
    gateway: GatewayProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.gateway = GatewayProcess().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.gateway.stop()

    def client(self, **kwargs: object) -> "tuple[SwitchyardClient, SleepRecorder]":
        sleep = SleepRecorder()
        options = {"api_key": self.gateway.key, "timeout": 10.0, "sleep": sleep, "random": NO_JITTER}
        options.update(kwargs)
        return SwitchyardClient(self.gateway.url, **options), sleep  # type: ignore[arg-type]

    # -- answers -----------------------------------------------------------------------------

    def test_chat_returns_a_typed_completion(self) -> None:
        client, _ = self.client()
        answer = client.chat("echo", HELLO)
        self.assertEqual(answer.text, "echo: Hello")
        self.assertEqual(answer.model, "echo-model")
        self.assertEqual(answer.finish_reason, "stop")
        self.assertTrue(answer.id.startswith("chatcmpl-"))
        self.assertIsNotNone(answer.request_id)
        assert answer.usage is not None
        self.assertEqual((answer.usage.prompt_tokens, answer.usage.completion_tokens, answer.usage.total_tokens), (3, 5, 8))
        self.assertEqual(answer.choices[0].message.role, "assistant")

    def test_base_url_with_v1_and_unicode_prompt(self) -> None:
        client = SwitchyardClient(self.gateway.url + "/v1/", api_key=self.gateway.key, timeout=10.0)
        self.assertEqual(client.chat("echo", [{"role": "user", "content": "héllo 🌍\nzwei"}]).text, "echo: héllo 🌍\nzwei")

    def test_options_and_hints_reach_the_router(self) -> None:
        client, _ = self.client()
        answer = client.chat(
            "echo",
            [{"role": "user", "content": "__inspect__"}],
            temperature=0.5,
            max_tokens=20,
            stop=["STOP"],
            seed=None,  # None options are left out
            tags=["team:py", "test"],
        )
        seen = json.loads(answer.text)
        self.assertEqual(seen["model"], "echo-model")
        self.assertEqual(seen["temperature"], 0.5)
        self.assertEqual(seen["maxOutputTokens"], 20)
        self.assertEqual(seen["stopSequences"], ["STOP"])

    def test_models_lists_aliases_and_models(self) -> None:
        client, _ = self.client()
        models = {m.id: m.owned_by for m in client.models()}
        self.assertEqual(models["echo"], "switchyard")
        self.assertEqual(models["echo-model"], "mock")
        self.assertIn("tricky", models)

    # -- streams -----------------------------------------------------------------------------

    def test_stream_reassembles_tricky_text_exactly(self) -> None:
        client, _ = self.client()
        expected = self.gateway.tricky_deltas
        with client.stream("tricky", HELLO) as stream:
            events = list(stream)
        deltas = [e.text for e in events if isinstance(e, TextDelta)]
        self.assertEqual(deltas, [d for d in expected if d != ""])
        self.assertEqual("".join(deltas), "".join(expected))
        end = events[-1]
        assert isinstance(end, StreamEnd)
        self.assertEqual(end.text, "".join(expected))
        self.assertEqual(end.finish_reason, "stop")
        assert end.usage is not None
        self.assertEqual((end.usage.prompt_tokens, end.usage.completion_tokens, end.usage.total_tokens), (4, 9, 13))
        self.assertEqual(stream.text, "".join(expected))

    def test_stream_text_deltas_without_usage(self) -> None:
        client, _ = self.client()
        stream = client.stream("tricky", HELLO, include_usage=False)
        self.assertEqual("".join(stream.text_deltas()), "".join(self.gateway.tricky_deltas))
        self.assertIsNone(stream.usage)
        self.assertEqual(stream.finish_reason, "stop")

    def test_stream_failing_mid_way_raises_stream_error(self) -> None:
        client, sleep = self.client()
        stream = client.stream("broken", HELLO)
        seen = []
        with self.assertRaises(StreamError) as caught:
            for event in stream:
                seen.append(event)
        error = caught.exception
        self.assertEqual([e.text for e in seen if isinstance(e, TextDelta)], ["partial ", "answer"])
        self.assertIsNone(error.status)
        self.assertEqual(error.type, "upstream_error")
        self.assertEqual(error.code, "stream_interrupted")
        self.assertEqual(error.partial_text, "partial answer")
        self.assertIn("upstream broke", error.message)
        self.assertEqual(sleep.delays, [])  # content was delivered: never retried

    def test_stream_errors_before_content_raise_at_the_call_and_are_retried(self) -> None:
        client, sleep = self.client()
        with self.assertRaises(NotFoundError):
            client.stream("no-such-model", HELLO)
        stream = client.stream("flaky", [{"role": "user", "content": f"fail:1:500:{uuid.uuid4()}"}])
        self.assertEqual(stream.until_done().text, "recovered after 1")
        self.assertEqual(sleep.delays, [0.5])

    def test_closing_a_stream_early_releases_it(self) -> None:
        client, _ = self.client()
        with client.stream("tricky", HELLO) as stream:
            first = next(iter(stream))
        self.assertEqual(first, TextDelta(self.gateway.tricky_deltas[0]))
        self.assertEqual(client.chat("echo", HELLO).text, "echo: Hello")  # the gateway keeps serving

    # -- errors ------------------------------------------------------------------------------

    def test_400_names_the_field_and_is_not_retried(self) -> None:
        client, sleep = self.client()
        with self.assertRaises(BadRequestError) as caught:
            client.chat("echo", HELLO, temperature=5)
        error = caught.exception
        self.assertEqual((error.status, error.type, error.param), (400, "invalid_request_error", "temperature"))
        self.assertEqual((error.attempts, sleep.delays), (1, []))
        with self.assertRaises(BadRequestError) as hint:
            client.chat("echo", HELLO, strategy="no-such-strategy")
        self.assertIn("x-switchyard-strategy", hint.exception.message)

    def test_401_bad_key(self) -> None:
        client, sleep = self.client(api_key="sk-wrong-key-000000000000")
        with self.assertRaises(AuthenticationError) as caught:
            client.models()
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "invalid_api_key"))
        self.assertEqual(sleep.delays, [])

    def test_403_forbidden_key(self) -> None:
        client, sleep = self.client(api_key=self.gateway.forbidden_key)
        with self.assertRaises(PermissionDeniedError) as caught:
            client.chat("echo", HELLO)
        self.assertEqual((caught.exception.status, caught.exception.type), (403, "permission_error"))
        self.assertEqual(sleep.delays, [])

    def test_404_unknown_model(self) -> None:
        client, sleep = self.client()
        with self.assertRaises(NotFoundError) as caught:
            client.chat("no-such-model", HELLO)
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "model_not_found"))
        self.assertEqual(sleep.delays, [])

    def test_429_carries_retry_after_then_503_no_target(self) -> None:
        client, _ = self.client(max_retries=0)
        with self.assertRaises(RateLimitError) as caught:
            client.chat("limited-a", HELLO)
        error = caught.exception
        self.assertEqual((error.status, error.code, error.retry_after), (429, "rate_limit_exceeded", 7.0))
        # The router now blocks the target for those 7 s: the gateway answers 503 no_target.
        with self.assertRaises(ServiceUnavailableError) as blocked:
            client.chat("limited-a", HELLO)
        self.assertEqual((blocked.exception.status, blocked.exception.code), (503, "no_target"))
        assert blocked.exception.retry_after is not None
        self.assertTrue(1 <= blocked.exception.retry_after <= 7)

    def test_retry_after_is_honoured_and_retries_are_bounded(self) -> None:
        client, sleep = self.client(max_retries=2)
        with self.assertRaises(ServiceUnavailableError) as caught:
            client.chat("limited-b", HELLO)
        self.assertEqual(caught.exception.attempts, 3)
        self.assertEqual(len(sleep.delays), 2)
        self.assertEqual(sleep.delays[0], 7.0)  # the 429's retry-after
        self.assertTrue(1 <= sleep.delays[1] <= 7)  # the 503's remaining block

    def test_retry_after_longer_than_the_cap_is_not_waited_for(self) -> None:
        client, sleep = self.client(retry=RetryPolicy(max_retries=3, max_retry_after=5))
        with self.assertRaises(RateLimitError) as caught:
            client.chat("limited-c", HELLO)
        self.assertEqual((caught.exception.attempts, sleep.delays), (1, []))

    def test_502_backs_off_then_succeeds(self) -> None:
        client, sleep = self.client(max_retries=3)
        answer = client.chat("flaky", [{"role": "user", "content": f"fail:2:500:{uuid.uuid4()}"}])
        self.assertEqual(answer.text, "recovered after 2")
        self.assertEqual(sleep.delays, [0.5, 1.0])

    def test_504_is_retried(self) -> None:
        client, sleep = self.client()
        answer = client.chat("flaky", [{"role": "user", "content": f"fail:1:timeout:{uuid.uuid4()}"}])
        self.assertEqual(answer.text, "recovered after 1")
        self.assertEqual(sleep.delays, [0.5])

    def test_5xx_retries_are_bounded(self) -> None:
        client, sleep = self.client(max_retries=2)
        with self.assertRaises(BadGatewayError) as caught:
            client.chat("flaky", [{"role": "user", "content": f"fail:9:500:{uuid.uuid4()}"}])
        error = caught.exception
        self.assertEqual((error.status, error.type, error.code, error.attempts), (502, "upstream_error", "server", 3))
        self.assertEqual(sleep.delays, [0.5, 1.0])

    def test_gateway_deadline_hint_gives_504(self) -> None:
        client, _ = self.client(max_retries=0)
        with self.assertRaises(GatewayTimeoutError) as caught:
            client.chat("slow", HELLO, timeout_ms=100)
        self.assertEqual((caught.exception.status, caught.exception.code), (504, "upstream_timeout"))

    def test_client_timeout(self) -> None:
        client, _ = self.client(max_retries=0, timeout=0.3)
        started = time.monotonic()
        with self.assertRaises(SwitchyardTimeoutError) as caught:
            client.chat("slow", HELLO)
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertIsNone(caught.exception.status)

    def test_connection_refused_is_retried_with_backoff_and_bounded(self) -> None:
        sleep = SleepRecorder()
        client = SwitchyardClient(f"http://127.0.0.1:{closed_port()}", max_retries=2, sleep=sleep, random=NO_JITTER)
        with self.assertRaises(SwitchyardConnectionError) as caught:
            client.models()
        self.assertEqual(caught.exception.attempts, 3)
        self.assertEqual(sleep.delays, [0.5, 1.0])

    def test_every_error_is_a_switchyard_error(self) -> None:
        for cls in (BadRequestError, AuthenticationError, RateLimitError, StreamError, SwitchyardTimeoutError):
            self.assertTrue(issubclass(cls, SwitchyardError))


if __name__ == "__main__":
    unittest.main()
