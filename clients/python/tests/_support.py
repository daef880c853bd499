"""Shared helpers of the client's tests: puts the package on ``sys.path`` and runs the real
gateway fixture (``gateway_fixture.ts``) as a child process."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent
REPO_ROOT = PACKAGE_ROOT.parent.parent
if str(PACKAGE_ROOT) not in sys.path:
    sys.path.insert(0, str(PACKAGE_ROOT))

#: Longest wait for the fixture to print its URL (tsx compiles on start; the machine may be busy).
START_TIMEOUT_S = float(os.environ.get("SWITCHYARD_FIXTURE_START_TIMEOUT", "90"))
STOP_TIMEOUT_S = 10.0


class GatewayProcess:
    """The fixture gateway: ``start()`` spawns it and waits (bounded) for its JSON line."""

    def __init__(self) -> None:
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.info: Dict[str, Any] = {}

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def key(self) -> str:
        return str(self.info["key"])

    @property
    def forbidden_key(self) -> str:
        return str(self.info["forbiddenKey"])

    @property
    def tricky_deltas(self) -> List[str]:
        return list(self.info["trickyDeltas"])

    def start(self) -> "GatewayProcess":
        self.process = subprocess.Popen(
            ["node", "--import", "tsx", str(HERE / "gateway_fixture.ts")],
            cwd=str(REPO_ROOT),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the gateway fixture did not start: {self._stderr()}")
            ready, _, _ = select.select([self.process.stdout], [], [], min(left, 1.0))
            if ready:
                byte = os.read(self.process.stdout.fileno(), 1)
                if byte == b"":
                    continue
                line += byte
        self.info = json.loads(line.decode("utf-8"))
        return self

    def _stderr(self) -> str:
        if self.process is None or self.process.stderr is None or self.process.poll() is None:
            return "(still running or never started)"
        return self.process.stderr.read().decode("utf-8", "replace")[-2000:]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a bounded wait; closes the pipes."""
        process = self.process
        if process is None:
            return
        self.process = None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT_S)
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SleepRecorder:
    """An injected ``sleep`` that records the delays asked for and does not wait."""

    def __init__(self) -> None:
        self.delays: List[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class AsyncSleepRecorder(SleepRecorder):
    """The asyncio version of :class:`SleepRecorder`."""

    async def __call__(self, seconds: float) -> None:  # type: ignore[override]
        self.delays.append(seconds)
