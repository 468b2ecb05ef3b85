"""The `advisor` command line. User errors print one line to stderr and exit with status 2."""

import json
import sys
import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar, cast, get_args

import typer
from pydantic import BaseModel, ValidationError

from advisor.errors import AdvisorError
from advisor.knowledge.documents import Jurisdiction, Kind
from advisor.settings import load_settings

if TYPE_CHECKING:
    from advisor.knowledge.retrieval import Passage
    from advisor.profile.extractor import ProfileExtractor
    from advisor.runtime import Runtime

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

RiskLevelOption = Annotated[
    int, typer.Option("--risk-level", "-r", min=1, max=5, help="Investor class C1-C5.")
]


def _runtime() -> "Runtime":
    from advisor.runtime import Runtime  # imported here so `--help` stays instant

    return Runtime.load(load_settings())


@app.command()
def rebalance(
    holdings: Annotated[Path, typer.Argument(help="CSV: account_id,risk_level,product_id,value")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the trade list.")],
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Date for the calendar check; default today."),
    ] = None,
) -> None:
    """Check drift for every account and write the trades that bring the drifted ones back."""
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
        _profile_batch(_read_bytes(jsonl), ProfileExtractor())
    elif transcript is not None:
        messages = read_transcript(_read_bytes(transcript), _source_name(transcript))
        result = ProfileExtractor().extract(messages).contract()
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _profile_batch(data: bytes, extractor: "ProfileExtractor") -> None:
    """One output line per input line; a bad line gives an error object and the rest go on."""
    from advisor.profile.transcript import read_jsonl

    lines = failed = 0
    for item in read_jsonl(data):
        lines += 1
        if item.error is not None:
            failed += 1
            row: dict[str, object] = {"id": item.id, "error": item.error}
        else:
            row = {"id": item.id, **extractor.extract(item.messages).contract()}
        typer.echo(json.dumps(row, ensure_ascii=False))
    if failed:
        typer.echo(f"advisor: {failed} of {lines} lines could not be read", err=True)


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


def main() -> None:
    """Entry point of the `advisor` console script: every failure a user can fix is one line."""
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
