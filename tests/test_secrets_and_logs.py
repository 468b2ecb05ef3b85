"""Secrets only from the environment, no secret in the repository, and no personal data in logs.

* Settings: every secret-like field defaults to nothing and is a `SecretStr` read from the
  environment, never shown by `repr`.
* The repository (every tracked or not-ignored file) holds no private key, cloud or API token, or
  password literal; the few reviewed placeholders are listed with their file.
* Logs: the redaction filter removes names, phone numbers, Chinese ID numbers, account and card
  numbers, e-mails and passwords, leaves the figures a log needs (percentages, dates, ids), and
  is installed by the CLI for every logger.
"""

import io
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from pydantic import SecretStr

from advisor import cli
from advisor.logging_redaction import RedactingFilter, install_log_redaction, redact
from advisor.settings import PROJECT_ROOT, Settings

# --- settings ------------------------------------------------------------------------------------

SECRET_NAME: Final = re.compile(r"key|secret|(?<!new_)token|password|credential", re.IGNORECASE)


def test_secret_settings_have_no_default_and_are_secret_strings() -> None:
    secret_fields = {name for name in Settings.model_fields if SECRET_NAME.search(name)}
    assert secret_fields == {"llm_api_key"}  # a new one must be added here, and checked below
    for name in secret_fields:
        field = Settings.model_fields[name]
        assert field.default is None, name
        assert field.annotation == SecretStr | None, name


def test_a_secret_comes_from_the_environment_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "-".join(("sk", "test", "0123456789abcdefghij"))  # not a literal the scan would flag
    monkeypatch.setenv("ADVISOR_LLM_API_KEY", key)
    settings = Settings()
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == key
    assert "0123456789" not in repr(settings) and "0123456789" not in str(settings)
    assert "0123456789" not in settings.model_dump_json()
    monkeypatch.delenv("ADVISOR_LLM_API_KEY")
    assert Settings().llm_api_key is None


def test_the_database_url_has_no_password_by_default(tmp_path: Path) -> None:
    url = Settings(data_dir=tmp_path).resolved_database_url
    assert url == f"sqlite:///{tmp_path / 'advisor.db'}"
    assert "@" not in url


# --- the repository ------------------------------------------------------------------------------

SECRET_PATTERNS: Final = re.compile(
    r"""(?ix)
    -----BEGIN[ A-Z]*PRIVATE\ KEY-----
    | \bAKIA[0-9A-Z]{16}\b                              # AWS access key id
    | \bgh[pousr]_[A-Za-z0-9]{36,}\b                    # GitHub token
    | \bsk-[A-Za-z0-9_-]{20,}\b                         # OpenAI-style API key
    | \bxox[abpr]-[A-Za-z0-9-]{10,}\b                   # Slack token
    | \bAIza[0-9A-Za-z_-]{35}\b                         # Google API key
    | \bhf_[A-Za-z0-9]{30,}\b                           # Hugging Face token
    | \b(?:password|passwd|pwd|secret|api_?key|access_?key|auth_?token|token)["']?\s*[:=]\s*
      [bru]?["'][^"'\s]{6,}["']                         # a quoted password literal
    | [a-z][a-z0-9+.-]*://[^/\s:@"']+:[^/\s:@"']+@      # credentials in a URL
    """
)
# Reviewed placeholders: (file, matched text), written in pieces so this file holds none.
ALLOWED: Final = {
    ("advisor/storage/database.py", "postgresql+psycopg://user:" + "password@"),  # a URL shape
    ("tests/test_storage.py", "nosuchdb://ada:" + "s3cret@"),  # errors must hide the password
}
MAX_SCANNED_BYTES: Final = 2_000_000


def secrets_in(text: str) -> list[str]:
    return [match.group(0) for match in SECRET_PATTERNS.finditer(text)]


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [PROJECT_ROOT / name for name in listed if name]


def test_the_scanner_finds_planted_secrets() -> None:
    # Built from pieces, so that this file itself holds none of them.
    planted = [
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "aws = AKIA" + "IOSFODNN7EXAMPLE",
        "token gh" + "p_" + "a" * 36,
        'OPENAI = "sk' + "-" + "b" * 32 + '"',
        "password = " + '"hunter2hunter2"',
        "API_KEY: " + "'abcdef123456'",
        "postgresql://advisor:" + "pa55word@db:5432/advisor",
        "HF=hf" + "_" + "c" * 34,
    ]
    for line in planted:
        assert secrets_in(line), line
    harmless = [
        "password = os.environ['ADVISOR_PASSWORD']",
        'tokenizer: "PreTrainedTokenizerBase"',
        "llm_api_key: SecretStr | None = None",
        'PASSWORD = "correct horse battery"',  # a test fixture with spaces is not a credential
        "sqlite:///data/advisor.db",
    ]
    for line in harmless:
        assert not secrets_in(line), line


def test_no_secret_is_hard_coded_in_the_repository() -> None:
    files = repository_files()
    assert any(path.name == "settings.py" for path in files)  # the scan sees the sources
    found = []
    for path in files:
        if not path.is_file() or path.stat().st_size > MAX_SCANNED_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: model weights, parquet, images
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        found += [(relative, hit) for hit in secrets_in(text) if (relative, hit) not in ALLOWED]
    assert found == []


# --- personal data in logs -----------------------------------------------------------------------

# (text, what must disappear, the label left in its place)
PERSONAL: Final = [
    ("investor Grace Hopper signed in", "Grace Hopper", "[NAME]"),
    ("name=Alan Turing, risk 3", "Alan Turing", "[NAME]"),
    ('{"name": "Ada Lovelace"}', "Ada Lovelace", "[NAME]"),
    ("Hello, my name is Mary Smith", "Mary Smith", "[NAME]"),
    ("客户张伟要求全部卖出", "张伟", "[NAME]"),
    ("姓名：李小龙，年龄67", "李小龙", "[NAME]"),
    ("我叫王芳，今年35岁", "王芳", "[NAME]"),
    ("call me on 13812345678", "13812345678", "[PHONE]"),
    ("phone +86 138-1234-5678", "138-1234-5678", "[PHONE]"),
    ("US office +1 (415) 555-2671", "555-2671", "[PHONE]"),
    ("手机 139 1234 5678", "139 1234 5678", "[PHONE]"),
    ("座机010-65529988", "65529988", "[PHONE]"),
    ("账号6222021234567890123", "6222021234567890123", "[ACCOUNT]"),
    ("ID 11010519491231002X on file", "11010519491231002X", "[ID]"),
    ("身份证号 440524188001010014", "440524188001010014", "[ID]"),
    ("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", "[ACCOUNT]"),
    ("account 6222021234567890123", "6222021234567890123", "[ACCOUNT]"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32", "[ACCOUNT]"),
    ("write to grace.hopper@example.org", "grace.hopper@example.org", "[EMAIL]"),
    ("login password=hunter2hunter2 failed", "hunter2hunter2", "[SECRET]"),
    ('{"token": ' + '"abc.def.ghi"}', "abc.def.ghi", "[SECRET]"),
    ("Authorization: Bearer eyJhbGciOi", "eyJhbGciOi", "[SECRET]"),
]
# What a log needs and must keep.
KEPT: Final = [
    "proposal 42 moved 15.5% to bonds",
    "expected return 5.92% a year, volatility 11.30%",
    "drift check at 2026-11-30 09:00 UTC",
    "rule US-MATCH-1 fired for level C3",
    "product 510300.SS excluded",
    "trade of 50,000.00 USD",
    "investor 17 signed in",
    "rebalanced 1000000 accounts in 9.8 s",
]


@pytest.mark.parametrize(("text", "personal", "label"), PERSONAL)
def test_personal_data_is_redacted(text: str, personal: str, label: str) -> None:
    redacted = redact(text)
    assert personal not in redacted, redacted
    assert label in redacted, redacted


@pytest.mark.parametrize("text", KEPT)
def test_figures_dates_and_ids_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Puts the record factory and the root handlers' filters back after the test."""
    factory = logging.getLogRecordFactory()
    handlers = {handler: list(handler.filters) for handler in logging.getLogger().handlers}
    yield
    logging.setLogRecordFactory(factory)
    for handler, filters in handlers.items():
        handler.filters[:] = filters


def captured(logger: logging.Logger) -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return stream, handler


@pytest.mark.usefixtures("restored_logging")
def test_installed_redaction_covers_every_logger_arguments_and_tracebacks() -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent
    for name in ("advisor.accounts", "uvicorn.error", "some.library"):
        logger = logging.getLogger(name)
        stream, handler = captured(logger)
        try:
            logger.info("investor %s, phone %s, id %s", "Grace Hopper", "13812345678", 42)
            try:
                raise ValueError("bad e-mail grace@example.org for 11010519491231002X")
            except ValueError:
                logger.exception("sign-in failed for name=%s", "Grace Hopper")
        finally:
            logger.removeHandler(handler)
        written = stream.getvalue()
        for personal in ("Grace", "13812345678", "grace@example.org", "11010519491231002X"):
            assert personal not in written, (name, written)
        assert "id 42" in written and "ValueError" in written and "[EMAIL]" in written


def test_the_filter_on_a_handler_redacts_without_the_factory() -> None:
    logger = logging.getLogger("advisor.test.filter")
    stream, handler = captured(logger)
    handler.addFilter(RedactingFilter())
    try:
        logger.warning("delegate contact %s", "tom@example.org")
        logger.warning("%s %s", "only one argument")  # a broken call is still logged
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "tom@example.org" not in written and "[EMAIL]" in written
    assert "only one argument" in written


@pytest.mark.usefixtures("restored_logging")
def test_the_cli_installs_the_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["advisor", "--help"])
    before = logging.getLogRecordFactory()
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code == 0
    assert logging.getLogRecordFactory() is not before
    record = logging.getLogRecordFactory()(
        "x", logging.INFO, __file__, 1, "phone %s", ("13812345678",), None
    )
    assert record.getMessage() == "phone [PHONE]"
