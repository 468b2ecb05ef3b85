"""Answers given by choosing one of the adviser's options: "D obviously", "选C", "第二个", "2) B".

Onboarding questionnaires offer lettered or numbered options ("If your investments dropped 25%,
would you: A) sell everything, B) sell some, C) hold, D) buy more?"), and people answer with the
label alone. The words that carry the answer are then the adviser's: the option the investor
chose. This module finds, in the adviser's message, the span of each option the reply chooses;
`text.read_conversation` reads that span as the investor's own words (the investor said them by
choosing them), so every rule reads "buy more" as if typed, and evidence quotes the option as
it appears in the adviser's message.

Only a plain choice counts: a reply that opens with the label ("B - small ones", "A. just get me
out", "D, it's for retirement") or is the label with a hedge ("A probably", "C I think"). An "A"
that starts a sentence ("A friend told me") is an article, not a choice.
"""

import re
from dataclasses import dataclass

CHINESE_ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# "A) sell", "(b) I want", "C. 下跌30%", "D、加仓"; a full stop only after a capital ("e.g." is no
# option).
LETTER_OPTION = re.compile(
    r"(?:(?<=[\s:：?？,，;；/])|^)[(（]?(?P<label>[A-E](?=[).．、:：])|[a-e](?=[)）]))"
    r"[)）.．、:：]?(?=\s*\S)"
)
NUMBER_OPTION = re.compile(
    r"(?:(?<=[\s:：?？,，;；(（])|^)[(（]?(?P<label>[1-5])[)）.．、](?=\s*\D)"
)
# After a chosen label: the end, punctuation or a hedge, never a word that makes "A" an article.
_AFTER_LABEL = (
    r"(?=\s*$|\s*[.,!;:，。！；：)）]|\s+[-–—]|\s*[吧啊呀了]|\s+(?:probably|obviously|definitely|"
    r"for sure|i think|i guess|i suppose|i'?d say|i reckon|please|then|again|for me|too|though)\b)"
)
LETTER_CHOICE = re.compile(
    r"^\W*(?:(?:option|answer|choice|i'?d (?:pick|choose|go with)|i (?:pick|choose)|"
    rf"definitely|probably)\s+)?(?P<label>[A-Ea-e]){_AFTER_LABEL}"
    r"|(?:选|选择|选项|我选|答案是?)\s*(?P<zh_label>[A-Ea-e])(?![A-Za-z])"
    r"|第(?P<ordinal>[一二三四五1-5])(?:个|项|种|条|选项)",
    re.IGNORECASE,
)
NUMBER_CHOICE = re.compile(
    rf"^\W*(?:(?:option|number|no\.?)\s*)?(?P<label>[1-5])(?![\d%/]|[.,]\d){_AFTER_LABEL}"
    r"|(?:选|选择|我选)\s*(?P<zh_label>[1-5])(?!\d)",
    re.IGNORECASE,
)
# "1) 45 2) B 3) A": answers to numbered questions, each a label or a value.
NUMBERED_ANSWER = re.compile(r"(?:^|\s)(?P<question>[1-9])[).:]\s*(?P<label>[A-E])\b")
QUESTION_NUMBER = re.compile(r"(?:(?<=\s)|^)[(（]?(?:Q|Question\s*)?(?P<number>[1-9])[).:）]\s")
SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


@dataclass(frozen=True)
class ChosenOption:
    """The span of a chosen option in the adviser's message, and the question it answers."""

    start: int
    end: int
    question: str


@dataclass(frozen=True)
class _Option:
    label: str
    marker: int  # where its label starts
    start: int
    end: int


def chosen_options(asked: str, reply: str) -> list[ChosenOption]:
    """The options of `asked` that `reply` chooses, in the order of `asked`."""
    if not asked or not reply.strip():
        return []
    chosen: list[ChosenOption] = []
    for question_number, label in NUMBERED_ANSWER.findall(reply):
        part = numbered_question(asked, int(question_number))
        if part is not None:
            chosen += _choose(asked, part, label.upper())
    if chosen:
        return chosen
    for sentence in SENTENCE.finditer(reply):
        letter = LETTER_CHOICE.search(sentence.group(0))
        number = NUMBER_CHOICE.search(sentence.group(0))
        if letter:
            label = _letter(letter)
            chosen += _choose(asked, (0, len(asked)), label)
        elif number and not _options(asked, (0, len(asked)), LETTER_OPTION):
            label = (number["label"] or number["zh_label"]).upper()
            chosen += _choose(asked, (0, len(asked)), label, numbered=True)
        if chosen:
            break  # one question, one answer: the first plain choice
    return chosen


def _letter(match: re.Match[str]) -> str:
    if match["ordinal"]:
        ordinal = match["ordinal"]
        number = int(ordinal) if ordinal.isdigit() else CHINESE_ORDINALS[ordinal]
        return "ABCDE"[number - 1]
    return (match["label"] or match["zh_label"]).upper()


def _choose(
    asked: str, part: tuple[int, int], label: str, numbered: bool = False
) -> list[ChosenOption]:
    options = _options(asked, part, NUMBER_OPTION if numbered else LETTER_OPTION)
    for option in options:
        if option.label == label:
            question = asked[part[0] : options[0].marker]
            return [ChosenOption(option.start, option.end, question)]
    if not numbered and not options:
        # "第二个" to numbered options: the second one.
        return _choose(asked, part, str("ABCDE".index(label) + 1), numbered=True)
    return []


def _options(asked: str, part: tuple[int, int], pattern: re.Pattern[str]) -> list[_Option]:
    """The options offered in `asked[part]`, a run labelled in order (A, B, C... or 1, 2, 3...):
    a lone "e." or "1." is no list."""
    start, end = part
    run: list[re.Match[str]] = []
    for marker in pattern.finditer(asked, start, end):
        expected = _first_label(pattern) if not run else _next_label(run[-1]["label"])
        if marker["label"].upper() == expected:
            run.append(marker)
        elif marker["label"].upper() == _first_label(pattern):
            run = [marker]
    if len(run) < 2:
        return []
    options = []
    for marker, following in zip(run, [*run[1:], None], strict=True):
        stop = following.start() if following else _option_end(asked, marker.end(), end)
        segment = asked[marker.end() : stop]
        text_start = marker.end() + len(segment) - len(segment.lstrip())
        text = asked[text_start:stop].rstrip(" ,，;；/")
        text = re.sub(r"(?:\s+or)$", "", text, flags=re.IGNORECASE).rstrip(" ,，")
        if text:
            label = marker["label"].upper()
            options.append(_Option(label, marker.start(), text_start, text_start + len(text)))
    return options


def _first_label(pattern: re.Pattern[str]) -> str:
    return "1" if pattern is NUMBER_OPTION else "A"


def _next_label(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label.upper()) + 1)


def _option_end(asked: str, start: int, end: int) -> int:
    """Where the last option ends: at a question mark, a new sentence or the part's end."""
    stop = re.search(r"[?？\n]|[.。!！](?=\s+[A-Z(]|\s*$)|\s+\(?\d[).]\s", asked[start:end])
    return start + stop.start() if stop else end


def numbered_question(asked: str, number: int) -> tuple[int, int] | None:
    """The span of question `number` in "1) Your age? 2) How long ...? 3) If it fell ...":
    from its number to the next question's."""
    starts = {int(m["number"]): m.start() for m in QUESTION_NUMBER.finditer(asked)}
    if number not in starts:
        return None
    later = [position for n, position in starts.items() if n > number]
    return starts[number], min(later) if later else len(asked)
