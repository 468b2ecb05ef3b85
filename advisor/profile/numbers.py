"""Numbers and durations as people write them, in English and Chinese.

English: digits (1,500, 1.5, full-width digits too), words (thirty-five, a hundred and five),
vague counts (a couple, a few, several, a dozen) and suffixes (15k, 2m). Chinese: digits, the
numerals 零一二两三…十百千万亿 in any combination (七十二, 一百零五, 3万, 1.5万), the spoken
abbreviations after a unit (一万五 = 15,000, 两千五 = 2,500), and the approximate forms
(十几 ≈ 15, 三十多 ≈ 35, 几十 ≈ 50, 几 ≈ 3). An approximate number says so: callers give it a
lower confidence.

Durations are a number and a unit (years, months, weeks, days, decades; 年, 个月, 周, 天 — a
month needs 个, since 三月 is March, not three months), plus the forms with a half (half a year,
a year and a half, 半年, 一年半, 两年多), ranges ("5-10 years", "six and nine years", 三到五年,
the spoken 十年八年) and "decade-plus".
"""

import re
from dataclasses import dataclass

ENGLISH_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
ENGLISH_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ENGLISH_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
# Vague counts: the value a person most likely means, marked approximate.
ENGLISH_VAGUE = {
    "a couple of": 2.0,
    "a couple": 2.0,
    "couple of": 2.0,
    "a few": 3.0,
    "few": 3.0,
    "several": 4.0,
    "a dozen": 12.0,
    "dozen": 12.0,
}
ENGLISH_EXACT_ARTICLES = {"a": 1.0, "an": 1.0, "one": 1.0}

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
CHINESE_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1_000, "仟": 1_000}
CHINESE_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
VAGUE_DIGIT = "几"  # 十几 / 几十: "some"
APPROXIMATE_SUFFIXES = "多来余"  # 三十多: "thirty-odd"
FIRST_CALENDAR_YEAR = 1900  # a count of 年 this large is a year of the calendar
ODD_SHARE, ABOUT_SHARE = 0.5, 0.15  # of the smallest unit, added for 多/余 and for 来

_WORD = "|".join(sorted([*ENGLISH_UNITS, *ENGLISH_TENS], key=len, reverse=True))
_DIGITS = r"[0-9０-９]+(?:[,，][0-9]{3})*(?:\.[0-9]+)?"
# An English number: digits, or words such as "thirty-five", "a hundred and five".
NUMBER_EN = (
    rf"(?:{_DIGITS}(?:\s?[km](?![a-z]))?"
    rf"|(?:(?:a|one|{_WORD})\s+(?:hundred|thousand|million)(?:\s+(?:and\s+)?(?:{_WORD})"
    rf"(?:[\s-](?:{_WORD}))?)?)"
    rf"|(?:{_WORD})(?:[\s-](?:{_WORD}))?)"
)


def _chinese_number_pattern(numerals: str) -> str:
    """A Chinese number written with `numerals` and digits, or both (3万), with an optional
    approximate suffix. It starts where a run of them starts: tried from inside a run too, a long
    run of digits took minutes."""
    return (
        rf"(?:(?<![0-9０-９.{numerals}])[0-9０-９.{numerals}]*[0-9０-９{numerals}]"
        rf"(?:[{APPROXIMATE_SUFFIXES}](?![少]))?)"
    )


_ZH_CHARS = "".join([*CHINESE_DIGITS, *CHINESE_UNITS, *CHINESE_BIG_UNITS, VAGUE_DIGIT])
NUMBER_ZH = _chinese_number_pattern(_ZH_CHARS)


MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_NAME_EN = "(?:" + "|".join(MONTHS) + ")"


@dataclass(frozen=True)
class Number:
    """A parsed number; `approximate` when the words were vague (十几, a few, in my forties)."""

    value: float
    approximate: bool = False


# A year said aloud: "twenty twenty", "twenty twenty-two", "twenty oh eight", "two thousand and
# eight".
_YEAR_UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_YEAR_TEEN = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
YEAR_IN_WORDS = (
    rf"\b(?:two thousand(?: and)? (?:{_YEAR_TEEN}|{_YEAR_UNIT})|twenty[ -](?:oh[ -]{_YEAR_UNIT}|"
    rf"{_YEAR_TEEN}|(?:twenty|thirty)(?:[ -]{_YEAR_UNIT})?))\b"
)


def parse_year_in_words(text: str) -> int | None:
    """The year said aloud: "twenty twenty-two" → 2022, "two thousand and eight" → 2008,
    "nineteen seventy-nine" → 1979; None if it is not one."""
    words = text.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        century, rest = 2000, words[2:]
    elif words[:1] in (["twenty"], ["nineteen"]):
        century, rest = (2000 if words[0] == "twenty" else 1900), words[1:]
    else:
        return None
    number = _english_words(" ".join(word for word in rest if word not in ("and", "oh")))
    return None if number is None else century + int(number.value)


def parse_number(text: str) -> Number | None:
    """The number `text` writes, in either language; None when it is not one."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if any(char in _ZH_CHARS for char in cleaned) or cleaned[-1] in APPROXIMATE_SUFFIXES:
        return parse_chinese_number(cleaned)
    return parse_english_number(cleaned)


def parse_english_number(text: str) -> Number | None:
    """Digits (with thousands separators, decimals, k/m suffixes), number words, vague counts."""
    cleaned = " ".join(text.strip().lower().replace("-", " ").split())
    if cleaned in ENGLISH_VAGUE:
        return Number(ENGLISH_VAGUE[cleaned], approximate=True)
    if cleaned in ENGLISH_EXACT_ARTICLES:
        return Number(ENGLISH_EXACT_ARTICLES[cleaned])
    digits = re.fullmatch(r"([0-9０-９][0-9０-９,，]*(?:\.[0-9]+)?)\s?([km])?", cleaned)
    if digits:
        value = float(re.sub(r"[,，]", "", _ascii_digits(digits.group(1))))
        scale = {"k": 1_000, "m": 1_000_000}.get(digits.group(2) or "", 1)
        return Number(value * scale)
    return _english_words(cleaned)


def _english_words(text: str) -> Number | None:
    total = 0
    current = 0
    seen = False
    for word in text.replace(" and ", " ").split():
        if word in ("a", "an") and not seen:
            current = 1
        elif word in ENGLISH_UNITS:
            current += ENGLISH_UNITS[word]
        elif word in ENGLISH_TENS:
            current += ENGLISH_TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ENGLISH_SCALES:
            total += max(current, 1) * ENGLISH_SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return Number(float(total + current)) if seen else None


def parse_chinese_number(text: str) -> Number | None:
    """Chinese numerals, digits or a mix; 一万五 is 15,000 and 十几 about 15."""
    cleaned = _ascii_digits(text.strip())
    suffix = cleaned[-1] if cleaned and cleaned[-1] in APPROXIMATE_SUFFIXES else ""
    approximate = bool(suffix)
    if suffix:
        cleaned = cleaned[:-1]
    if not cleaned:
        return None
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", cleaned):
        return Number(float(cleaned), approximate)
    if cleaned == VAGUE_DIGIT:
        return Number(3.0, approximate=True)
    parsed = _chinese_numerals(cleaned)
    if parsed is None:
        return None
    value, vague, last_unit = parsed
    if approximate:
        # 三十多 is thirty-odd: half the smallest unit written (十多 → 15, 两万多 → 25,000);
        # 十来 is "ten or so", just over it (十来年 → 11.5).
        value += (last_unit or 1) * (ABOUT_SHARE if suffix == "来" else ODD_SHARE)
    return Number(value, approximate or vague)


def _chinese_numerals(text: str) -> tuple[float, bool, int] | None:
    """(value, vague, smallest unit written) of a numeral string, None if it is not one."""
    total = 0.0
    section = 0.0
    digit: float | None = None
    last_unit = 0
    after_zero = False
    vague = False
    for token in re.findall(r"[0-9]+(?:\.[0-9]+)?|.", text):
        if token[0].isdigit():
            digit = float(token)
        elif token in CHINESE_DIGITS:
            after_zero = after_zero or token in "零〇"
            value = float(CHINESE_DIGITS[token])
            if digit is not None and not after_zero and value == digit + 1:
                # 七八年, 五六个: two neighbouring digits are "seven or eight".
                digit, vague = digit + 0.5, True
            else:
                digit = value
        elif token == VAGUE_DIGIT:
            digit, vague = 5.0, True
        elif token in CHINESE_UNITS:
            section += (1.0 if digit is None else digit) * CHINESE_UNITS[token]
            digit, last_unit, after_zero = None, CHINESE_UNITS[token], False
        elif token in CHINESE_BIG_UNITS:
            big = CHINESE_BIG_UNITS[token]
            total += (section + (digit or 0.0)) * big
            section, digit, last_unit, after_zero = 0.0, None, big, False
        else:
            return None
    if digit is not None:
        # 一万五 / 两千五: a bare digit right after a unit counts in the next unit down.
        abbreviated = last_unit >= 100 and not after_zero
        section += digit * (last_unit / 10 if abbreviated else 1)
    return total + section, vague, last_unit


def _ascii_digits(text: str) -> str:
    """Full-width digits (０-９) as ASCII."""
    return text.translate({0xFF10 + d: ord("0") + d for d in range(10)})


# ---------------------------------------------------------------------------------------------
# Durations

UNIT_YEARS = {
    "year": 1.0,
    "yr": 1.0,
    "month": 1 / 12,
    "mo": 1 / 12,
    "week": 7 / 365,
    "day": 1 / 365,
    "decade": 10.0,
    "年": 1.0,
    "月": 1 / 12,
    "周": 7 / 365,
    "星期": 7 / 365,
    "礼拜": 7 / 365,
    "天": 1 / 365,
    "日": 1 / 365,
}
_EN_COUNT = rf"(?:{NUMBER_EN}|a couple of|a couple|couple of|a few|few|several|a dozen|an|a|one)"
# "20y", "6mo": the one-letter units only straight after digits.
_EN_UNIT = r"(?:decades?|years?|yrs?|months?|mos|weeks?|days?|(?<=\d)(?:y|mo))"
DURATION_EN = re.compile(
    rf"(?<![\w.])(?:(?P<half>half an?|half of an?)\s+(?P<hunit>year|decade|month)"
    rf"|(?P<decade_plus>decade)(?:[- ]plus|\s*\+|\s+or\s+(?:more|so))"
    rf"|(?P<tilde>~\s*)?(?P<count>{_EN_COUNT})(?:\s*(?:-|–|to|or|and)\s*(?P<upper>{NUMBER_EN}))?"
    rf"(?P<plus>\s*\+|\s*-?\s*ish|[\s-]plus|\s+or\s+(?:so|more))?"
    rf"(?:\s+and\s+(?P<plus_half>a\s+half))?[\s-]*(?:more\s+)?"
    rf"(?P<unit>{_EN_UNIT})(?:\s+and\s+(?P<half_after>a\s+half))?)(?![a-z])",
    re.IGNORECASE,
)
# A count of years, months or days is never in 万 or 亿, so an amount written just before it ends
# there: 这五十万十年内不用 is 500,000, then ten years (not 500,010 years).
COUNT_ZH = _chinese_number_pattern("".join([*CHINESE_DIGITS, *CHINESE_UNITS, VAGUE_DIGIT]))
DURATION_ZH = re.compile(
    rf"(?P<half>半)(?:个)?(?P<hunit>年|月|星期)"
    # 个把月 "a month or so", 年把 "a year or so".
    rf"|个把(?P<about_unit>月|星期|礼拜)|(?P<about_year>年)把(?![握手])"
    rf"|(?P<count>{COUNT_ZH})(?:\s*(?:-|–|到|至)\s*(?P<upper>{COUNT_ZH}))?(?P<half_before>个半)?"
    # Not 一年级, a school year.
    rf"(?P<unit>年(?!级)|个月|(?<=半)月|周|个?星期|个?礼拜|天)"
    rf"(?:(?P<pair>{COUNT_ZH})(?P=unit))?"
    rf"(?P<after>半|多)?"
)


@dataclass(frozen=True)
class Duration:
    """A stretch of time found in text, in years, with where it was written."""

    years: float
    approximate: bool
    start: int
    end: int


def find_durations(text: str) -> list[Duration]:
    """Every duration written in `text`, English and Chinese, in order."""
    found = [_english_duration(m) for m in DURATION_EN.finditer(text)]
    found += [_chinese_duration(m) for m in DURATION_ZH.finditer(text)]
    return sorted((d for d in found if d is not None), key=lambda d: d.start)


def _range(low: Number | None, upper: str | None) -> Number | None:
    """The middle of "5-10", "5 or 6", "三到五": approximate."""
    if low is None or not upper:
        return low
    high = parse_number(upper)
    if high is None or high.value <= low.value:
        return low
    return Number((low.value + high.value) / 2, approximate=True)


def _english_duration(match: re.Match[str]) -> Duration | None:
    if match.group("decade_plus"):
        return Duration(UNIT_YEARS["decade"], True, match.start(), match.end())  # "decade-plus"
    if match.group("half"):
        unit = UNIT_YEARS[match.group("hunit").lower()]
        return Duration(unit / 2, False, match.start(), match.end())
    count = _range(parse_english_number(match.group("count")), match.group("upper"))
    if count is None:
        return None
    if match.group("plus") or match.group("tilde"):
        count = Number(count.value, approximate=True)  # "10+ years", "20-ish years", "~20y"
    unit_word = match.group("unit").lower().rstrip("s")
    unit = UNIT_YEARS.get(unit_word, UNIT_YEARS.get(unit_word[:2], 1.0))
    if unit_word == "yr":
        unit = 1.0
    halves = 0.5 if (match.group("plus_half") or match.group("half_after")) else 0.0
    return Duration((count.value + halves) * unit, count.approximate, match.start(), match.end())


def _chinese_duration(match: re.Match[str]) -> Duration | None:
    if match.group("half"):
        return Duration(UNIT_YEARS[match.group("hunit")] / 2, False, match.start(), match.end())
    about = match.group("about_unit") or match.group("about_year")
    if about:
        return Duration(UNIT_YEARS[about], True, match.start(), match.end())
    count = _range(parse_chinese_number(match.group("count")), match.group("upper"))
    if count is not None and match.group("pair"):
        # 十年八年, 三年五年: "ten years, eight years", a spoken range.
        pair = parse_chinese_number(match.group("pair"))
        if pair is not None:
            low, high = sorted((count.value, pair.value))
            count = Number((low + high) / 2, approximate=True)
    if count is None or (match.group("unit") == "年" and count.value >= FIRST_CALENDAR_YEAR):
        return None  # 2022年 is a date, not two thousand years
    if count.value == 0:
        return None  # 二〇三〇年, a year written digit by digit, reads as nothing: not a duration
    value, approximate = count.value, count.approximate
    after = match.group("after")
    if match.group("half_before") or after == "半":
        value += 0.5
    elif after == "多":
        value, approximate = value + 0.5, True  # 两年多: a little over two years
    return Duration(
        value * UNIT_YEARS[match.group("unit").lstrip("个")],
        approximate,
        match.start(),
        match.end(),
    )
