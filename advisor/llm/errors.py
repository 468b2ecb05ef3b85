"""The one error the language-model backends raise for a model that cannot answer."""

from advisor.errors import AdvisorError


class LanguageModelUnavailable(AdvisorError):
    """The configured language model cannot be loaded or reached: a missing model directory, a
    bad URL, a refused connection, a timeout, an endpoint's error, a model busy for too long.

    The message is one line naming the backend and the cause. Callers catch it and fall back to
    templated replies: the advisor works without a language model, only less fluently.
    """

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(text: str, limit: int = 300) -> str:
    """The first non-empty line of `text`, cut to `limit` characters: errors print as one line."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"
