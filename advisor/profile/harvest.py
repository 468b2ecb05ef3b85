"""Regenerates the learned readers' training files from the labelled development sets.

`clause_examples.tsv` and `goal_examples.tsv` (see `clauses`) each have a section written by hand
and a section of user clauses from the tuned development sets, labelled by the cue rules.
`risk_fallback_examples.jsonl` (see `risk_fallback`) holds the investor's messages of every
conversation in `FALLBACK_SETS` and whether its label carries a risk level. After the cues or the
sets change, run

    .venv/bin/python -m advisor.profile.harvest

to relabel the second sections from the sets in `TUNED_SETS`, keeping the hand-written ones, and
rewrite the fallback's examples. Only sets the rules were tuned on belong here: a set kept for
unseen checks (`UNSEEN_SETS`, and the holdout under `benchmarks/`) must not leak into the
readers' training data.
"""

import json
from pathlib import Path

from advisor.profile import goals, risk
from advisor.profile.clauses import EXAMPLES, GOAL_EXAMPLES
from advisor.profile.evaluation import LabelledConversation, load_labelled_set
from advisor.profile.instructions import find_instructions
from advisor.profile.lexicon import CueMatcher, is_question
from advisor.profile.risk_cues import CAPACITY_CUES
from advisor.profile.risk_fallback import EXAMPLES as FALLBACK_EXAMPLES
from advisor.profile.risk_fallback import FallbackExample
from advisor.profile.subject import Attribution, find_subject
from advisor.profile.text import Conversation, read_conversation
from advisor.settings import PROJECT_ROOT

PROFILES = PROJECT_ROOT / "tests" / "fixtures" / "profiles"
TUNED_SETS = ("dev.yaml", "dev2.yaml", "dev3.yaml", "dev4.yaml", "dev5.yaml", "smoke.yaml")
# Measured, never tuned on (benchmarks/profile_eval.py).
UNSEEN_SETS = (
    "dev42.yaml",
    "dev43.yaml",
    "dev56.yaml",
    "dev66.yaml",
    "dev67.yaml",
    "dev74.yaml",
    "dev76.yaml",
    "dev77.yaml",
    "dev79.yaml",
    "dev80.yaml",
    "dev81.yaml",
    "dev84.yaml",
    "dev87.yaml",
    "dev88.yaml",
    "dev90.yaml",
    "dev92.yaml",
    "dev95.yaml",
    "dev96.yaml",
)
FALLBACK_SETS = (
    *TUNED_SETS,
    *(
        f"dev{number}.yaml"
        for number in (
            *range(6, 42),
            *range(44, 56),
            *range(57, 66),
            *range(68, 74),
            75,
            78,
            82,
            83,
            85,
            86,
            89,
            91,
            93,
            94,
        )
    ),
)
SECTION = "# Section 2:"
LOW_CAPACITY = ("none", "draws", "low")


def willingness_rows(conversation: Conversation, matcher: CueMatcher) -> list[tuple[str, str]]:
    """Each statement clause labelled w1-w5 (a willingness cue), c1/c2 (a low-capacity cue) or
    none."""
    attribution = Attribution(find_subject(conversation, matcher))
    instructions = find_instructions(conversation, matcher)
    levels = risk._willingness_levels(conversation, matcher, attribution, instructions)
    caps = [
        hit
        for hit in matcher.find(CAPACITY_CUES, conversation.clauses)
        if not hit.negated and not hit.hypothetical and hit.label in LOW_CAPACITY
    ]
    rows = []
    for clause in conversation.clauses:
        if is_question(clause):
            continue
        stated = [
            lv.value
            for lv in levels
            if lv.message_index == clause.message_index and lv.evidence.quote in clause.text
        ]
        capacity = {hit.label for hit in caps if hit.clause == clause}
        label = "none"
        if stated:
            label = f"w{min(stated)}"
        elif capacity:
            label = "c1" if "none" in capacity else "c2"
        rows.append((label, clause.text))
    return rows


def goal_rows(conversation: Conversation, matcher: CueMatcher) -> list[tuple[str, str]]:
    """Each clause labelled with the one goal its cues name, or none; clauses naming two goals
    are left out."""
    hits = [
        hit
        for hit in matcher.find(goals.GOAL_CUES, conversation.clauses)
        if not hit.negated and not goals._held_buffer(hit)
    ]
    rows = []
    for clause in conversation.clauses:
        named = {hit.label for hit in hits if hit.clause == clause}
        if len(named) <= 1:
            rows.append((named.pop() if named else "none", clause.text))
    return rows


def rewrite(path: Path, rows: list[tuple[str, str]]) -> int:
    """Replace the section after `SECTION` with `rows` (deduplicated); the count written."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(SECTION))
    header = lines[: start + 2]  # the section's two comment lines
    seen: set[str] = set()
    body = []
    for label, text in rows:
        flat = " ".join(text.split())
        if flat and flat not in seen:
            seen.add(flat)
            body.append(f"{label}\t{flat}")
    path.write_text("\n".join([*header, *body]) + "\n", encoding="utf-8")
    return len(body)


def fallback_example(item: LabelledConversation) -> FallbackExample:
    """What the learned risk fallback learns from a labelled conversation: the investor's messages
    and whether its risk label is a level (not null)."""
    messages = tuple(message.content for message in item.messages if message.role == "user")
    return FallbackExample(messages, has_level=item.expected.risk_level is not None)


def write_fallback_examples(path: Path = FALLBACK_EXAMPLES) -> int:
    """One line per conversation of `FALLBACK_SETS`: its user messages and whether its risk label
    is a level (not null); the count written."""
    leaked = set(FALLBACK_SETS) & set(UNSEEN_SETS)
    if leaked:
        raise ValueError(f"sets kept unseen would be trained on: {sorted(leaked)}")
    lines = []
    for name in FALLBACK_SETS:
        for item in load_labelled_set(PROFILES / name):
            example = fallback_example(item)
            row = {"has_level": example.has_level, "messages": list(example.messages)}
            lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main() -> None:
    matcher = CueMatcher()
    willingness: list[tuple[str, str]] = []
    goal: list[tuple[str, str]] = []
    for name in TUNED_SETS:
        for item in load_labelled_set(PROFILES / name):
            conversation = read_conversation(item.as_messages())
            willingness += willingness_rows(conversation, matcher)
            goal += goal_rows(conversation, matcher)
    print(f"{EXAMPLES.name}: {rewrite(EXAMPLES, willingness)} clauses")
    print(f"{GOAL_EXAMPLES.name}: {rewrite(GOAL_EXAMPLES, goal)} clauses")
    print(f"{FALLBACK_EXAMPLES.name}: {write_fallback_examples()} conversations")


if __name__ == "__main__":
    main()
