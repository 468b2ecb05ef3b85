"""A clock the test moves by hand, for services that take a `clock`."""

from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Clock:
    """Starts at `START`; `advance(minutes=…)` moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
