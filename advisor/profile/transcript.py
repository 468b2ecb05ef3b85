"""Reading conversations from JSON: `{"messages": [{"role": ..., "content": ...}, ...]}`.

Errors name the field (`messages[2].role`) and, for JSON Lines, the line. A conversation needs at
least one message, every message a role of user or assistant and non-blank text, and at least
one user message (only user messages say anything about the investor).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from advisor.errors import AdvisorError
from advisor.profile.text import Message

ROLES = ("user", "assistant")
# A message longer than this is refused: a chat message, even a pasted statement, is far shorter,
# and reading a conversation costs time that grows with its longest message.
MAX_MESSAGE_CHARS = 4_000


class TranscriptError(AdvisorError):
    """A transcript that cannot be read: the message names the field (and line) at fault."""


def parse_messages(document: Any) -> tuple[Message, ...]:
    """The messages of a decoded transcript object; `TranscriptError` naming the field if bad."""
    if not isinstance(document, dict):
        raise TranscriptError(f"expected an object with 'messages', got {_kind(document)}")
    if "messages" not in document:
        raise TranscriptError("field 'messages': missing")
    raw = document["messages"]
    if not isinstance(raw, list):
        raise TranscriptError(f"field 'messages': expected a list, got {_kind(raw)}")
    if not raw:
        raise TranscriptError("field 'messages': empty; a conversation needs a user message")
    messages = tuple(_message(item, position) for position, item in enumerate(raw))
    if not any(message.role == "user" for message in messages):
        raise TranscriptError("field 'messages': no user message; only user messages are evidence")
    return messages


def _message(item: Any, position: int) -> Message:
    where = f"messages[{position}]"
    if not isinstance(item, dict):
        raise TranscriptError(f"field '{where}': expected an object, got {_kind(item)}")
    role = item.get("role")
    if role not in ROLES:
        shown = "missing" if role is None else repr(role)
        raise TranscriptError(f"field '{where}.role': must be 'user' or 'assistant', got {shown}")
    content = item.get("content")
    if not isinstance(content, str):
        shown = "missing" if content is None else _kind(content)
        raise TranscriptError(f"field '{where}.content': expected text, got {shown}")
    if not content.strip():
        raise TranscriptError(f"field '{where}.content': empty")
    if len(content) > MAX_MESSAGE_CHARS:
        raise TranscriptError(
            f"field '{where}.content': too long ({len(content):,} characters; "
            f"at most {MAX_MESSAGE_CHARS:,})"
        )
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as error:  # "\ud800" in JSON: a half of a surrogate pair
        raise TranscriptError(
            f"field '{where}.content': not valid Unicode (a lone surrogate at position "
            f"{error.start})"
        ) from None
    return Message(role=role, content=content)


def read_transcript(data: bytes, source: str) -> tuple[Message, ...]:
    """A whole transcript file; errors start with `source`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TranscriptError(f"{source}: not UTF-8 ({_bad_byte(error)})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:  # [[[[...: the decoder gives up before it finds an error
        raise TranscriptError(f"{source}: not valid JSON (nested too deeply)") from None
    try:
        return parse_messages(document)
    except TranscriptError as error:
        raise TranscriptError(f"{source}: {error}") from None


@dataclass(frozen=True)
class JsonlItem:
    """One line of a JSON Lines batch: its id and messages, or the error that line has."""

    line: int
    id: Any
    messages: tuple[Message, ...] = ()
    error: str | None = None


def read_jsonl(data: bytes) -> Iterator[JsonlItem]:
    """Each non-blank line of a batch, decoded on its own so that one bad line spoils nothing
    else. The id is kept whenever the line is readable enough to have one."""
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        yield _jsonl_item(number, raw_line)


def _jsonl_item(number: int, raw_line: bytes) -> JsonlItem:
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as error:
        return JsonlItem(number, None, error=f"line {number}: not UTF-8 ({_bad_byte(error)})")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return JsonlItem(
            number, None, error=f"line {number}: not valid JSON (column {error.colno}: {error.msg})"
        )
    except RecursionError:
        return JsonlItem(number, None, error=f"line {number}: not valid JSON (nested too deeply)")
    identifier = document.get("id") if isinstance(document, dict) else None
    if isinstance(document, dict) and "id" not in document:
        return JsonlItem(number, None, error=f"line {number}: field 'id': missing")
    if not isinstance(identifier, str | int | None) or isinstance(identifier, bool):
        return JsonlItem(
            number, None, error=f"line {number}: field 'id': expected text or a number"
        )
    try:
        messages = parse_messages(document)
    except TranscriptError as error:
        return JsonlItem(number, identifier, error=f"line {number}: {error}")
    return JsonlItem(number, identifier, messages)


def _bad_byte(error: UnicodeDecodeError) -> str:
    return f"byte 0x{error.object[error.start]:02x} at position {error.start}"


def _kind(value: Any) -> str:
    """A JSON type name for error messages."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
