"""Load: N investors chatting with the served app at once, through its own API.

`advisor serve` runs in a subprocess on a fresh data dir (the knowledge index built once per run
of this script, the converted embedded model shared from `data/models`). N investors are seeded,
each with a funded account, consent to the analysis and a session token (signed in through the
accounts service on the app's database: sign-in is not what is measured). Then N threads, one per
investor, each with its own `gradio_client.Client` (its own browser session, so its own
conversation state), replay the user messages of a labelled conversation from
`tests/fixtures/profiles/dev.yaml` through the `/chat` endpoint, a few turns each, until every
session is done or `--duration` has passed. A warm-up turn first waits for the knowledge base and
the model to load.

How the simulated investors behave (the "load model"):

* `--ramp` (default 10 s): the sessions start spread evenly over this many seconds, as people
  arrive, rather than on one instant;
* `--think` (default 5-15 s, uniform, seeded): after a reply is complete, the investor reads it
  and types the next message. Reading one of the advisor's replies (100-250 words) takes a person
  30-60 s, so this is a hard load, not a gentle one.
* `--burst` runs the stress case instead: every session starts at once and sends its next message
  the moment a reply ends (no ramp, no thinking). It is reported, not held to the target.

Per turn, measured at the client from the moment the request is submitted:

* **engine reply**: the first streamed update that holds the engine's reply (the page shows the
  engine's facts as soon as they are decided and checked, with a placeholder for the opening):
  queue wait + the engine's turn (profile, retrieval, suitability, optimization, projection,
  guard). No token generation is in it, and no wait for the shared model;
* **opening**: the first update with the opening in place of the placeholder: + waiting for the
  model's lock and generating (embedded), + the turn's database writes;
* **turn complete**: the last update, after the opening has been revealed a few words at a time.

"p95 turn latency excluding token generation" is the engine reply's p95 in the run with the
embedded model. The same sessions also run against the same app with `ADVISOR_LLM_BACKEND=none`
(templated openings, no model) right after, side by side: there the opening figure is the whole
turn including the database writes. In the embedded run a turn whose wait for the model's lock
exceeded `llm_timeout_seconds` falls back to the templated opening and says so; those turns are
counted as `degraded`, not as errors. Errors are failed or timed-out requests, and replies that
are not for the session's own conversation. At the end the stored conversations are checked: each
holds exactly the messages its own investor sent.

Run: `.venv/bin/python benchmarks/load.py [--sessions 20] [--turns 3] [--llm embedded|none]
[--no-baseline] [--duration 600] [--ramp 10] [--think 5 15] [--burst]`. Results:
benchmarks/results/load.json (load_burst.json with --burst). Runs with OMP_NUM_THREADS=1 like the
other benchmarks (the app's process inherits it).
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ensure_single_threaded_blas, machine_description, write_json

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
CONVERSATIONS: Final = PROJECT_ROOT / "tests" / "fixtures" / "profiles" / "dev.yaml"
MODELS_CACHE: Final = PROJECT_ROOT / "data" / "models"
STARTUP_SECONDS: Final = 300
WARM_UP_SECONDS: Final = 900  # the first turn waits for the index and the model to load
TURN_TIMEOUT_SECONDS: Final = 300
POLL_SECONDS: Final = 0.02  # the resolution of the client's timings
# When a conversation has fewer user messages than --turns, the session goes on with these.
FOLLOW_UPS: Final = (
    "What portfolio would you suggest for me?",
    "Why did you choose that mix?",
    "How much could it fall in a bad year?",
)
DEGRADED_MARK: Final = "language model is unavailable"
PLACEHOLDER: Final = "…"  # the page's stand-in for the reply, and for the opening in a preview
SEED: Final = 20261130
PACKAGES: Final = ("gradio", "gradio_client", "torch", "transformers")


@dataclass
class Script:
    """One simulated investor: the conversation they replay and the age they state in it."""

    conversation: str
    messages: list[str]
    age: int | None


@dataclass
class TurnResult:
    session: int
    turn: int
    started: float  # seconds since the load began
    engine_reply: float | None = None
    opening: float | None = None
    complete: float | None = None
    degraded: bool = False
    error: str | None = None


@dataclass
class Seeded:
    username: str
    investor_id: int
    token: str
    script: Script
    sent: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def scripts(count: int, turns: int) -> list[Script]:
    """`count` English conversations, preferring ones whose investors state different ages."""
    entries = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))
    chosen: list[Script] = []
    ages: set[int | None] = set()
    english = [e for e in entries if e.get("language") == "en"]
    # Distinct ages first, then any others: a reply about another investor's age would show.
    for distinct in (True, False):
        for entry in english:
            if len(chosen) == count:
                break
            age = entry.get("expected", {}).get("age")
            age = age if isinstance(age, int) else None  # a range when the age is not stated
            if any(s.conversation == entry["id"] for s in chosen):
                continue
            if distinct and (age is None or age in ages):
                continue
            users = [m["content"] for m in entry["messages"] if m["role"] == "user"]
            users += list(FOLLOW_UPS)
            chosen.append(Script(entry["id"], users[:turns], age))
            ages.add(age)
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} English conversations in {CONVERSATIONS}")
    return chosen


def knowledge_index(root: Path) -> Path:
    """A data dir holding the knowledge index, built once per run of this script."""
    from advisor.knowledge.service import index_knowledge
    from advisor.settings import Settings

    template = root / "index-template"
    if not template.exists():
        settings = Settings(data_dir=template)
        index_knowledge(settings.knowledge_dir, template, None)
    return template


def seed(data: Path, count: int, turns: int) -> tuple[list[Seeded], Seeded]:
    """A fresh database with `count` investors who consented and are signed in (and one more for
    the warm-up turn)."""
    from advisor.accounts.consent import ConsentService
    from advisor.accounts.service import AccountService
    from advisor.app.services import open_store
    from advisor.settings import Settings
    from advisor.storage.models import Role

    settings = Settings(data_dir=data)
    store = open_store(settings)
    accounts = AccountService(store, settings)
    consent = ConsentService(store, accounts)
    accounts.first_run({"us_aggregate_bond": 45_000.0, "us_total_market": 55_000.0})
    people: list[Seeded] = []
    warm_up = Script("warm-up", ["Hello, I am 50 and saving for retirement in 15 years."], 50)
    for index, script in enumerate([*scripts(count, turns), warm_up]):
        username = f"load-investor-{index:03d}"
        investor_id = store.create_investor(f"Load Investor {index}")
        account_id = store.open_account(investor_id, "Main account", risk_level=3)
        store.replace_holdings(account_id, {"us_money_market": 50_000.0}, actor="load:seed")
        password = f"{username}-Pa55word-for-load"
        accounts.create_user(username, password, Role.INVESTOR, investor_id=investor_id)
        token = accounts.sign_in(username, password)
        consent.grant(accounts.principal(token), investor_id)
        people.append(Seeded(username, investor_id, token, script))
    return people[:-1], people[-1]


@contextmanager
def served(data: Path, backend: str, log: Path) -> Iterator[str]:
    """`advisor serve` on `data` with the language model `backend`, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    environment = {
        **os.environ,
        "ADVISOR_DATA_DIR": str(data),
        "ADVISOR_LLM_BACKEND": backend,
        "OMP_NUM_THREADS": "1",
    }
    advisor_command = Path(sys.executable).with_name("advisor")
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(advisor_command), "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"advisor serve exited:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"no answer at {url}:\n{log.read_text()}") from None
                    time.sleep(0.25)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def text_of(message: Any) -> str:
    """The text of a chat message as the API returns it (Gradio 6: a list of typed parts)."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _reply_of(output: Any) -> str | None:
    """The advisor's reply in a streamed /chat update, or None while it is still the
    placeholder."""
    chat = output[0] if isinstance(output, list | tuple) else None
    if not chat or not isinstance(chat[-1], dict) or chat[-1].get("role") != "assistant":
        return None
    reply = text_of(chat[-1])
    return None if not reply or reply == PLACEHOLDER else reply


def _is_preview(reply: str) -> bool:
    """Whether a reply is the engine's preview: the placeholder stands where the opening goes."""
    return PLACEHOLDER in reply.split("\n\n")


@dataclass(frozen=True)
class LoadModel:
    """How the simulated investors behave: when each session starts (spread over `ramp_s`) and
    how long an investor takes to read a reply and type the next message (uniform in `think_s`)."""

    ramp_s: float
    think_s: tuple[float, float]

    @property
    def burst(self) -> bool:
        return self.ramp_s == 0 and self.think_s == (0.0, 0.0)

    def describe(self) -> str:
        if self.burst:
            return "burst: every session at once, no thinking between turns"
        low, high = self.think_s
        return f"sessions start over {self.ramp_s:g} s, {low:g}-{high:g} s thinking between turns"


def run_session(
    url: str,
    index: int,
    person: Seeded,
    start: threading.Barrier,
    began: list[float],
    stop_at: float,
    results: list[TurnResult],
    load_model: LoadModel,
    sessions: int,
) -> None:
    """One investor's conversation, turn after turn, each turn timed at the client."""
    from gradio_client import Client  # type: ignore[import-untyped]

    client = Client(url, verbose=False)
    history: list[dict[str, str]] = []
    thinking = np.random.default_rng([SEED, index])
    start.wait()
    time.sleep(load_model.ramp_s * index / sessions)
    for number, text in enumerate(person.script.messages):
        if number:
            time.sleep(thinking.uniform(*load_model.think_s))
        if time.monotonic() >= stop_at:
            break
        submitted = time.monotonic()
        result = TurnResult(index, number, submitted - began[0])
        results.append(result)
        try:
            job = client.submit(person.token, text, history, api_name="/chat")
            # The streamed updates so far, looked at every POLL_SECONDS: iterating over the job
            # would poll every millisecond, and twenty such threads take CPU from the app.
            while not job.done():
                _note_progress(result, job.outputs(), time.monotonic() - submitted)
                if time.monotonic() - submitted > TURN_TIMEOUT_SECONDS:
                    raise TimeoutError(f"no complete reply within {TURN_TIMEOUT_SECONDS} s")
                time.sleep(POLL_SECONDS)
            final = job.result(timeout=TURN_TIMEOUT_SECONDS)
            result.complete = time.monotonic() - submitted
            # Updates that came within the last poll are timed at the end.
            _note_progress(result, job.outputs(), result.complete)
            reply = _reply_of(final)
            person.sent.append(text)
            chat = final[0]
            if reply is None or _is_preview(reply) or text_of(chat[-2]) != text:
                raise RuntimeError("the final update does not end with this turn's exchange")
            result.degraded = DEGRADED_MARK in reply
            history = list(chat)
        except Exception as error:  # counted, never raised: the load goes on
            result.error = f"{type(error).__name__}: {str(error)[:200]}"
            return


def _note_progress(result: TurnResult, outputs: list[Any], elapsed: float) -> None:
    """Time the first update holding the engine's reply, and the first holding the opening."""
    replies = [reply for reply in map(_reply_of, outputs) if reply is not None]
    if replies and result.engine_reply is None:
        result.engine_reply = elapsed
    if result.opening is None and any(not _is_preview(reply) for reply in replies):
        result.opening = elapsed


def stored_leaks(data: Path, people: list[Seeded]) -> list[str]:
    """Each investor's stored conversations hold exactly the messages they sent, in order."""
    from advisor.app.records import conversation_ids
    from advisor.app.services import open_store
    from advisor.settings import Settings
    from advisor.storage.models import MessageRole

    store = open_store(Settings(data_dir=data))
    problems = []
    for person in people:
        users = []
        for conversation_id in conversation_ids(store, person.investor_id):
            record = store.conversation(conversation_id)
            if record.investor_id != person.investor_id:
                problems.append(f"{person.username}: conversation {conversation_id} is not theirs")
            users += [m.content for m in record.messages if m.role == MessageRole.USER]
        if users != person.sent:
            problems.append(f"{person.username}: stored {users!r}, sent {person.sent!r}")
    return problems


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"count": 0, "p50_s": None, "p95_s": None, "max_s": None, "mean_s": None}
    array = np.asarray(values)
    return {
        "count": int(array.size),
        "p50_s": round(float(np.percentile(array, 50)), 3),
        "p95_s": round(float(np.percentile(array, 95)), 3),
        "max_s": round(float(array.max()), 3),
        "mean_s": round(float(array.mean()), 3),
    }


def load_run(
    root: Path, backend: str, sessions: int, turns: int, duration: float, load_model: LoadModel
) -> dict[str, Any]:
    """Serve the app with `backend`, run the sessions against it, and summarise."""
    data = root / f"data-{backend}"
    shutil.copytree(knowledge_index(root), data)
    (data / "models").symlink_to(MODELS_CACHE, target_is_directory=True)
    people, warm_up_person = seed(data, sessions, turns)
    log = root / f"serve-{backend}.log"
    with served(data, backend, log) as url:
        from gradio_client import Client

        warmed = time.monotonic()
        warm = Client(url, verbose=False).submit(
            warm_up_person.token, warm_up_person.script.messages[0], [], api_name="/chat"
        )
        warm.result(timeout=WARM_UP_SECONDS)
        warm_up_s = time.monotonic() - warmed
        print(
            f"[{backend}] app ready, warm-up turn {warm_up_s:.1f} s; {sessions} sessions "
            f"({load_model.describe()})"
        )
        results: list[TurnResult] = []
        began = [0.0]
        start = threading.Barrier(sessions + 1)
        # The barrier, the clients and the ramp take a moment.
        stop_at = time.monotonic() + duration + 60 + load_model.ramp_s
        threads = [
            threading.Thread(
                target=run_session,
                args=(url, index, person, start, began, stop_at, results, load_model, sessions),
                daemon=True,
            )
            for index, person in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        began[0] = time.monotonic()
        start.wait()
        began[0] = time.monotonic()
        for thread in threads:
            thread.join(timeout=duration + load_model.ramp_s + TURN_TIMEOUT_SECONDS + 120)
        wall = time.monotonic() - began[0]
        load_after = os.getloadavg()
    leaks = stored_leaks(data, people)
    errors = [r for r in results if r.error]
    done = [r for r in results if r.complete is not None]
    return {
        "backend": backend,
        "load_model": load_model.describe(),
        "sessions": sessions,
        "turns_per_session": turns,
        "warm_up_turn_s": round(warm_up_s, 2),
        "wall_s": round(wall, 2),
        "turns_completed": len(done),
        "turns_attempted": len(results),
        "errors": len(errors) + len(leaks),
        "error_messages": sorted({r.error for r in errors if r.error}) + leaks,
        "degraded_turns": sum(r.degraded for r in done),
        "throughput_turns_per_s": round(len(done) / wall, 3) if wall else None,
        "engine_reply": percentiles([r.engine_reply for r in done if r.engine_reply is not None]),
        "opening": percentiles([r.opening for r in done if r.opening is not None]),
        "turn_complete": percentiles([r.complete for r in done if r.complete is not None]),
        "load_average_after": ", ".join(f"{value:.2f}" for value in load_after),
        "stored_conversations_own_messages_only": not leaks,
    }


def table(runs: list[dict[str, Any]]) -> str:
    rows = [
        "| backend | load | sessions | turns done/tried | errors | degraded | turns/s | "
        "engine reply p50 / p95 / max (s) | opening p50 / p95 / max (s) | "
        "turn complete p50 / p95 / max (s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        cells = [
            " / ".join(str(run[measure][key]) for key in ("p50_s", "p95_s", "max_s"))
            for measure in ("engine_reply", "opening", "turn_complete")
        ]
        rows.append(
            f"| {run['backend']} | {run['load_model']} | {run['sessions']} | "
            f"{run['turns_completed']}/{run['turns_attempted']} | {run['errors']} | "
            f"{run['degraded_turns']} | {run['throughput_turns_per_s']} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(rows)


def main() -> None:
    ensure_single_threaded_blas()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=20, help="concurrent chat sessions")
    parser.add_argument("--turns", type=int, default=3, help="turns per session (at most)")
    parser.add_argument("--llm", choices=("embedded", "none"), default="embedded")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="with --llm embedded, skip the side-by-side run without the model",
    )
    parser.add_argument(
        "--duration", type=float, default=600.0, help="no turn starts after this many seconds"
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the sessions start"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("LOW", "HIGH"),
        help="seconds an investor reads and types between turns (uniform)",
    )
    parser.add_argument(
        "--burst", action="store_true", help="stress: no ramp and no thinking (not the target)"
    )
    args = parser.parse_args()
    load_model = (
        LoadModel(0.0, (0.0, 0.0)) if args.burst else LoadModel(args.ramp, tuple(args.think))
    )
    if not 1 <= args.sessions <= 100 or not 1 <= args.turns <= 10:
        parser.error("--sessions must be 1-100 and --turns 1-10")
    machine = machine_description(PACKAGES)
    print(
        f"machine: {machine['cpu']}, {machine['usable_cores']} usable cores, load average "
        f"{machine['load_average']} at start"
    )
    backends = [args.llm] if args.llm == "none" or args.no_baseline else ["embedded", "none"]
    runs = []
    with tempfile.TemporaryDirectory(prefix="advisor-load-") as folder:
        root = Path(folder)
        for backend in backends:
            runs.append(
                load_run(root, backend, args.sessions, args.turns, args.duration, load_model)
            )
    print(table(runs))
    for run in runs:
        if run["error_messages"]:
            print(f"[{run['backend']}] errors: {run['error_messages']}")
        print(f"[{run['backend']}] load average after: {run['load_average_after']}")
    measured = next((run for run in runs if run["backend"] == "embedded"), runs[0])
    p95 = measured["engine_reply"]["p95_s"]
    met = p95 is not None and p95 < 1 and all(run["errors"] == 0 for run in runs)
    print(
        f"target (p95 turn latency excluding token generation < 1 s, zero errors, "
        f"{args.sessions} sessions, {measured['backend']} model; {load_model.describe()}): "
        f"{'met' if met else 'NOT met'}: p95 engine reply {p95} s"
    )
    path = write_json(
        "load_burst.json" if load_model.burst else "load.json",
        {
            "machine": machine,
            "arguments": vars(args),
            "load_model": load_model.describe(),
            "measures": {
                "engine_reply": "submit to the first streamed update holding the engine's reply "
                "(queue wait + engine turn; no model): the latency excluding token generation",
                "opening": "submit to the first update holding the opening: + model lock wait "
                "and generation (embedded) + the turn's database writes",
                "turn_complete": "submit to the last update, after the opening's reveal",
            },
            "runs": runs,
        },
    )
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
