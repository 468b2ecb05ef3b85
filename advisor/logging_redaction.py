"""Personal data kept out of logs: a logging filter that redacts what a log line may carry about a
person (e-mail addresses, phone numbers, Chinese resident ID numbers, account and card numbers,
names given with a label or an introduction, passwords and tokens) before any handler writes it.

The CLI (`advisor.cli.main`, so also `advisor serve`) and `app.py` call `install_log_redaction()`
once at start. It covers every logger, ours and the libraries', whatever handlers they add later:
records are redacted as they are created, and the filter also sits on the root logger's handlers
for records made by a custom record factory.

    install_log_redaction()
    logging.getLogger("advisor").warning("Investor %s, phone %s", "张伟", "13812345678")
    # -> "Investor [NAME], phone [PHONE]" (the name because it follows "Investor")

Names are found by what comes before them ("name: ...", "investor Grace ...", "my name is",
"我叫", "姓名"), not from a list of every name, so a name logged bare is not caught: log ids,
not names.
"""

import logging
import re
from collections.abc import Callable
from typing import Any, Final

REDACTED: Final = "[REDACTED]"

# Each pattern's replacement names what was removed, so a redacted log stays readable. Digits are
# delimited by ASCII classes, not \w: a Chinese character (手机13812345678) is a word character.
_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # Secrets given as key=value or key: value (password=..., "token": "...", api_key ...).
    (
        re.compile(
            r"(?i)(?P<key>\b(?:password|passwd|pwd|secret|token|api[_-]?key|authorization|"
            r"session[_-]?token)\b[\"']?\s*[:=]\s*[\"']?)(?:Bearer\s+)?[^\s\"',;}]+"
        ),
        r"\g<key>[SECRET]",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[EMAIL]"),
    # Chinese resident ID: 6-digit region, birth date 18xx-20xx, sequence, check digit or X.
    (
        re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{5}[\dXx](?![0-9A-Za-z])"
        ),
        "[ID]",
    ),
    # IBAN: country code, check digits, then 11-30 letters and digits, maybe in groups of four.
    (
        re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"),
        "[ACCOUNT]",
    ),
    # Chinese mobile numbers (1[3-9]x, with +86 or 86 and separators) and other phone numbers
    # written with a + country code, brackets or separators (+1 (415) 555-2671, 010-6552-9988).
    (
        re.compile(
            r"(?<![0-9A-Za-z_+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"
            r"|(?<![0-9A-Za-z_+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}"
            r"(?:[ .-]?\d{2,4}){1,3}(?!\d)"
            r"|(?<![0-9A-Za-z_+])\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{4}(?!\d)"
            r"|(?<![0-9A-Za-z_+])0\d{2,3}-\d{7,8}(?!\d)"
            r"|(?<![0-9A-Za-z_+.])\d{3}[-.]\d{3,4}[-.]\d{4}(?!\d)"
        ),
        "[PHONE]",
    ),
    # Account and card numbers: 8 to 19 digits in one run, or in groups of four.
    (
        re.compile(
            r"(?<![0-9A-Za-z_.])(?:\d{4}[ -]){2,4}\d{1,4}(?![0-9A-Za-z_.])"
            r"|(?<![0-9A-Za-z_.])\d{8,19}(?![0-9A-Za-z_.])"
        ),
        "[ACCOUNT]",
    ),
    # Names after a label or an introduction. English names: one to three capitalised words.
    (
        re.compile(
            r"(?P<cue>\b(?:(?:full |first |last |investor_?|user_?|contact_?|display_?)?name|"
            r"investor|client|customer|delegate|contact)\b[\"']?\s*[:=]?\s*[\"']?"
            r"|\b(?:my name is|i am called|call me)\s+)"
            r"(?P<name>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})"
        ),
        r"\g<cue>[NAME]",
    ),
    # Chinese names after 姓名/名字/我叫/客户/投资者: two to four Han characters.
    (
        re.compile(
            r"(?P<cue>(?:姓名|名字|我叫|我的名字是|客户|投资者|联系人)\s*[:：为是]?\s*)[\u4e00-\u9fff]{2,4}"
        ),
        r"\g<cue>[NAME]",
    ),
)


def redact(text: str) -> str:
    """The text with every kind of personal data above replaced by a label saying what it was."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (with its arguments merged in) and its exception text, redacted.

    Never drops a record: a filter that raised or dropped would lose the log line altogether.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place (once) and return it."""
    if getattr(record, "_advisor_redacted", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a message whose arguments do not fit its format: keep both, redacted
        message = f"{record.msg!r} % {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._advisor_redacted = True
    return record


_FILTER: Final = RedactingFilter()


def install_log_redaction() -> None:
    """Redact every log record from now on (idempotent): a record factory that redacts records as
    they are made, and the filter on the root logger's handlers."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_advisor_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(factory))
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


def _redacting_factory(
    inner: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(inner(*args, **kwargs))

    factory._advisor_redacting = True  # type: ignore[attr-defined]
    return factory
