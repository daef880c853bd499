"""Typed results of the Switchyard client (frozen dataclasses), parsed from the gateway's
OpenAI-compatible JSON. Each result keeps the ``raw`` JSON it came from, for fields not modelled here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Union, cast

__all__ = [
    "Message",
    "Usage",
    "FunctionCall",
    "ToolCall",
    "AssistantMessage",
    "Choice",
    "ChatCompletion",
    "Model",
    "TextDelta",
    "ToolCallDelta",
    "StreamEnd",
    "StreamEvent",
]

#: A chat message in OpenAI's format, e.g. ``{"role": "user", "content": "Hi"}``.
Message = Mapping[str, Any]


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else {}


def as_list(value: Any) -> List[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return cast("List[Any]", value) if isinstance(value, list) else []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Usage:
    """Token counts of a call."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def from_json(cls, data: Any) -> Optional["Usage"]:
        """Parses OpenAI's ``usage`` object; ``None`` when absent."""
        if not isinstance(data, Mapping):
            return None
        data = as_mapping(data)
        return cls(
            prompt_tokens=_int(data.get("prompt_tokens")),
            completion_tokens=_int(data.get("completion_tokens")),
            total_tokens=_int(data.get("total_tokens")),
        )


@dataclass(frozen=True)
class FunctionCall:
    """The function a tool call names, with its arguments as a JSON string (as OpenAI sends them)."""

    name: str
    arguments: str


@dataclass(frozen=True)
class ToolCall:
    """One tool call of an assistant message."""

    id: str
    type: str
    function: FunctionCall

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ToolCall":
        fn = as_mapping(data.get("function"))
        return cls(
            id=_str(data.get("id")) or "",
            type=_str(data.get("type")) or "function",
            function=FunctionCall(name=_str(fn.get("name")) or "", arguments=_str(fn.get("arguments")) or ""),
        )


def _no_tool_calls() -> List[ToolCall]:
    return []


@dataclass(frozen=True)
class AssistantMessage:
    """The message of a choice: text content and/or tool calls."""

    role: str
    content: Optional[str]
    tool_calls: List[ToolCall] = field(default_factory=_no_tool_calls)
    refusal: Optional[str] = None

    def to_message(self) -> Dict[str, Any]:
        """This message as a request message, to send back in a follow-up call (e.g. with tool results)."""
        out: Dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [
                {
                    "id": c.id,
                    "type": c.type,
                    "function": {"name": c.function.name, "arguments": c.function.arguments},
                }
                for c in self.tool_calls
            ]
        return out


@dataclass(frozen=True)
class Choice:
    """One choice of a completion (the gateway always answers exactly one)."""

    index: int
    message: AssistantMessage
    finish_reason: Optional[str]


@dataclass(frozen=True)
class ChatCompletion:
    """The answer of :meth:`SwitchyardClient.chat`.

    Attributes:
        id: The gateway's ``chatcmpl-...`` id.
        model: The model that answered (not the alias that was asked for).
        created: Unix time in seconds.
        choices: The choices (one).
        usage: Token counts, when known.
        request_id: The router's request id (``x-switchyard-request-id``), as in its events.
        raw: The JSON as received.
    """

    id: str
    model: str
    created: int
    choices: List[Choice]
    usage: Optional[Usage]
    request_id: Optional[str]
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def text(self) -> str:
        """The first choice's text content (``""`` when it has none, e.g. only tool calls)."""
        if not self.choices:
            return ""
        return self.choices[0].message.content or ""

    @property
    def finish_reason(self) -> Optional[str]:
        """The first choice's finish reason (``stop``, ``length``, ``tool_calls``, ``content_filter``)."""
        return self.choices[0].finish_reason if self.choices else None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], request_id: Optional[str] = None) -> "ChatCompletion":
        """Parses OpenAI's ``chat.completion`` object."""
        choices: List[Choice] = []
        for i, item in enumerate(as_list(data.get("choices"))):
            if not isinstance(item, Mapping):
                continue
            raw = as_mapping(item)
            msg = as_mapping(raw.get("message"))
            calls = as_list(msg.get("tool_calls"))
            choices.append(
                Choice(
                    index=_int(raw.get("index", i)),
                    message=AssistantMessage(
                        role=_str(msg.get("role")) or "assistant",
                        content=_str(msg.get("content")),
                        tool_calls=[ToolCall.from_json(as_mapping(c)) for c in calls if isinstance(c, Mapping)],
                        refusal=_str(msg.get("refusal")),
                    ),
                    finish_reason=_str(raw.get("finish_reason")),
                )
            )
        return cls(
            id=_str(data.get("id")) or "",
            model=_str(data.get("model")) or "",
            created=_int(data.get("created")),
            choices=choices,
            usage=Usage.from_json(data.get("usage")),
            request_id=request_id,
            raw=data,
        )


@dataclass(frozen=True)
class Model:
    """One entry of ``GET /v1/models``: an alias (``owned_by == "switchyard"``) or a target's model."""

    id: str
    owned_by: str
    created: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Model":
        return cls(id=_str(data.get("id")) or "", owned_by=_str(data.get("owned_by")) or "", created=_int(data.get("created")))


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer's text, in order. Joined, the deltas are the whole text."""

    text: str


@dataclass(frozen=True)
class ToolCallDelta:
    """A piece of a streamed tool call: ``id`` and ``name`` come first, ``arguments`` in pieces after."""

    index: int
    id: Optional[str]
    name: Optional[str]
    arguments: str


@dataclass(frozen=True)
class StreamEnd:
    """The last event of a stream that finished normally.

    ``usage`` is set when the stream was asked with ``include_usage=True`` (the default of
    :meth:`SwitchyardClient.stream`).
    """

    finish_reason: Optional[str]
    usage: Optional[Usage]
    text: str


#: What iterating a stream yields.
StreamEvent = Union[TextDelta, ToolCallDelta, StreamEnd]
