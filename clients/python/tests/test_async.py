"""The asyncio client against a real gateway process (see gateway_fixture.ts)."""

from __future__ import annotations

import asyncio
import time
import unittest
import uuid

from _support import AsyncSleepRecorder, GatewayProcess, closed_port

from switchyard_client import (
    AsyncSwitchyardClient,
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
    SwitchyardConnectionError,
    SwitchyardTimeoutError,
    TextDelta,
)

HELLO = [{"role": "user", "content": "Hello"}]
NO_JITTER = lambda: 1.0  # noqa: E731


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    gateway: GatewayProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.gateway = GatewayProcess().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.gateway.stop()

    def client(self, **kwargs: object) -> "tuple[AsyncSwitchyardClient, AsyncSleepRecorder]":
        sleep = AsyncSleepRecorder()
        options = {"api_key": self.gateway.key, "timeout": 10.0, "sleep": sleep, "random": NO_JITTER}
        options.update(kwargs)
        return AsyncSwitchyardClient(self.gateway.url, **options), sleep  # type: ignore[arg-type]

    async def test_chat_and_models(self) -> None:
        client, _ = self.client()
        answer = await client.chat("echo", [{"role": "user", "content": "héllo 🌍"}])
        self.assertEqual(answer.text, "echo: héllo 🌍")
        self.assertEqual(answer.model, "echo-model")
        assert answer.usage is not None
        self.assertEqual(answer.usage.total_tokens, 8)
        self.assertIsNotNone(answer.request_id)
        models = {m.id for m in await client.models()}
        self.assertTrue({"echo", "tricky", "echo-model"} <= models)

    async def test_concurrent_calls(self) -> None:
        client, _ = self.client()
        prompts = [f"n{i}" for i in range(20)]
        answers = await asyncio.gather(*(client.chat("echo", [{"role": "user", "content": p}]) for p in prompts))
        self.assertEqual([a.text for a in answers], [f"echo: {p}" for p in prompts])

    async def test_stream_reassembles_tricky_text_exactly(self) -> None:
        client, _ = self.client()
        expected = self.gateway.tricky_deltas
        stream = await client.stream("tricky", HELLO)
        async with stream:
            events = [event async for event in stream]
        deltas = [e.text for e in events if isinstance(e, TextDelta)]
        self.assertEqual(deltas, [d for d in expected if d != ""])
        end = events[-1]
        assert isinstance(end, StreamEnd)
        self.assertEqual(end.text, "".join(expected))
        self.assertEqual(end.finish_reason, "stop")
        assert end.usage is not None
        self.assertEqual((end.usage.prompt_tokens, end.usage.completion_tokens, end.usage.total_tokens), (4, 9, 13))

    async def test_stream_text_deltas(self) -> None:
        client, _ = self.client()
        stream = await client.stream("tricky", HELLO, include_usage=False)
        text = "".join([d async for d in stream.text_deltas()])
        self.assertEqual(text, "".join(self.gateway.tricky_deltas))
        self.assertIsNone(stream.usage)

    async def test_stream_failing_mid_way_raises_stream_error(self) -> None:
        client, sleep = self.client()
        stream = await client.stream("broken", HELLO)
        seen = []
        with self.assertRaises(StreamError) as caught:
            async for event in stream:
                seen.append(event)
        self.assertEqual([e.text for e in seen if isinstance(e, TextDelta)], ["partial ", "answer"])
        error = caught.exception
        self.assertEqual((error.status, error.type, error.code), (None, "upstream_error", "stream_interrupted"))
        self.assertEqual(error.partial_text, "partial answer")
        self.assertEqual(sleep.delays, [])

    async def test_error_types(self) -> None:
        client, sleep = self.client()
        with self.assertRaises(BadRequestError) as bad:
            await client.chat("echo", HELLO, temperature=5)
        self.assertEqual((bad.exception.status, bad.exception.param), (400, "temperature"))
        with self.assertRaises(NotFoundError) as missing:
            await client.chat("no-such-model", HELLO)
        self.assertEqual(missing.exception.code, "model_not_found")
        with self.assertRaises(NotFoundError):
            await client.stream("no-such-model", HELLO)
        wrong, _ = self.client(api_key="sk-wrong-key-000000000000")
        with self.assertRaises(AuthenticationError) as denied:
            await wrong.models()
        self.assertEqual(denied.exception.status, 401)
        forbidden, _ = self.client(api_key=self.gateway.forbidden_key)
        with self.assertRaises(PermissionDeniedError) as refused:
            await forbidden.chat("echo", HELLO)
        self.assertEqual(refused.exception.status, 403)
        self.assertEqual(sleep.delays, [])  # none of these is retried

    async def test_429_then_503_with_retry_after(self) -> None:
        client, _ = self.client(max_retries=0)
        with self.assertRaises(RateLimitError) as limited:
            await client.chat("limited-a", HELLO)
        self.assertEqual((limited.exception.status, limited.exception.retry_after), (429, 7.0))
        with self.assertRaises(ServiceUnavailableError) as blocked:
            await client.chat("limited-a", HELLO)
        self.assertEqual((blocked.exception.status, blocked.exception.code), (503, "no_target"))

    async def test_retry_after_is_honoured_and_retries_are_bounded(self) -> None:
        client, sleep = self.client(max_retries=2)
        with self.assertRaises(ServiceUnavailableError) as caught:
            await client.chat("limited-b", HELLO)
        self.assertEqual(caught.exception.attempts, 3)
        self.assertEqual(sleep.delays[0], 7.0)
        self.assertEqual(len(sleep.delays), 2)
        self.assertTrue(1 <= sleep.delays[1] <= 7)

    async def test_retry_after_over_the_cap_raises_at_once(self) -> None:
        client, sleep = self.client(retry=RetryPolicy(max_retries=3, max_retry_after=5))
        with self.assertRaises(RateLimitError):
            await client.chat("limited-c", HELLO)
        self.assertEqual(sleep.delays, [])

    async def test_502_backs_off_then_succeeds_and_is_bounded(self) -> None:
        client, sleep = self.client(max_retries=3)
        answer = await client.chat("flaky", [{"role": "user", "content": f"fail:2:500:{uuid.uuid4()}"}])
        self.assertEqual((answer.text, sleep.delays), ("recovered after 2", [0.5, 1.0]))
        bounded, sleep2 = self.client(max_retries=1)
        with self.assertRaises(BadGatewayError) as caught:
            await bounded.chat("flaky", [{"role": "user", "content": f"fail:9:500:{uuid.uuid4()}"}])
        self.assertEqual((caught.exception.attempts, sleep2.delays), (2, [0.5]))

    async def test_stream_retried_before_content(self) -> None:
        client, sleep = self.client()
        stream = await client.stream("flaky", [{"role": "user", "content": f"fail:1:timeout:{uuid.uuid4()}"}])
        end = await stream.until_done()
        self.assertEqual((end.text, sleep.delays), ("recovered after 1", [0.5]))

    async def test_504_from_the_deadline_hint(self) -> None:
        client, _ = self.client(max_retries=0)
        with self.assertRaises(GatewayTimeoutError) as caught:
            await client.chat("slow", HELLO, timeout_ms=100)
        self.assertEqual(caught.exception.code, "upstream_timeout")

    async def test_client_timeout_and_cancellation(self) -> None:
        client, _ = self.client(max_retries=0, timeout=0.3)
        started = time.monotonic()
        with self.assertRaises(SwitchyardTimeoutError):
            await client.chat("slow", HELLO)
        self.assertLess(time.monotonic() - started, 2.5)
        patient, _ = self.client(max_retries=0)
        task = asyncio.ensure_future(patient.chat("slow", HELLO))
        await asyncio.sleep(0.2)
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        self.assertEqual((await patient.chat("echo", HELLO)).text, "echo: Hello")

    async def test_connection_refused_is_retried_and_bounded(self) -> None:
        sleep = AsyncSleepRecorder()
        client = AsyncSwitchyardClient(
            f"http://127.0.0.1:{closed_port()}", max_retries=2, sleep=sleep, random=NO_JITTER
        )
        with self.assertRaises(SwitchyardConnectionError) as caught:
            await client.models()
        self.assertEqual((caught.exception.attempts, sleep.delays), (3, [0.5, 1.0]))


if __name__ == "__main__":
    unittest.main()
