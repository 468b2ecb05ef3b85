"""Reading TOML data files with errors that name the file, the line and the field."""

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from advisor.errors import DataFileError

Model = TypeVar("Model", bound=BaseModel)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file raises `DataFileError` naming it."""
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path}: {error}") from None


def validate(
    path: Path,
    model: type[Model],
    data: dict[str, Any],
    locate: Callable[[tuple[int | str, ...]], str] = lambda loc: ".".join(map(str, loc)),
) -> Model:
    """Validate parsed data; errors name the file and, through `locate`, the record and field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = locate(tuple(first["loc"]))
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise DataFileError(f"{path}: {where}: {first['msg']}{more}") from None


def line_of(path: Path, needle: str) -> int | None:
    """The first line number (1-based) holding `needle`, to point a reader at a record."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return None
