"""The knowledge base loads, covers the catalogue, and reports a malformed document precisely."""

import re
import shutil
from pathlib import Path

import pytest

from advisor.catalogue import load_catalogue
from advisor.errors import DataFileError
from advisor.knowledge.documents import load_document, load_knowledge
from advisor.knowledge.integrity import check_against_catalogue
from advisor.knowledge.rulebook import RuleBook
from advisor.settings import PROJECT_ROOT
from tests.conftest import PORTFOLIOS

KNOWLEDGE = PROJECT_ROOT / "knowledge"
DOCUMENTS = load_knowledge(KNOWLEDGE)


def test_the_knowledge_base_covers_what_the_issue_asks_for():
    kinds = {d.meta.kind for d in DOCUMENTS}
    assert kinds == {"rule", "product", "education", "disclosure", "marketing", "protection"}
    assert {d.meta.jurisdiction for d in DOCUMENTS} == {"CN", "US", "EU", "ALL"}
    check_against_catalogue(DOCUMENTS, load_catalogue(PORTFOLIOS / "catalogue.toml"))


def test_every_document_has_a_chinese_summary_and_a_source():
    for document in DOCUMENTS:
        assert document.sections[-1].heading == "中文摘要", document.meta.id
        assert document.meta.source.strip(), document.meta.id


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "EU"])
def test_each_jurisdiction_has_its_own_rule_pack(jurisdiction):
    book = RuleBook.for_jurisdiction(DOCUMENTS, jurisdiction)
    own = {c.rule.id for c in book.rules if c.rule.id.startswith(f"{jurisdiction}-")}
    assert {f"{jurisdiction}-AVAILABILITY", f"{jurisdiction}-MATCH-1"} <= own
    others = {"CN", "US", "EU"} - {jurisdiction}
    assert not any(c.rule.id.split("-")[0] in others for c in book.rules)


def broken_copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    path = folder / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            "rules/house-portfolio-limits.md",
            "default_cap: 0.40",
            "default_cap: 1.40",
            r":\d+: field 'rules\.\d+\.product_caps\.default_cap'",
        ),
        (
            "rules/cn-suitability-matching.md",
            "type: max_product_risk",
            "type: max_product_risks",
            r"field 'rules\.\d+'",
        ),
        ("rules/lifecycle-glide-path.md", "kind: rule", "kind: law", r":\d+: field 'kind'"),
        ("products/product-gold.md", "product_id: gold", "product_id: silver", None),
        ("rules/cn-suitability-matching.md", "---\n", "", "expected front matter"),
    ],
    ids=[
        "value out of range",
        "unknown rule type",
        "unknown kind",
        "unknown product",
        "no front matter",
    ],
)
def test_a_malformed_document_names_its_file_and_field(tmp_path, relative, old, new, expected):
    path = broken_copy(tmp_path, relative, old, new)
    with pytest.raises(DataFileError) as error:
        documents = load_knowledge(path.parent.parent)
        check_against_catalogue(documents, load_catalogue(PORTFOLIOS / "catalogue.toml"))
    message = str(error.value)
    assert str(path) in message
    if expected:
        assert re.search(expected, message), message
    else:
        assert "field 'product_id'" in message and "'silver'" in message


def test_duplicate_rule_ids_and_dangling_overrides_are_rejected(tmp_path):
    duplicate = broken_copy(
        tmp_path / "a", "rules/us-robo-advice.md", "id: US-ROBO", "id: US-MATCH-1"
    )
    with pytest.raises(DataFileError, match="rule 'US-MATCH-1' is also defined in"):
        load_knowledge(duplicate.parent.parent)
    dangling = broken_copy(
        tmp_path / "b",
        "rules/cn-suitability-matching.md",
        "override_rule: CN-OVERRIDE",
        "override_rule: CN-NOPE",
    )
    documents = load_knowledge(dangling.parent.parent)
    with pytest.raises(
        DataFileError, match="'CN-NOPE' is not an insist_override rule in force in CN"
    ):
        RuleBook.for_jurisdiction(documents, "CN")


def test_invalid_yaml_points_at_its_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\nid: x\ntitle: [unclosed\n---\n## A\ntext\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.md:\d+: front matter is not valid YAML"):
        load_document(path)
