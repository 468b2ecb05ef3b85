"""Which language to reply in: the user's (the same rule the profile pipeline reads text by)."""

from advisor.profile.text import Language, language_of

__all__ = ["Language", "language_of"]
