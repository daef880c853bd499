"""A stdlib-only Python client for the Switchyard gateway (``switchyard-llm/gateway``).

Sync::

    from switchyard_client import SwitchyardClient
    client = SwitchyardClient("http://gateway:8080", api_key="sk-...")
    answer = client.chat("chat", [{"role": "user", "content": "Hi"}])
    print(answer.text, answer.usage)

asyncio::

    from switchyard_client import AsyncSwitchyardClient
    client = AsyncSwitchyardClient("http://gateway:8080", api_key="sk-...")
    stream = await client.stream("chat", [{"role": "user", "content": "Hi"}])
    async with stream:
        async for delta in stream.text_deltas():
            print(delta, end="")
"""

from .async_client import AsyncChatStream, AsyncSwitchyardClient
from .client import ChatStream, SwitchyardClient
from .errors import (
    APIStatusError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    GatewayTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    StreamError,
    SwitchyardConnectionError,
    SwitchyardError,
    SwitchyardTimeoutError,
)
from .retry import RetryPolicy
from .types import (
    AssistantMessage,
    ChatCompletion,
    Choice,
    FunctionCall,
    Message,
    Model,
    StreamEnd,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
)

__version__ = "0.1.0"

__all__ = [
    "SwitchyardClient",
    "AsyncSwitchyardClient",
    "ChatStream",
    "AsyncChatStream",
    "RetryPolicy",
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
    "ChatCompletion",
    "Choice",
    "AssistantMessage",
    "ToolCall",
    "FunctionCall",
    "Usage",
    "Model",
    "Message",
    "TextDelta",
    "ToolCallDelta",
    "StreamEnd",
    "StreamEvent",
]
