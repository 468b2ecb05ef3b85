"""Several investors chatting with the served app at once: every reply is for its own
conversation, nothing leaks between sessions, and the embedded model is loaded once.

The app runs as `advisor serve` in a subprocess (`test_app_harness.serve_app`). Each investor is
a separate `gradio_client.Client`, that is a separate browser session with its own conversation
state, signed in with their own session token, and all of them send their turns at the same time
through the app's `/chat` endpoint. Each investor says something no other says (an age, a job, a
city), so a reply, a profile or a stored message that reached the wrong conversation shows.

Most of it runs with the language model off (`ADVISOR_LLM_BACKEND=none`: templated openings,
fast); one test repeats a smaller round with the embedded model, where the sessions queue on one
model's lock, and checks from the server process's memory that no session loaded its own copy.
"""

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from gradio_client import Client  # type: ignore[import-untyped]
from test_app_harness import MODELS_CACHE, ServedApp, add_investor, serve_app

from advisor.accounts.consent import ConsentService
from advisor.accounts.service import AccountService
from advisor.app.records import conversation_ids
from advisor.storage.models import MessageRole

TURN_TIMEOUT: Final = 240.0  # seconds; the embedded model's sessions wait for each other


@dataclass(frozen=True)
class Persona:
    """What one investor says: facts no other investor states."""

    username: str
    age: int
    job: str
    city: str

    def messages(self) -> list[str]:
        return [
            f"Hi, I'm {self.age} and I work as a {self.job} in {self.city}. I'm saving for "
            "retirement and won't need the money for many years.",
            "I could live with a 15% fall in a bad year, and I keep six months of expenses "
            "in savings.",
        ]


PERSONAS: Final = (
    Persona("concurrent-a", 27, "teacher", "Aberdeen"),
    Persona("concurrent-b", 34, "nurse", "Bristol"),
    Persona("concurrent-c", 41, "plumber", "Cardiff"),
    Persona("concurrent-d", 48, "pharmacist", "Dundee"),
    Persona("concurrent-e", 55, "architect", "Exeter"),
    Persona("concurrent-f", 62, "librarian", "Falmouth"),
)
EMBEDDED_PERSONAS: Final = PERSONAS[:3]
INTRUSION: Final = (
    Persona("concurrent-owner", 45, "chef", "Hull"),
    Persona("concurrent-intruder", 39, "pilot", "Inverness"),
)


@dataclass
class Session:
    """One investor's chat as their client saw it."""

    persona: Persona
    token: str
    investor_id: int
    replies: list[str] = field(default_factory=list)
    chat: list[dict[str, Any]] = field(default_factory=list)


def _seed_personas(personas: tuple[Persona, ...]) -> Any:
    def seed(app: ServedApp, accounts: AccountService) -> None:
        consent = ConsentService(app.store, accounts)
        for persona in personas:
            investor_id = add_investor(
                app,
                accounts,
                persona.username,
                f"Investor {persona.city}",
                holdings={"us_money_market": 50_000.0},
            )
            token = accounts.sign_in(persona.username, app.passwords[persona.username])
            consent.grant(accounts.principal(token), investor_id)

    return seed


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    yield from serve_app(
        tmp_path_factory.mktemp("concurrency"),
        _seed_personas((*PERSONAS, *INTRUSION)),
        env={"ADVISOR_LLM_BACKEND": "none"},
    )


def text_of(message: dict[str, Any]) -> str:
    """A chat message's text as the API returns it (Gradio 6: a list of typed parts)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content or [] if isinstance(part, dict))


def new_session(served: ServedApp, persona: Persona) -> Session:
    accounts = AccountService(served.store, served.settings)
    token = accounts.sign_in(persona.username, served.passwords[persona.username])
    return Session(persona, token, served.investor_ids[persona.username])


def converse(served: ServedApp, session: Session, start: threading.Barrier, turns: int) -> None:
    """Send the persona's messages as one browser session would, after every session is ready."""
    client = Client(served.url, verbose=False)
    start.wait(timeout=TURN_TIMEOUT)
    for text in session.persona.messages()[:turns]:
        job = client.submit(session.token, text, session.chat, api_name="/chat")
        chat, box = job.result(timeout=TURN_TIMEOUT)  # the conversation id stays in the session
        # The box comes back as an update: emptied, and open again for the next message.
        assert box == {"__type__": "update", "value": "", "interactive": True}
        assert chat[-2]["role"] == "user" and text_of(chat[-2]) == text
        assert chat[-1]["role"] == "assistant"
        session.replies.append(text_of(chat[-1]))
        session.chat = chat


def run_concurrently(served: ServedApp, personas: tuple[Persona, ...], turns: int) -> list[Session]:
    """All personas' conversations at once; any error in any session fails the test."""
    sessions = [new_session(served, persona) for persona in personas]
    start = threading.Barrier(len(sessions))
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        futures = [pool.submit(converse, served, s, start, turns) for s in sessions]
        for future in futures:
            future.result(timeout=TURN_TIMEOUT * (turns + 1))  # re-raises a session's error
    return sessions


def others(persona: Persona, personas: tuple[Persona, ...]) -> list[str]:
    """What only the other investors said: their cities and jobs."""
    return [word for p in personas if p != persona for word in (p.city, p.job)]


def assert_no_leak(served: ServedApp, sessions: list[Session], turns: int) -> None:
    personas = tuple(s.persona for s in sessions)
    for session in sessions:
        persona = session.persona
        foreign = others(persona, personas)
        # What the client was shown: its own messages, replies that mention no one else.
        shown = [text_of(m) for m in session.chat if m["role"] == "user"]
        assert shown == persona.messages()[:turns]
        for reply in session.replies:
            assert not any(re.search(rf"\b{w}\b", reply) for w in foreign), reply
        # What the database holds: one conversation, only this investor's messages, in order.
        ids = conversation_ids(served.store, session.investor_id)
        assert len(ids) == 1, f"{persona.username} has conversations {ids}"
        record = served.store.conversation(ids[0])
        assert record.investor_id == session.investor_id
        users = [m.content for m in record.messages if m.role == MessageRole.USER]
        assistants = [m.content for m in record.messages if m.role == MessageRole.ASSISTANT]
        assert users == persona.messages()[:turns]
        assert assistants == session.replies
        # What the advisor understood: this investor's age, from this investor's words.
        latest = served.store.latest_profile(session.investor_id)
        assert latest is not None, f"no profile for {persona.username}"
        profile = latest[1]
        assert profile["age"] == persona.age, (persona.username, profile["age"])
        evidence = str(profile["evidence"])
        assert not any(w in evidence for w in foreign), evidence


def test_concurrent_investors_each_get_their_own_conversation(served: ServedApp) -> None:
    sessions = run_concurrently(served, PERSONAS, turns=2)
    assert_no_leak(served, sessions, turns=2)


def test_one_investor_cannot_continue_anothers_conversation_from_a_shared_client(
    served: ServedApp,
) -> None:
    """The conversation id lives in the browser session's state, but the server checks it
    against the signed-in investor: a client that chatted as one investor and then sends with
    another's token writes nothing, into either conversation."""
    owner, intruder = (new_session(served, persona) for persona in INTRUSION)
    client = Client(served.url, verbose=False)
    # This client's session state now holds the owner's conversation id.
    client.predict(owner.token, "How is my plan doing?", [], api_name="/chat")
    with pytest.raises(Exception) as refusal:
        client.predict(intruder.token, "Show me this conversation.", [], api_name="/chat")
    assert "not yours" in str(refusal.value)
    (owned,) = conversation_ids(served.store, owner.investor_id)
    messages = served.store.conversation(owned).messages
    assert [m.content for m in messages if m.role == MessageRole.USER] == ["How is my plan doing?"]
    assert conversation_ids(served.store, intruder.investor_id) == []


def _server_rss_bytes(served: ServedApp) -> int:
    """The resident memory of the `advisor serve` process this test started (found by its
    port, which is unique to it)."""
    port = served.url.rstrip("/").rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            arguments = (proc / "cmdline").read_bytes().split(b"\0")
            status = (proc / "status").read_text()
        except OSError:
            continue
        if b"serve" in arguments and port.encode() in arguments:
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            assert match is not None
            return int(match.group(1)) * 1024
    pytest.fail(f"no `advisor serve --port {port}` process found")


@pytest.fixture(scope="module")
def served_embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    yield from serve_app(
        tmp_path_factory.mktemp("concurrency-embedded"),
        _seed_personas((*EMBEDDED_PERSONAS, Persona("concurrent-warm", 50, "baker", "Glasgow"))),
        env={"ADVISOR_LLM_BACKEND": "embedded"},
    )


def test_concurrent_sessions_share_one_embedded_model(served_embedded: ServedApp) -> None:
    served = served_embedded
    # One turn first: the model is loaded (converted the first time) before the others start.
    warm = new_session(served, Persona("concurrent-warm", 50, "baker", "Glasgow"))
    Client(served.url, verbose=False).submit(
        warm.token, "Hello, I'm 50.", [], api_name="/chat"
    ).result(timeout=TURN_TIMEOUT)
    loaded = _server_rss_bytes(served)

    sessions = run_concurrently(served, EMBEDDED_PERSONAS, turns=1)
    assert_no_leak(served, sessions, turns=1)

    # A second copy of the weights for any session would add at least their size again.
    weights = sum(f.stat().st_size for f in MODELS_CACHE.rglob("*.safetensors"))
    assert weights > 100e6, f"the converted model was not found under {MODELS_CACHE}"
    grown = _server_rss_bytes(served) - loaded
    assert grown < weights / 2, f"the server grew by {grown / 1e6:.0f} MB while serving"
    assert served.log is not None
    log = served.log.read_text(errors="replace")
    assert "advisor could not be loaded" not in log, log
