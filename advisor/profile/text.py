"""A conversation cut into the pieces the rules read: user messages, sentences and clauses.

Every piece keeps its character offsets in the message it came from, so that evidence is always
quoted by slicing the original text: a quote is an exact substring by construction.

Sentences end at . ! ? (followed by a space or the end), at 。！？；; at line breaks and before
the bars of a form typed on one line.
Clauses are sentences further cut at commas, colons and contrast words ("but", "但是"), because
negation and most cues do not reach across them ("not worried, the market fell" negates nothing
about the fall). A clause remembers how many contrast words came before it in its message:
what follows "but" is what the speaker means now.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from advisor.profile.model import Evidence
from advisor.profile.options import chosen_options

Language = Literal["en", "zh"]
Role = Literal["user", "assistant"]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A full stop inside a number (3.5%) or an abbreviation (e.g.) is not followed by a space; one
# after a lone small letter ("b. 1969", "c. 2030") abbreviates a word.
# A bar separates the fields of a form typed on one line ("Age: 29 | Job: analyst"): each
# field ends before its bar.
# Markup (<system>, 【系统提示】) also ends a sentence: an injected block is a sentence of its own.
SENTENCE_END = re.compile(
    r"(?<!(?<![\w'’])[a-z])[.!?]+(?=\s|$)|[。！？；;\n]+|(?=[|｜])|</?[A-Za-z][^<>]{0,40}>|[【】\[\]]"
)
# Brackets open an aside, except around a bare number ("I (36)", "kids (6 and 8)"). A space
# between Chinese characters is a comma typed on a phone ("手里有八十万 有吗 一分钱都不能亏").
CLAUSE_BREAK = re.compile(
    r",(?!\d{3})|[，、:：]|\s[-–—]+\s|[(（](?![\d\s,and&]+[)）])|(?<![\d\s])[)）]"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
)
SPACE_CUT_BEFORE = re.compile(r"[\u4e00-\u9fff]\s+$")  # the space after a Chinese phrase
CONTRAST = re.compile(
    # 这可是我的养老钱 "this really is": 可是 after 这/那 is emphasis, not "but".
    r"\b(?:but|however|although|though|whereas|yet|except|then again)\b|但是|但|(?<![这那])可是|"
    r"不过|然而",
    re.IGNORECASE,
)
# Words that take back what was just said, in either language: "no wait", "I meant", 不对, 说错了.
# A pattern source, for the rules that read the corrected value after them.
TAKE_BACK = (
    r"不对|不是|说错了?|说反了|记错了|口误|打错了|我是说|应该是|\bno wait\b|\bwait,? no\b|"
    r"\bsorry\b|\bi mean\b|\bi meant\b|\bscratch (?:that|\d{4})\b"
)
QUOTE_LIMIT = 200  # longer clauses are quoted around the match only
QUESTION_SENTENCE = re.compile(r"[^.!?。！？]*[?？]")
ASKED_TAIL = 200  # of an assistant message with no question mark, the part a reply answers
# Nothing but a hedge: "about", "maybe around", 大概.
HEDGES = re.compile(
    r"\s*(?:(?:about|around|roughly|maybe|like|approx\.?|approximately|nearly|almost|over|just "
    r"over|~)\s*)*|\s*(?:大概|大约|差不多|将近)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Message:
    """One turn of the conversation."""

    role: Role
    content: str


@dataclass(frozen=True)
class Clause:
    """A clause of a user message, with its offsets in that message."""

    message_index: int
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int
    contrast_rank: int
    asked: str = ""  # the assistant message this clause's turn answers ("" if none)
    chosen: bool = False  # an option of the assistant message that the investor chose
    # The investor's message before `asked`: the scenario a bare "What would you do?" refers to.
    earlier: str = ""

    @property
    def cut_at_a_space(self) -> bool:
        """Whether a space between Chinese characters (`CLAUSE_BREAK`) cuts this clause from the
        rest of its sentence: a phrase of a message spaced instead of punctuated."""
        before = self.sentence[: self.start - self.sentence_start]
        return bool(SPACE_CUT_BEFORE.search(self.text) or SPACE_CUT_BEFORE.search(before))

    @property
    def opens_reply(self) -> bool:
        """Whether the clause is the first thing said in reply to `asked`: the opening clause of
        a user message, or an option the investor chose."""
        return self.start == 0 or self.chosen

    @property
    def question(self) -> str:
        """The last question of `asked` ("" if it asks none)."""
        return last_question(self.asked)

    @property
    def prompt(self) -> str:
        """What this clause's turn answers: the last question of `asked`, or the end of a message
        that asks without a question mark ("Tell me how long you can leave it.")."""
        return self.question or self.asked[-ASKED_TAIL:]

    def evidence(self, match_start: int | None = None, match_end: int | None = None) -> Evidence:
        """The clause as evidence; a long clause is quoted from the match (clause offsets)."""
        start, end = self.start, self.end
        if len(self.text) > QUOTE_LIMIT and match_start is not None and match_end is not None:
            start, end = self.start + match_start, self.start + match_end
        return quote(self.message_index, self.text_of(start, end))

    def text_of(self, start: int, end: int) -> str:
        """The text between two message offsets that lie inside this clause."""
        return self.text[start - self.start : end - self.start]

    def holds_only(self, start: int, end: int) -> bool:
        """Whether the clause is nothing but the text between two clause offsets, a hedge before
        it and punctuation after it aside ("about eight months.", "5-10%,")."""
        after = self.text[end:].strip(" .,;!?，。；！？")
        return not after and bool(HEDGES.fullmatch(self.text[:start]))

    def sentence_after(self) -> str:
        """The rest of this clause's sentence, after the clause."""
        return self.sentence[self.end - self.sentence_start :]

    def previous(self) -> str:
        """The clause before this one in its sentence ("big drops scare me" before "maybe 10%
        tops"), without its closing punctuation; "" for a sentence's first clause."""
        before = self.sentence[: self.start - self.sentence_start].rstrip(" ,，;；:：")
        return re.split(r"[,，;；:：]\s*(?=\S)", before)[-1] if before else ""


@dataclass(frozen=True)
class UserTurn:
    """A user message, its language, its clauses and the assistant turn just before it; or the
    options of an assistant message that the next user message chose ("D obviously"), which are
    the investor's words by choice: `content` is then the assistant message with everything but
    the chosen options blanked, so offsets and quotes stay those of the original message."""

    index: int
    content: str
    language: Language
    clauses: tuple[Clause, ...]
    asked: str  # the assistant's preceding message ("" if none): context for short answers


@dataclass(frozen=True)
class Conversation:
    """The user turns of a conversation, cut into clauses. Assistant turns are kept only as the
    context of the user turn that follows them, and are never evidence about the investor except
    for an option the investor chose from one ("D obviously"), which is a turn of its own."""

    messages: tuple[Message, ...]
    turns: tuple[UserTurn, ...]

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """Every clause of every user turn, in order."""
        return tuple(clause for turn in self.turns for clause in turn.clauses)

    def turn(self, message_index: int) -> UserTurn:
        """The user turn of a message index."""
        for turn in self.turns:
            if turn.index == message_index:
                return turn
        raise KeyError(message_index)


def last_question(asked: str) -> str:
    """The last question of an assistant message ("" if it asks none)."""
    questions = QUESTION_SENTENCE.findall(asked)
    return questions[-1] if questions else ""


def quote(message_index: int, text: str) -> Evidence:
    """Evidence quoting `text` without surrounding blanks (still an exact substring)."""
    stripped = text.strip()
    return Evidence(message_index=message_index, quote=stripped or text)


def language_of(text: str) -> Language:
    """Chinese when the text has a few ideographs, else English: short Chinese replies (好的)
    count, and a Latin word or two (ETF, C3) inside Chinese does not make it English."""
    ideographs = len(CJK.findall(text))
    return "zh" if ideographs >= 2 or (ideographs and len(text.strip()) <= 3) else "en"


def read_conversation(messages: Sequence[Message]) -> Conversation:
    """Cut the user messages into clauses; remember each one's preceding assistant turn. An
    option of that turn which the user message chooses is read as a turn of its own, before it."""
    turns: list[UserTurn] = []
    asked, asked_index, earlier = "", -1, ""
    for index, message in enumerate(messages):
        if message.role == "assistant":
            asked, asked_index = message.content, index
            continue
        chosen = _chosen_turn(asked_index, asked, message.content)
        if chosen is not None:
            turns.append(chosen)
        before = earlier if asked else ""
        clauses = tuple(
            replace(clause, asked=asked, earlier=before)
            for clause in split_clauses(index, message.content)
        )
        turns.append(UserTurn(index, message.content, language_of(message.content), clauses, asked))
        asked, earlier = "", message.content
    return Conversation(tuple(messages), tuple(turns))


def _chosen_turn(index: int, asked: str, reply: str) -> UserTurn | None:
    """The options of the assistant message `asked` (at `index`) that `reply` chooses, as a turn
    whose clauses answer each option's question; None if the reply chooses none."""
    options = chosen_options(asked, reply)
    if not options:
        return None
    kept = [" "] * len(asked)
    for option in options:
        kept[option.start : option.end] = asked[option.start : option.end]
        # Each option a sentence of its own, without the blanks around it.
        for edge in (option.start - 1, option.end):
            if 0 <= edge < len(asked) and kept[edge] == " ":
                kept[edge] = "\n"
    content = "".join(kept)
    clauses = []
    for clause in split_clauses(index, content):
        question = next(
            (o.question for o in options if o.start <= clause.start < o.end), options[0].question
        )
        clauses.append(replace(clause, asked=question, chosen=True))
    return UserTurn(index, content, language_of(content), tuple(clauses), options[0].question)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, ending marks included, blank ones dropped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for mark in SENTENCE_END.finditer(text):
        spans.append((start, mark.end()))
        start = mark.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_clauses(message_index: int, text: str) -> list[Clause]:
    """The clauses of a message, each with its sentence's start and its contrast rank."""
    clauses: list[Clause] = []
    contrast_rank = 0
    for sentence_start, sentence_end in split_sentences(text):
        cuts = sorted(
            {sentence_start, sentence_end}
            | {sentence_start + cut for cut in _breaks(text[sentence_start:sentence_end])}
        )
        for start, end in pairwise(cuts):
            piece = text[start:end]
            if not piece.strip():
                continue
            if CONTRAST.match(piece.lstrip()):
                contrast_rank += 1
            sentence = text[sentence_start:sentence_end]
            clauses.append(
                Clause(message_index, start, end, piece, sentence, sentence_start, contrast_rank)
            )
    return clauses


def _breaks(sentence: str) -> list[int]:
    """Where a sentence is cut: after punctuation and before contrast words."""
    cuts = [m.end() for m in CLAUSE_BREAK.finditer(sentence)]
    cuts += [m.start() for m in CONTRAST.finditer(sentence)]
    return [cut for cut in cuts if 0 < cut < len(sentence)]
