"""Errors a user can cause and fix: the CLI and app print the message as one line, no traceback."""


class AdvisorError(Exception):
    """Base class for errors caused by input or environment, with a message that names the cause."""


class DataFileError(AdvisorError):
    """A data file (catalogue, assumptions, history, holdings) is missing or malformed."""


class MarketDataUnavailable(AdvisorError):
    """Live market data could not be fetched or failed validation; embedded data is used."""


class InfeasibleRequest(AdvisorError):
    """No allocation satisfies the suitability constraints, even after every allowed relaxation."""
