"""What goes wrong when signing in or acting beyond one's rights; each message names the cause."""

from advisor.errors import AdvisorError


class AuthenticationError(AdvisorError):
    """The credentials or the session token are not valid."""


class SessionExpired(AuthenticationError):
    """The session token was valid but has expired or was signed out: sign in again."""


class PermissionDenied(AdvisorError):
    """The signed-in user may not do this; the message names the action and why."""


class TradingOnHold(PermissionDenied):
    """The investor's trading is on a temporary hold, e.g. while a suspected exploitation is
    checked; the message says why and until when."""
