"""Knowledge documents: Markdown with YAML front matter, split into sections for retrieval.

A document looks like this::

    ---
    id: cn-suitability-matching
    title: Matching investors to products
    jurisdiction: CN            # CN, US, EU or ALL
    kind: rule                  # rule, product, education, disclosure, marketing, protection
    source: CSRC Measures for Investor Suitability (2017), Art. 18-25
    effective: 2017-07-01
    rules:                      # rule documents only: see advisor/knowledge/rules.py
      - id: CN-MATCH-1
        type: max_product_risk
    ---
    # Matching investors to products
    ## Who may buy what
    ...

Each `##` section becomes one retrievable chunk, with the document id, title, heading,
jurisdiction and kind as metadata. A malformed document raises `DataFileError` naming the file,
the line and the field.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from advisor.errors import DataFileError
from advisor.knowledge.rules import Rule

Jurisdiction = Literal["CN", "US", "EU", "ALL"]
Kind = Literal["rule", "product", "education", "disclosure", "marketing", "protection"]
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


class FrontMatter(BaseModel):
    """The metadata every document starts with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    jurisdiction: Jurisdiction
    kind: Kind
    source: str = Field(min_length=1)
    effective: date
    product_id: str | None = None  # product documents: the catalogue id they describe
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _kinds_fit(self) -> "FrontMatter":
        if (self.kind == "product") != (self.product_id is not None):
            raise ValueError("product documents, and only they, name a product_id")
        return self


@dataclass(frozen=True)
class Section:
    """One `##` section of a document: the unit the retriever indexes and cites."""

    document_id: str
    heading: str
    text: str

    @property
    def chunk_id(self) -> str:
        """Stable id of the chunk: document id and heading."""
        slug = re.sub(r"[^a-z0-9一-鿿]+", "-", self.heading.lower()).strip("-")
        return f"{self.document_id}#{slug}"


@dataclass(frozen=True)
class KnowledgeDocument:
    """A parsed document: its metadata, its sections and a hash of its whole text."""

    path: Path
    meta: FrontMatter
    sections: tuple[Section, ...]
    content_hash: str


def load_document(path: Path) -> KnowledgeDocument:
    """Parse and validate one document."""
    text = _read(path)
    match = FRONT_MATTER.match(text)
    if not match:
        raise DataFileError(f"{path}:1: expected front matter between '---' lines")
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"{mark.line + 2}: " if mark is not None else ""
        raise DataFileError(f"{path}:{line}front matter is not valid YAML") from None
    if not isinstance(data, dict):
        raise DataFileError(f"{path}:2: front matter must be a mapping of fields")
    meta = _validate(path, text, data)
    sections = _sections(meta, match.group(2))
    if not sections:
        raise DataFileError(f"{path}: field 'body': the document has no '## ' section")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return KnowledgeDocument(path=path, meta=meta, sections=sections, content_hash=digest)


def load_knowledge(folder: Path) -> tuple[KnowledgeDocument, ...]:
    """Every document under `folder` (README.md files excluded), sorted by id; ids and rule ids
    must be unique across the knowledge base."""
    paths = sorted(p for p in folder.rglob("*.md") if p.name.lower() != "readme.md")
    documents = tuple(sorted((load_document(path) for path in paths), key=lambda d: d.meta.id))
    _check_unique(documents)
    return documents


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot be read ({error})") from None


def _validate(path: Path, text: str, data: dict[str, Any]) -> FrontMatter:
    try:
        return FrontMatter.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = [str(part) for part in first["loc"]]
        field = ".".join(location) or "front matter"
        line = _line_of(text, location)
        raise DataFileError(f"{path}:{line}: field {field!r}: {first['msg']}") from None


def _line_of(text: str, location: list[str]) -> int:
    """Best line for an error: the deepest named key of the location found in the text."""
    lines = text.split("\n")
    for key in reversed([part for part in location if not part.isdigit()]):
        for number, line in enumerate(lines, start=1):
            if re.match(rf"\s*(- )?{re.escape(key)}\s*:", line):
                return number
    return 1


def _sections(meta: FrontMatter, body: str) -> tuple[Section, ...]:
    """Split the body at `## ` headings; text before the first one belongs to no section."""
    parts = re.split(r"^## +(.+)$", body, flags=re.MULTILINE)
    sections = []
    for heading, content in zip(parts[1::2], parts[2::2], strict=True):
        text = content.strip()
        if text:
            sections.append(Section(meta.id, heading.strip(), text))
    return tuple(sections)


def _check_unique(documents: tuple[KnowledgeDocument, ...]) -> None:
    seen_documents: dict[str, Path] = {}
    seen_rules: dict[str, Path] = {}
    for document in documents:
        if document.meta.id in seen_documents:
            raise DataFileError(
                f"{document.path}: field 'id': {document.meta.id!r} is also the id of "
                f"{seen_documents[document.meta.id]}"
            )
        seen_documents[document.meta.id] = document.path
        for rule in document.meta.rules:
            if rule.id in seen_rules:
                raise DataFileError(
                    f"{document.path}: field 'rules': rule {rule.id!r} is also defined in "
                    f"{seen_rules[rule.id]}"
                )
            seen_rules[rule.id] = document.path
