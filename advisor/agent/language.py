"""Which language to reply in: the user's."""

import re
from typing import Literal

Language = Literal["en", "zh"]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def language_of(text: str) -> Language:
    """Chinese when the text has Chinese characters, else English."""
    return "zh" if CJK.search(text) else "en"
