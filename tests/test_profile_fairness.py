"""Two conversations that differ only in a protected or irrelevant attribute (city, rural or urban,
gender, name, ethnicity, religion, nationality) must get the same profile.

Compared: every value of `contract()` — age, life stage, risk level, horizon, emotion, sustained
anxiety, goals, flags, subject — and every confidence. Not compared: the evidence quotes, which
contain the differing words, and the relation's name, which is the attribute itself when the
pair swaps a son for a daughter (the subject, other, is compared).
"""

from typing import Any

import pytest
import yaml

from advisor.profile.text import Message
from tests.test_profile import PROFILES, shared_extractor

NOT_COMPARED = ("evidence", "relation")


def pairs() -> list[dict[str, Any]]:
    path = PROFILES / "fairness.yaml"
    loaded: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def compared(side: dict[str, Any]) -> dict[str, Any]:
    messages = [Message(role=m["role"], content=m["content"]) for m in side["messages"]]
    view = shared_extractor().extract(messages).contract()
    return {key: value for key, value in view.items() if key not in NOT_COMPARED}


@pytest.mark.parametrize("pair", pairs(), ids=lambda pair: f"{pair['id']}-{pair['attribute']}")
def test_the_attribute_changes_nothing(pair):
    a, b = compared(pair["a"]), compared(pair["b"])
    differences = {key: (a[key], b[key]) for key in a if a[key] != b[key]}
    assert differences == {}


def test_the_pairs_differ_in_their_words():
    for pair in pairs():
        assert pair["a"]["messages"] != pair["b"]["messages"], pair["id"]
