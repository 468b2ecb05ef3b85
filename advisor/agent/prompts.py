"""Versioned reply templates in `prompts/`, one file per language with the same keys."""

import string
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.agent.language import Language
from advisor.errors import DataFileError

MissingFact = str  # one of: age, goal, horizon, risk, emergency


class ReplyTemplates(BaseModel):
    """The templates of one language. Placeholders are filled by code with tool results only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    language: Language
    system: str
    opening_fallback: str
    degraded: str
    greeting: str
    ask_intro: str
    questions: dict[MissingFact, str]
    proposal_intro: str
    holding_line: str
    proposal_figures: str
    proposal_why: str
    proposal_review: str
    proposal_sources: str
    no_proposal_possible: str
    explain_mix: str
    more_risk: str
    what_if: str
    projection: str
    anxious: str
    anxious_offer: str
    education_line: str
    panic: str
    panic_preview: str
    panic_tilt: str
    panic_contact: str
    euphoric: str
    euphoric_limit: str
    refuse_product: str
    ignored_instruction: str
    thanks: str
    risk_increase_wait: str
    handover_reasons: dict[str, str]
    handover: str
    hold: str
    goal_status: str
    goal_statuses: dict[str, str]
    goal_names: dict[str, str]
    goal_fixes: dict[str, str]
    goal_saved: str

    def render(self, key: str, **values: Any) -> str:
        """A template with its placeholders filled; a missing value is a programming error."""
        template: str = getattr(self, key)
        return template.format(**values).strip()

    def placeholders(self) -> dict[str, set[str]]:
        """The placeholders of every template, to check languages agree."""
        found: dict[str, set[str]] = {}
        for key, value in self.model_dump().items():
            texts = value.values() if isinstance(value, dict) else [value]
            names = {
                name
                for text in texts
                if isinstance(text, str)
                for _, name, _, _ in string.Formatter().parse(text)
                if name
            }
            found[key] = names
        return found


def load_templates(folder: Path) -> dict[Language, ReplyTemplates]:
    """English and Chinese templates; errors name the file and the key."""
    loaded: dict[Language, ReplyTemplates] = {}
    for language in ("en", "zh"):
        path = folder / f"advisor.{language}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            loaded[language] = ReplyTemplates.model_validate(data)
        except FileNotFoundError:
            raise DataFileError(f"{path}: file not found") from None
        except yaml.YAMLError as error:
            raise DataFileError(f"{path}: not valid YAML ({error})") from None
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise DataFileError(f"{path}: field {field!r}: {first['msg']}") from None
    if loaded["en"].placeholders() != loaded["zh"].placeholders():
        raise DataFileError(
            f"{folder}: the English and Chinese templates use different placeholders"
        )
    return loaded
