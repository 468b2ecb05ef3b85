"""Investor-profiling benchmark: accuracy per field and latency of `ProfileExtractor`.

Sets: the labelled development set (tests/fixtures/profiles/dev.yaml, falling back to smoke.yaml),
the development sets never tuned on (dev42.yaml, dev43.yaml, dev56.yaml, dev66.yaml, dev67.yaml,
dev74.yaml, dev76.yaml, dev77.yaml, dev79.yaml, dev80.yaml, dev81.yaml, dev84.yaml, dev87.yaml,
dev88.yaml, dev90.yaml, dev92.yaml, dev95.yaml and dev96.yaml, see
tests/fixtures/profiles/README.md) and, if present, the holdout
benchmarks/data/profile_holdout.yaml. The holdout is written by someone else and is never looked
at while building the pipeline: this script prints only its aggregate figures, never an item, an id
or a failure.

Printed per set, overall and by language:

* life stage, risk level within the labelled range, emotion, goals recall, horizon within the
  labelled range, age, and also subject, sustained anxiety (where labelled), flags recall and
  flags raised beyond the labels;
* the emotion accuracy of the lexicon alone (no MiniLM prototypes), to show what the prototypes
  add;
* how many risk misses gave no level (nothing read), and how many levels the learned fallback
  (`advisor.profile.risk_fallback`) set and how many of them are inside the label.

Latency: start-up phase by phase in this process (importing sentence-transformers and torch,
loading MiniLM, jieba and the emotion prototypes), then per conversation, median and p90 over
`--rounds` passes through every conversation of the sets (each pass in a fresh random order).

Run: `.venv/bin/python benchmarks/profile_eval.py [--rounds N] [--failures] [--skip-holdout]`
(--failures lists the development set's misses; --skip-holdout leaves the holdout unread, for use
while building). Results: benchmarks/results/profile_eval.json. Nothing is downloaded.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from _common import (
    TimingStats,
    format_machine,
    format_ms,
    load_average,
    machine_description,
    write_json,
)

from advisor.profile.evaluation import (
    TARGETS,
    ItemScore,
    LabelledConversation,
    Summary,
    evaluate,
    load_labelled_set,
    matches,
    score_item,
    summarise,
    summarise_by_language,
)
from advisor.profile.harvest import FALLBACK_SETS, PROFILES, TUNED_SETS, UNSEEN_SETS
from advisor.profile.model import InvestorProfile
from advisor.settings import PROJECT_ROOT

DEV_SETS = (PROFILES / "dev.yaml", PROFILES / "smoke.yaml")
# By independent writers, after the last fixes; never tuned on, and not in the fallback's data.
UNSEEN = tuple(PROFILES / name for name in UNSEEN_SETS)
# The sets the rules were written against, and those tuned on after their first measurement
# (tests/fixtures/profiles/README.md): pooled figures, all languages.
TUNED = {
    "tuned on (dev to dev5, smoke)": TUNED_SETS,
    "tuned after their first measurement (dev6 to dev41, dev44 to dev55, dev57 to dev65, "
    "dev68 to dev73, dev75, dev78, dev82, dev83, dev85, dev86, dev89, dev91, dev93, dev94)": tuple(
        name for name in FALLBACK_SETS if name not in TUNED_SETS
    ),
}
HOLDOUT = PROJECT_ROOT / "benchmarks" / "data" / "profile_holdout.yaml"
PACKAGES = ("torch", "transformers", "sentence-transformers", "jieba")
LABELLED_YEAR = date(2026, 11, 30)  # the sets count years from 2026
FIELDS = (
    ("life_stage", "life stage"),
    ("risk_level", "risk level in range"),
    ("emotion", "emotion"),
    ("goals_recall", "goals recall"),
    ("horizon_years", "horizon in range"),
    ("age", "age"),
    ("subject", "subject"),
    ("sustained_anxiety", "sustained anxiety"),
    ("flags_recall", "flags recall"),
)
SEED = 20261130
T = TypeVar("T")


def timed_phase(phases: dict[str, float], name: str, function: Callable[[], T]) -> T:
    """Call `function`, record its wall time in seconds under `name`, return its result."""
    started = time.perf_counter()
    result = function()
    phases[name] = time.perf_counter() - started
    return result


def start_up() -> tuple[Any, Any, dict[str, float]]:
    """The extractor (and a lexicon-only one) brought up from nothing, phase by phase."""
    phases: dict[str, float] = {}
    timed_phase(phases, "import sentence-transformers (torch)", _import_model_stack)
    from advisor.knowledge.embeddings import SentenceTransformerEmbedder
    from advisor.profile.extractor import ProfileExtractor

    embedder = SentenceTransformerEmbedder()
    timed_phase(phases, "load MiniLM", embedder.load)
    extractor = timed_phase(
        phases,
        "jieba dictionary and emotion prototypes",
        lambda: ProfileExtractor(embedder, clock=lambda: LABELLED_YEAR),
    )
    lexicon_only = ProfileExtractor(use_prototypes=False, clock=lambda: LABELLED_YEAR)
    return extractor, lexicon_only, phases


def _import_model_stack() -> None:
    import sentence_transformers  # noqa: F401  (the import is what is timed)


def time_conversations(
    extractor: Any, items: Sequence[LabelledConversation], rounds: int
) -> TimingStats:
    """Seconds per conversation over `rounds` passes, each in a fresh random order."""
    generator = random.Random(SEED)
    conversations = [item.as_messages() for item in items]
    samples = []
    for _ in range(rounds):
        generator.shuffle(conversations)
        for messages in conversations:
            started = time.perf_counter()
            extractor.extract(messages)
            samples.append(time.perf_counter() - started)
    return TimingStats.from_seconds(samples)


def figures_table(groups: dict[str, Summary], lexicon_only: dict[str, Summary]) -> str:
    """One row per field, one column per group (all, en, zh)."""
    names = list(groups)
    header = f"  {'field':<26}" + "".join(f"{name:>10}" for name in names) + "   target"
    rows = [header, f"  {'conversations':<26}" + "".join(f"{groups[n].items:>10}" for n in names)]
    for field, label in FIELDS:
        cells = [_percent(groups[name], field) for name in names]
        target = f"≥ {TARGETS[field]:.0%}" if field in TARGETS else ""
        verdict = ""
        if field in TARGETS:
            verdict = " met" if groups["all"].figure(field) >= TARGETS[field] else " NOT met"
        rows.append(f"  {label:<26}" + "".join(f"{c:>10}" for c in cells) + f"   {target}{verdict}")
    lexicon = [_percent(lexicon_only[name], "emotion") for name in names]
    rows.append(f"  {'emotion, lexicon only':<26}" + "".join(f"{c:>10}" for c in lexicon))
    extra = [str(groups[name].extra_flags) for name in names]
    rows.append(f"  {'flags beyond the labels':<26}" + "".join(f"{c:>10}" for c in extra))
    return "\n".join(rows)


def _percent(summary: Summary, field: str) -> str:
    if field not in summary.accuracy and not field.endswith("recall"):
        return "—"
    return f"{summary.figure(field):.1%}"


def print_failures(scores: Sequence[ItemScore]) -> None:
    """The development set's misses, field by field (never called for the holdout)."""
    print("\nDevelopment-set misses:")
    for score in scores:
        if score.failures():
            print(f"  {score.id}: {', '.join(score.failures())}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes for the latency figures")
    parser.add_argument("--failures", action="store_true", help="list the dev set's misses")
    parser.add_argument(
        "--skip-holdout", action="store_true", help="the development set only (while building)"
    )
    arguments = parser.parse_args(argv)
    machine = machine_description(PACKAGES)
    print("investor-profiling benchmark")
    print(format_machine(machine))

    extractor, lexicon_only, phases = start_up()
    print("\nStart-up, in this process (s):")
    for name, seconds in phases.items():
        print(f"  {name:<42}{seconds:>8.3f}")
    print(f"  {'total':<42}{sum(phases.values()):>8.3f}")

    sets = {"development": _development_set()}
    for path in UNSEEN:
        if path.exists():
            sets[f"untuned {path.stem}"] = path
    if HOLDOUT.exists() and not arguments.skip_holdout:
        sets["holdout"] = HOLDOUT
    payload: dict[str, Any] = {"machine": machine, "start_up_s": phases, "sets": {}}
    all_items: list[LabelledConversation] = []
    for name, path in sets.items():
        items = load_labelled_set(path)
        all_items.extend(items)
        profiles = [extractor.extract(item.as_messages()) for item in items]
        scores = [score_item(item, profile) for item, profile in zip(items, profiles, strict=True)]
        groups = summarise_by_language(scores)
        lexical = summarise_by_language(evaluate(items, lexicon_only.extract))
        print(f"\n{name} set ({path.relative_to(PROJECT_ROOT)}):")
        print(figures_table(groups, lexical))
        misses = [score for score in scores if not score.correct["risk_level"]]
        unread = sum(1 for score in misses if score.predicted["risk_level"] is None)
        print(f"  risk level misses with no level given (nothing read): {unread} of {len(misses)}")
        fallback, fallback_right = fallback_levels(items, profiles)
        print(f"  risk levels set by the learned fallback: {fallback} ({fallback_right} right)")
        if name == "development" and arguments.failures:
            print_failures(scores)
        payload["sets"][name] = {
            "path": str(path.relative_to(PROJECT_ROOT)),
            "summary": {group: summary.model_dump() for group, summary in groups.items()},
            "emotion_lexicon_only": {g: s.accuracy["emotion"] for g, s in lexical.items()},
            "risk_misses": {"all": len(misses), "no_level_given": unread},
            "fallback_levels": {"set": fallback, "right": fallback_right},
        }

    print("\nPooled, tuned sets:")
    payload["tuned"] = {}
    for name, names in TUNED.items():
        items = [item for set_name in names for item in load_labelled_set(PROFILES / set_name)]
        pooled = summarise(evaluate(items, extractor.extract))
        figures = {field: pooled.figure(field) for field, _ in FIELDS[:6]}
        shown = " / ".join(f"{value:.1%}" for value in figures.values())
        print(f"  {name}, {pooled.items} conversations: {shown}")
        payload["tuned"][name] = {"conversations": pooled.items, **figures}
    print("  (life stage / risk level / emotion / goals recall / horizon / age)")

    latency = time_conversations(extractor, all_items, arguments.rounds)
    print(
        f"\nPer conversation after start-up ({latency.count} extractions): median "
        f"{format_ms(latency.median_ms)} ms, p90 {format_ms(latency.p90_ms)} ms, max "
        f"{format_ms(latency.max_ms)} ms"
    )
    print(f"load average at the end {load_average()}")
    payload["latency_ms"] = latency.as_dict()
    path = write_json("profile_eval.json", payload)
    print(f"results written to {path}")


def fallback_levels(
    items: list[LabelledConversation], profiles: list[InvestorProfile]
) -> tuple[int, int]:
    """How many risk levels the learned fallback (`advisor.profile.risk_fallback`) set, and how
    many of them are inside the labelled range: a level with neither willingness nor capacity
    read is the fallback's."""
    found = right = 0
    for item, profile in zip(items, profiles, strict=True):
        assessment = profile.risk
        by_fallback = profile.risk_level.value is not None and (
            assessment.willingness.value is None and assessment.capacity.value is None
        )
        if by_fallback:
            found += 1
            right += matches(item.expected.risk_level, profile.risk_level.value)
    return found, right


def _development_set() -> Path:
    return next(path for path in DEV_SETS if path.exists())


if __name__ == "__main__":
    main()
