"""Learned risk fallback: its threshold, chosen on sets it was not fitted on.

Where the rules read neither willingness nor capacity, the learned fallback
(`advisor.profile.risk_fallback`) sets C2 if its model is sure enough that the conversation
carries a risk level. The threshold trades levels set inside the label (a miss turned into a hit)
against levels set where the label is null (a hit turned into a miss). This script measures that
trade without the holdout:

* cross-validation over the sets the fallback is fitted on (`harvest.FALLBACK_SETS`): the sets are
  shuffled and split into five folds; the conversations of each fold that the rules read nothing
  in are scored by a fallback fitted on the other four folds. One split moves the curve by a few
  conversations, so this is repeated over `REPEATS` shuffles (fixed seeds) and averaged;
* the shipped fallback, fitted on all of them, on the untuned sets (`harvest.UNSEEN_SETS`), as a
  check on text its writers never saw.

For each threshold it prints the levels set inside the label (right), where it is null (wrong),
where it is a level that excludes 2 (a miss either way, so it does not count), and right minus
wrong, the conversations gained; the shipped `THRESHOLD` is marked. What the rules read comes from
the full extractor, as a user gets it.

Run: `.venv/bin/python benchmarks/fallback_threshold.py` (about 5 minutes on 2 cores).
Results: benchmarks/results/fallback_threshold.json. Nothing is downloaded.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from _common import format_machine, machine_description, write_json
from profile_eval import LABELLED_YEAR, PACKAGES

from advisor.profile.evaluation import LabelledConversation, load_labelled_set, matches
from advisor.profile.harvest import FALLBACK_SETS, PROFILES, UNSEEN_SETS, fallback_example
from advisor.profile.risk_fallback import FALLBACK_LEVEL, THRESHOLD, RiskFallback
from advisor.profile.text import Conversation, read_conversation

THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
FOLDS = 5
REPEATS = 5
SEED = 20261202


@dataclass(frozen=True)
class Unread:
    """A labelled conversation in which the rules read no risk evidence."""

    item: LabelledConversation
    conversation: Conversation


@dataclass
class Tally:
    """Levels the fallback set at one threshold: inside the label, where the label is null, and
    where it is a level the fallback's excludes."""

    right: float = 0
    wrong: float = 0
    other_level: float = 0

    @property
    def net(self) -> float:
        """Conversations gained: a level inside the label turns a miss into a hit, one where the
        label is null turns a hit into a miss; against another level it leaves a miss a miss."""
        return self.right - self.wrong


def unread_conversations(extractor: Any, items: Sequence[LabelledConversation]) -> list[Unread]:
    """The items in which the extractor's rules read neither willingness nor capacity."""
    unread = []
    for item in items:
        messages = item.as_messages()
        assessment = extractor.extract(messages).risk
        if assessment.willingness.value is None and assessment.capacity.value is None:
            unread.append(Unread(item, read_conversation(messages)))
    return unread


def tally(fallback: RiskFallback, unread: Sequence[Unread], tallies: dict[float, Tally]) -> None:
    """Add to each threshold's tally the levels `fallback` would set in `unread`."""
    for case in unread:
        probability = fallback.conversation_probability(case.conversation)
        if probability is None:
            continue
        label = case.item.expected.risk_level
        inside = matches(label, FALLBACK_LEVEL)
        for threshold, counts in tallies.items():
            if probability >= threshold:
                counts.right += inside
                counts.wrong += label is None
                counts.other_level += not inside and label is not None


def cross_validated(
    sets: dict[str, list[LabelledConversation]], unread: dict[str, list[Unread]]
) -> tuple[dict[float, Tally], int]:
    """Tallies over the folds, each scored by a fallback fitted on the other folds, averaged over
    `REPEATS` shuffles; and how many of the unread conversations are labelled so that the
    fallback's level is inside."""
    tallies = {threshold: Tally() for threshold in THRESHOLDS}
    for repeat in range(REPEATS):
        names = sorted(sets)
        random.Random(SEED + repeat).shuffle(names)
        for fold in range(FOLDS):
            held_out = set(names[fold::FOLDS])
            examples = [
                fallback_example(item)
                for name in names
                if name not in held_out
                for item in sets[name]
            ]
            fallback = RiskFallback(examples)
            tally(fallback, [case for name in held_out for case in unread[name]], tallies)
    averaged = {
        threshold: Tally(
            counts.right / REPEATS, counts.wrong / REPEATS, counts.other_level / REPEATS
        )
        for threshold, counts in tallies.items()
    }
    return averaged, _reachable(unread)


def _reachable(unread: dict[str, list[Unread]]) -> int:
    return sum(
        matches(case.item.expected.risk_level, FALLBACK_LEVEL)
        for cases in unread.values()
        for case in cases
    )


def table(tallies: dict[float, Tally]) -> str:
    """One row per threshold: right, wrong, another level, net; the shipped threshold marked."""
    rows = [f"  {'threshold':>9}{'right':>8}{'wrong':>8}{'other':>8}{'net':>8}"]
    for threshold, counts in tallies.items():
        mark = "  <- shipped" if threshold == THRESHOLD else ""
        rows.append(
            f"  {threshold:>9.2f}{counts.right:>8g}{counts.wrong:>8g}{counts.other_level:>8g}"
            f"{counts.net:>8g}{mark}"
        )
    return "\n".join(rows)


def main() -> None:
    """Run the check and print the tables."""
    from advisor.profile.extractor import ProfileExtractor

    machine = machine_description(PACKAGES)
    print("learned risk fallback: threshold check")
    print(format_machine(machine))
    extractor = ProfileExtractor(clock=lambda: LABELLED_YEAR)

    payload: dict[str, Any] = {"machine": machine, "shipped_threshold": THRESHOLD}
    fitted_on = {name: load_labelled_set(PROFILES / name) for name in FALLBACK_SETS}
    unread = {name: unread_conversations(extractor, items) for name, items in fitted_on.items()}
    tallies, reachable = cross_validated(fitted_on, unread)
    count = sum(len(items) for items in fitted_on.values())
    print(
        f"\nCross-validated, {FOLDS} folds of the {len(fitted_on)} sets the fallback is fitted on,"
        f" averaged over {REPEATS} shuffles"
        f" ({count} conversations; the rules read nothing in {sum(map(len, unread.values()))}, "
        f"{reachable} of them labelled so that C{FALLBACK_LEVEL} is inside):"
    )
    print(table(tallies))
    payload["cross_validated"] = _as_dict(tallies, reachable)

    untuned = {name: load_labelled_set(PROFILES / name) for name in UNSEEN_SETS}
    unread_untuned = {
        name: unread_conversations(extractor, items) for name, items in untuned.items()
    }
    shipped = {threshold: Tally() for threshold in THRESHOLDS}
    tally(RiskFallback(), [case for cases in unread_untuned.values() for case in cases], shipped)
    reachable_untuned = _reachable(unread_untuned)
    print(
        f"\nThe shipped fallback on the untuned sets ({', '.join(UNSEEN_SETS)}; the rules read "
        f"nothing in {sum(map(len, unread_untuned.values()))}, {reachable_untuned} of them "
        f"labelled so that C{FALLBACK_LEVEL} is inside):"
    )
    print(table(shipped))
    payload["untuned"] = _as_dict(shipped, reachable_untuned)
    print(f"results written to {write_json('fallback_threshold.json', payload)}")


def _as_dict(tallies: dict[float, Tally], reachable: int) -> dict[str, Any]:
    return {
        "reachable": reachable,
        "thresholds": {
            f"{threshold:.2f}": {
                "right": c.right,
                "wrong": c.wrong,
                "other_level": c.other_level,
                "net": c.net,
            }
            for threshold, c in tallies.items()
        },
    }


if __name__ == "__main__":
    main()
