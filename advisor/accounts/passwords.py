"""Password hashing with argon2id (`argon2-cffi`): only the hash is stored, never the password."""

import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from advisor.errors import AdvisorError

MIN_PASSWORD_LENGTH: Final = 10
GENERATED_PASSWORD_BYTES: Final = 15  # 20 URL-safe characters, ~120 bits

# The library's defaults follow RFC 9106's recommended low-memory profile.
_HASHER: Final = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash (`$argon2id$...`) of a password of at least `MIN_PASSWORD_LENGTH` chars."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdvisorError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash; False, not an error, for a corrupt hash."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)


def dummy_verify(password: str) -> None:
    """Spend the time a real verification takes, so an unknown username is not revealed by speed."""
    verify_password(_DUMMY_HASH, password)


def generate_password() -> str:
    """A random password for a generated account (first run, an invited delegate)."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


_DUMMY_HASH: Final = _HASHER.hash(secrets.token_urlsafe(16))
