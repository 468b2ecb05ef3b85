"""The `advisor` command line. User errors print one line to stderr and exit with status 2."""

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast, get_args

import typer
from pydantic import BaseModel, ValidationError

from advisor.errors import AdvisorError
from advisor.knowledge.documents import Jurisdiction, Kind
from advisor.logging_redaction import install_log_redaction
from advisor.settings import load_settings

if TYPE_CHECKING:
    from advisor.agent.orchestrator import Advisor
    from advisor.agent.session import AdviceSession
    from advisor.knowledge.retrieval import Passage
    from advisor.planning.verification import Deviation
    from advisor.profile.text import Message
    from advisor.runtime import Runtime
    from advisor.settings import Settings

ModelT = TypeVar("ModelT", bound=BaseModel)

app = typer.Typer(
    help="A robo-advisor whose every number comes from a deterministic engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(help="Market data.", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(db_app, name="db")
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

RiskLevelOption = Annotated[
    int, typer.Option("--risk-level", "-r", min=1, max=5, help="Investor class C1-C5.")
]


def _runtime() -> "Runtime":
    from advisor.runtime import Runtime  # imported here so `--help` stays instant

    return Runtime.load(load_settings())


@app.command()
def rebalance(
    holdings: Annotated[
        Path | None,
        typer.Argument(help="CSV: account_id,risk_level,product_id,value (omit with --all)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the CSV trade list.")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Date for the calendar check; default today."),
    ] = None,
    every_account: Annotated[
        bool, typer.Option("--all", help="Rebalance every account in the database instead.")
    ] = False,
    backend: Annotated[
        str, typer.Option(help="With --all: local (process pool) or ray (ADVISOR_RAY_ADDRESS).")
    ] = "local",
    run_id: Annotated[
        str | None,
        typer.Option(help="With --all: rerunning an id resumes it; default nightly-<date>."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="With --all: worker processes; default: all cores.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="With --all: accounts per batch and per transaction.")
    ] = 1000,
) -> None:
    """Check drift for every account and trade the drifted ones back: from a holdings CSV to a
    trade list (HOLDINGS --out TRADES), or every account in the database (--all)."""
    if every_account:
        if holdings is not None or out is not None:
            raise AdvisorError("rebalance: give either --all or HOLDINGS --out TRADES, not both")
        _rebalance_database(backend, run_id, workers, batch_size, as_of)
        return
    if holdings is None or out is None:
        raise AdvisorError("rebalance: give HOLDINGS --out TRADES, or --all for the database")
    started = time.perf_counter()  # includes loading the engine, not the interpreter's start
    from advisor.holdings_csv import read_holdings, write_trades

    runtime = _runtime()
    book, problems = read_holdings(holdings, runtime.catalogue, as_of.date() if as_of else None)
    for problem in problems:
        typer.echo(problem.describe(holdings), err=True)
    plan = runtime.rebalancer.plan(book)
    rows = write_trades(out, book, plan, runtime.catalogue)
    summary = {
        "accounts": len(book.account_ids),
        "rebalanced": int(plan.rebalanced.sum()),
        "trades": rows,
        "skipped_rows": len(problems),
        "seconds": round(time.perf_counter() - started, 3),
    }
    typer.echo(json.dumps(summary))


def _rebalance_database(
    backend: str, run_id: str | None, workers: int | None, batch_size: int, as_of: datetime | None
) -> None:
    """`advisor rebalance --all`: the batch job over the database; prints its summary as JSON."""
    import os

    from advisor.jobs.backends import RuntimeRebalancer
    from advisor.jobs.rebalance import JobOptions, default_run_id, run_rebalance
    from advisor.planning.service import Planning
    from advisor.runtime import Runtime
    from advisor.storage import create_database_engine, upgrade_database

    if backend not in ("local", "ray"):
        raise AdvisorError(f"--backend must be local or ray, got {backend!r}")
    settings = load_settings()
    upgrade_database(settings.resolved_database_url)
    engine = create_database_engine(settings.resolved_database_url)
    runtime = Runtime.load(settings)
    options = JobOptions(
        run_id=run_id or default_run_id(),
        backend="ray" if backend == "ray" else "local",
        workers=workers or len(os.sched_getaffinity(0)),
        batch_size=batch_size,
        as_of=as_of.date() if as_of else None,
        ray_address=settings.ray_address,
        glide=Planning.load(runtime).glide,
    )
    try:
        summary = run_rebalance(
            engine, settings.mode, options, RuntimeRebalancer(settings), runtime.rebalancer
        )
    finally:
        engine.dispose()
    typer.echo(summary.model_dump_json())


@app.command()
def optimize(
    risk_level: RiskLevelOption,
    horizon: Annotated[
        float | None,
        typer.Option("--horizon", "-y", min=0.0, help="Years until the money is needed."),
    ] = None,
    amount: Annotated[float, typer.Option(min=0.0, help="Amount to invest.")] = 10_000.0,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The optimal portfolio for an investor class and horizon."""
    from advisor.reports import allocation_report

    runtime = _runtime()
    report = allocation_report(runtime, risk_level, horizon, amount)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(report.as_text())


class BacktestPolicy(StrEnum):
    """Rebalancing policies a backtest can replay."""

    none = "none"
    calendar = "calendar"
    threshold = "threshold"


@app.command()
def backtest(
    risk_level: RiskLevelOption,
    horizon: Annotated[float | None, typer.Option("--horizon", "-y", min=0.0)] = None,
    policy: Annotated[
        list[BacktestPolicy] | None, typer.Option(help="Repeat to compare; default: all three.")
    ] = None,
    calendar_months: Annotated[
        int | None, typer.Option(min=1, help="Default: the policy's calendar period.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Replay the real monthly history with the model portfolio under rebalancing policies."""
    from advisor.reports import backtest_report

    runtime = _runtime()
    chosen = [p.value for p in policy] if policy else [p.value for p in BacktestPolicy]
    report = backtest_report(runtime, risk_level, horizon, chosen, calendar_months)
    typer.echo(report.model_dump_json(indent=2) if as_json else report.as_text())


@data_app.command("refresh")
def data_refresh() -> None:
    """Fetch live prices for every catalogue ticker into the local cache (needs the network)."""
    from advisor.catalogue import load_catalogue
    from advisor.data.yfinance_source import YFinanceSource

    settings = load_settings()
    catalogue = load_catalogue(settings.portfolios_dir / "catalogue.toml")
    report = YFinanceSource(settings.market_cache_dir).refresh(
        [product.ticker for product in catalogue.products]
    )
    typer.echo(report.as_text())
    if not report.any_updated:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    from advisor.storage import upgrade_database

    settings = load_settings()
    upgrade_database(settings.resolved_database_url)
    typer.echo(f"database at {settings.resolved_database_url} is up to date")


@app.command()
def init(
    opening_balance: Annotated[
        float, typer.Option(min=0, help="Cash in the demo investor's account.")
    ] = 100_000.0,
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty", help="Do nothing, successfully, if users exist (what `make run` uses)."
        ),
    ] = False,
) -> None:
    """First run: create an admin and a demo investor, advisor and delegate; print their random
    passwords this once. Refuses if any user exists (unless --if-empty, which then does nothing)."""
    from advisor.accounts import AccountService
    from advisor.catalogue import load_catalogue
    from advisor.storage import Store, create_database_engine, upgrade_database

    settings = load_settings()
    upgrade_database(settings.resolved_database_url)
    catalogue = load_catalogue(settings.portfolios_dir / "catalogue.toml")
    local = [p for p in catalogue.products if p.jurisdiction == settings.jurisdiction]
    cash = [p.id for p in local if p.is_cash_like][:1]  # the demo starts in cash
    store = Store(create_database_engine(settings.resolved_database_url))
    accounts = AccountService(store, settings)
    if if_empty and accounts.has_users():
        return
    credentials = accounts.first_run(dict.fromkeys(cash, opening_balance))
    typer.echo("Created these users. The passwords are shown only now: note them down.")
    for person in credentials:
        typer.echo(f"  {person.role:<9} {person.username:<14} {person.password}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming the first event that breaks it."""
    from sqlalchemy.exc import DBAPIError

    from advisor.storage import Store, create_database_engine

    settings = load_settings()
    store = Store(create_database_engine(settings.resolved_database_url))
    try:
        broken = store.verify_audit_chain()
    except DBAPIError:
        raise AdvisorError(
            f"Cannot read the audit log at {settings.resolved_database_url}; "
            "run `advisor db upgrade` first"
        ) from None
    if broken is not None:
        typer.echo(f"audit log BROKEN at event {broken.event_id}: {broken.reason}")
        raise typer.Exit(1)
    typer.echo("audit log OK: every event matches its hash and the chain is unbroken")


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Default: ADVISOR_PORT or 7860.")] = None,
) -> None:
    """Start the web app."""
    from advisor.app import launch

    settings = load_settings()
    launch(settings if port is None else settings.model_copy(update={"port": port}))


@app.command()
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-embed every document, changed or not.")
    ] = False,
) -> None:
    """Index the knowledge documents for retrieval; only new and changed ones are embedded."""
    from advisor.knowledge.service import index_knowledge

    settings = load_settings()
    report = index_knowledge(
        settings.knowledge_dir, settings.data_dir, settings.chroma_url, rebuild=rebuild
    )
    typer.echo(report.as_text())


# Choices for the command line, from the document format's own lists (documents for all
# jurisdictions, `ALL`, always count, so it is not a choice).
KnowledgeJurisdiction = StrEnum(  # type: ignore[misc]
    "KnowledgeJurisdiction", [(j, j) for j in get_args(Jurisdiction) if j != "ALL"]
)
KnowledgeKind = StrEnum("KnowledgeKind", [(k, k) for k in get_args(Kind)])  # type: ignore[misc]


SHOWN_PASSAGE_CHARS = 240  # the plain output shows the start of each passage


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question, in English or Chinese.")],
    jurisdiction: Annotated[
        KnowledgeJurisdiction | None,
        typer.Option("--jurisdiction", "-j", help="Only this jurisdiction's documents and ALL."),
    ] = None,
    kind: Annotated[
        list[KnowledgeKind] | None, typer.Option("--kind", help="Only these kinds; repeatable.")
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="How many passages.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The knowledge passages that best answer a question, with their sources."""
    from advisor.knowledge.service import open_retriever

    if not question.strip():
        raise AdvisorError("the question is empty")
    settings = load_settings()
    retriever = open_retriever(
        settings.knowledge_dir,
        settings.data_dir,
        settings.chroma_url,
        warn=lambda message: typer.echo(f"advisor: warning: {message}", err=True),
    )
    passages = retriever.search(
        question,
        k=k,
        jurisdiction=cast(Jurisdiction, jurisdiction.value) if jurisdiction else None,
        kinds=[cast(Kind, item.value) for item in kind] if kind else None,
    )
    if as_json:
        rows = [passage.model_dump() for passage in passages]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        typer.echo(_passages_as_text(passages))


@app.command("check-suitability")
def check_suitability(
    case_file: Annotated[
        Path, typer.Argument(help='JSON: {"profile": {...}, "request": {...}} (request optional)')
    ],
) -> None:
    """The suitability decision for an investor profile, as JSON, citing every rule applied."""
    from advisor.suitability.profile import SuitabilityCase

    case = _read_json_model(case_file, SuitabilityCase)
    decision = _runtime().decide(case.profile, case.request)
    typer.echo(decision.model_dump_json(indent=2))


@app.command()
def profile(
    transcript: Annotated[
        str | None,
        typer.Argument(
            help='JSON: {"messages": [{"role": "user"|"assistant", "content": "..."}]}; - for stdin'
        ),
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            help='JSON Lines: one {"id": ..., "messages": [...]} per line; - for stdin. Writes '
            "one profile (or error) object per line.",
        ),
    ] = None,
) -> None:
    """The investor profile a conversation shows, with the evidence for every field, as JSON."""
    if (transcript is None) == (jsonl is None):
        raise AdvisorError("give either a TRANSCRIPT file or --jsonl FILE (- reads stdin)")
    from advisor.profile.extractor import ProfileExtractor
    from advisor.profile.transcript import read_transcript

    if jsonl is not None:
        extractor = ProfileExtractor()
        _write_jsonl_results(
            _read_bytes(jsonl), lambda messages: extractor.extract(messages).contract()
        )
    elif transcript is not None:
        messages = read_transcript(_read_bytes(transcript), _source_name(transcript))
        result = ProfileExtractor().extract(messages).contract()
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _write_jsonl_results(
    data: bytes, contract_of: "Callable[[Sequence[Message]], dict[str, Any]]"
) -> None:
    """One output line per input line, with the models loaded once; a bad line gives an error
    object naming it, and the rest go on."""
    from advisor.profile.transcript import read_jsonl

    lines = failed = 0
    for item in read_jsonl(data):
        lines += 1
        if item.error is not None:
            failed += 1
            row: dict[str, object] = {"id": item.id, "error": item.error}
        else:
            row = {"id": item.id, **contract_of(item.messages)}
        typer.echo(json.dumps(row, ensure_ascii=False))
    if failed:
        typer.echo(f"advisor: {failed} of {lines} lines could not be read", err=True)


@app.command()
def advise(
    transcript: Annotated[
        str | None,
        typer.Argument(
            help='JSON: {"messages": [{"role": "user"|"assistant", "content": "..."}]}; - for stdin'
        ),
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option(
            "--jsonl",
            help='JSON Lines: one {"id": ..., "messages": [...]} per line; - for stdin. Writes '
            "one advisor turn (or error) object per line.",
        ),
    ] = None,
) -> None:
    """One advisor turn on a conversation, as JSON: the profile, the proposal (or null while
    something essential is unknown) and the reply the user would see."""
    if (transcript is None) == (jsonl is None):
        raise AdvisorError("give either a TRANSCRIPT file or --jsonl FILE (- reads stdin)")
    from advisor.profile.transcript import read_transcript

    # Read the input before loading any model, so that a bad file fails in a moment.
    if jsonl is not None:
        data = _read_bytes(jsonl)
        advisor = _advisor(load_settings())
        _write_jsonl_results(data, lambda messages: advisor.respond(messages).contract())
    elif transcript is not None:
        messages = read_transcript(_read_bytes(transcript), _source_name(transcript))
        turn = _advisor(load_settings()).respond(messages)
        typer.echo(json.dumps(turn.contract(), ensure_ascii=False, indent=2))


def _advisor(settings: "Settings") -> "Advisor":
    """The advisor the factory builds, with its warnings (a language model that cannot be
    loaded, a knowledge folder that cannot be read) on stderr as one line each."""
    from advisor.agent.factory import build_advisor
    from advisor.llm import ModelRegistry

    return build_advisor(settings, ModelRegistry(), warn=_warn)


def _warn(message: str) -> None:
    typer.echo(f"advisor: warning: {message}", err=True)


QUIT_COMMANDS = frozenset({"/quit", "/exit"})
# A streamed piece: a word with the spaces after it, or a single CJK character (Chinese has no
# spaces to break at), or a run of line breaks.
_REPLY_PIECE = re.compile(
    r"[\u3400-\u9fff\uf900-\uffef]|[^\s\u3400-\u9fff\uf900-\uffef]+[ \t]*|\s+"
)


@app.command()
def chat(
    resume: Annotated[
        int | None, typer.Option("--resume", help="Continue a stored conversation by its id.")
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="The investor's name, for a new conversation.")
    ] = "Investor",
) -> None:
    """Talk to the advisor in the terminal; /quit or Ctrl-D ends the conversation. Every turn is
    stored (profile versions, proposals, audit events), so a conversation can be resumed."""
    from advisor.agent.session import AdviceSession
    from advisor.storage import Store, create_database_engine, upgrade_database

    settings = load_settings()
    upgrade_database(settings.resolved_database_url)
    store = Store(create_database_engine(settings.resolved_database_url))
    if resume is not None:
        store.conversation(resume)  # a bad id fails before any model loads
    session = AdviceSession(_advisor(settings), store)
    session = session.resume(resume) if resume is not None else session.start(name)
    typer.echo("advisor: type your message; /quit or Ctrl-D ends.", err=True)
    try:
        _chat_loop(session)
    except KeyboardInterrupt:  # Ctrl-C ends the chat like Ctrl-D, without a traceback
        typer.echo("", err=True)
    if session.conversation_id is not None:
        typer.echo(
            f"advisor: resume with: advisor chat --resume {session.conversation_id}", err=True
        )


def _chat_loop(session: "AdviceSession") -> None:
    """Read a line, print the advisor's guarded reply in pieces, until /quit or end of input."""
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            typer.echo("you> ", nl=False)
        line = sys.stdin.readline()
        if not line:  # end of input: Ctrl-D, or the end of a piped file
            return
        text = line.strip()
        if text in QUIT_COMMANDS:
            return
        if text:
            _stream(session.send(text).reply)


def _stream(reply: str) -> None:
    """Write a reply a piece at a time. Only the final reply is streamed, never the model's raw
    output: the guard must have seen the whole text before any of it reaches the user."""
    for piece in _REPLY_PIECE.findall(reply):
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n\n")
    sys.stdout.flush()


def _read_bytes(source: str) -> bytes:
    """The bytes of a file, or of stdin for "-"; a missing file is a one-line error."""
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AdvisorError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise AdvisorError(f"{path}: is a directory, not a file") from None


def _source_name(source: str) -> str:
    return "stdin" if source == "-" else source


def _read_json_model(path: Path, model: "type[ModelT]") -> "ModelT":
    """A JSON file validated as `model`; errors name the file and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AdvisorError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AdvisorError(f"{path}: cannot be read ({error})") from None
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "document"
        raise AdvisorError(f"{path}: field {field!r}: {first['msg']}") from None


def _passages_as_text(passages: "list[Passage]") -> str:
    if not passages:
        return "no passage matches the question"
    blocks = []
    for number, passage in enumerate(passages, start=1):
        text = " ".join(passage.text.split())
        if len(text) > SHOWN_PASSAGE_CHARS:
            text = text[: SHOWN_PASSAGE_CHARS - 1].rstrip() + "…"
        blocks.append(
            f"{number}. {passage.document_id} [{passage.jurisdiction}, {passage.kind}] "
            f"score {passage.score:.4f}\n"
            f"   {passage.title} › {passage.heading}\n"
            f"   {text}"
        )
    return "\n\n".join(blocks)


# Planning: the methodology page, its verification and the tax demo (the planning issue) ----------


@app.command("methodology")
def methodology_page(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the page.")] = Path(
        "docs/methodology.md"
    ),
) -> None:
    """Render portfolios/methodology.toml to the human-readable methodology page."""
    from advisor.planning.methodology import render_methodology
    from advisor.planning.service import Planning

    planning = Planning.load(_runtime())
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_methodology(planning.methodology, planning.products, planning.glide)
    out.write_text(page, encoding="utf-8")
    typer.echo(json.dumps({"written": str(out), "version": planning.methodology.version}))


@app.command("verify-methodology")
def verify_methodology_command(
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last day scans were due; default today."),
    ] = None,
) -> None:
    """Compare what ran (the audit log, the running configuration) with the methodology; print
    one JSON line per deviation and exit with status 1 if there is any."""
    from advisor.planning.service import Planning, verify
    from advisor.storage import Store, create_database_engine, upgrade_database

    runtime = _runtime()
    planning = Planning.load(runtime)
    url = runtime.settings.resolved_database_url
    upgrade_database(url)
    store = Store(create_database_engine(url))
    deviations = verify(store, planning, (until or datetime.now()).date())
    for deviation in deviations:
        typer.echo(json.dumps(_deviation_json(deviation), ensure_ascii=False))
    typer.echo(json.dumps({"deviations": len(deviations)}))
    if deviations:
        raise typer.Exit(1)


@app.command("demo-tax")
def demo_tax(
    database: Annotated[
        Path | None,
        typer.Option(help="SQLite file for the demo book (replaced); default: a temporary file."),
    ] = None,
) -> None:
    """Harvest a taxable demo account with lots at a loss without any wash sale, preview a sale's
    tax, and verify the methodology on the demo book."""
    import tempfile

    from advisor.planning.demo import run_demo
    from advisor.planning.service import Planning
    from advisor.storage import Store, create_database_engine, upgrade_database

    planning = Planning.load(_runtime())
    folder = Path(tempfile.mkdtemp(prefix="advisor-demo-tax-"))
    path = database or folder / "demo-tax.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade_database(url)
    result = run_demo(Store(create_database_engine(url)), planning)
    preview = result.preview
    summary = {
        "database": str(path),
        "scans": len(result.scans),
        "harvested": [
            {
                "on": scan.on.isoformat(),
                "lot": sale.sale.lot.lot_id,
                "sold": sale.sale.lot.product_id,
                "bought": sale.substitute_lot.product_id,
                "loss": round(sale.loss, 2),
                "estimated_tax_saving": round(-sale.sale.estimated_tax, 2),
            }
            for scan in result.scans
            for sale in scan.sales
        ],
        "deposit": {"wanted": result.deposit.wanted, "bought": result.deposit.buy},
        "dividend_reinvestment": {"wanted": result.dividend.wanted, "bought": result.dividend.buy},
        "preview": {
            "product": preview.product_id,
            "amount": preview.amount,
            "realized_gain": round(preview.realized_gain, 2),
            "estimated_tax": round(preview.estimated_tax, 2),
            "goal_probability_if_held": preview.if_held and round(preview.if_held.probability, 3),
            "goal_probability_if_sold": preview.if_sold and round(preview.if_sold.probability, 3),
        },
        "goals": [
            {"goal": a.goal.name, "status": a.status, "probability": round(a.probability, 3)}
            for a in result.goals
        ],
        "deviations": [_deviation_json(deviation) for deviation in result.deviations],
    }
    typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))


def _deviation_json(deviation: "Deviation") -> dict[str, str | None]:
    return {
        "kind": deviation.kind,
        "on": None if deviation.on is None else deviation.on.isoformat(),
        "subject": deviation.subject,
        "detail": deviation.detail,
    }


def main() -> None:
    """Entry point of the `advisor` console script: every failure a user can fix is one line."""
    install_log_redaction()  # no personal data in any log line, from any library
    try:
        status = app(standalone_mode=False)
    except typer.Exit as done:
        status = done.exit_code
    except typer.Abort:
        typer.echo("advisor: aborted", err=True)
        status = 1
    except typer.TyperException as error:  # usage errors: bad option values, missing arguments
        typer.echo(f"advisor: {error.format_message()}", err=True)
        status = getattr(error, "exit_code", 2)
    except AdvisorError as error:
        typer.echo(f"advisor: {error}", err=True)
        status = 2
    except OSError as error:  # a path that cannot be read or written, a full disk
        typer.echo(f"advisor: {error.filename or ''}: {error.strerror or error}", err=True)
        status = 2
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
