"""A conversational robo-advisor whose every weight and number comes from a deterministic engine."""

__version__ = "0.1.0"
