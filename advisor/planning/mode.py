"""Education mode and advice mode.

`education` (the default for a self-hosted install with no supervising firm): the product explains,
projects and simulates; every portfolio is labelled an illustration, nothing is presented as a
personal recommendation, and nothing is traded with real money (an accepted portfolio only
changes a simulated account). `advice`: proposals follow the review workflow
(advisor review, cooling-off) and may be executed once approved.
"""

from dataclasses import dataclass
from typing import Literal

Mode = Literal["education", "advice"]

DISCLOSURES: dict[Mode, dict[str, str]] = {
    "education": {
        "en": (
            "Education mode: this is an illustration for learning, computed by a deterministic "
            "engine from general assumptions. It is not a personal recommendation, no firm "
            "supervises it, and nothing is traded with real money: accepting a portfolio only "
            "updates a simulated account. Projections are simulations, not promises: markets "
            "can fall and you can lose money."
        ),
        "zh": (
            "教育模式：以下内容仅为学习用的示例演示，由确定性引擎根据一般假设计算，"
            "不构成个人投资建议，没有持牌机构监督，也不会用真实资金交易：接受方案只会更新模拟账户。"
            "预测是模拟结果，不是承诺：市场可能下跌，您可能亏损。"
        ),
    },
    "advice": {
        "en": (
            "Advice mode: this proposal was computed by a deterministic engine from your profile "
            "and the suitability rules, and is reviewed by a human advisor before anything is "
            "traded. Risk changes wait for a cooling-off period. Projections are simulations, "
            "not promises: markets can fall and you can lose money."
        ),
        "zh": (
            "投顾模式：本方案由确定性引擎根据您的资料和适当性规则计算，"
            "执行任何交易前都由人工投资顾问审核；风险调整需经过冷静期。"
            "预测是模拟结果，不是承诺：市场可能下跌，您可能亏损。"
        ),
    },
}

ILLUSTRATION_LABEL: dict[str, str] = {
    "en": "Illustration only - not a personal recommendation; nothing is traded with real money.",
    "zh": "仅为示例演示，不构成个人建议，不会用真实资金交易。",
}


def disclosure(mode: Mode, language: str = "en") -> str:
    """The disclosure shown with every proposal in this mode (English unless Chinese is asked)."""
    return DISCLOSURES[mode]["zh" if language.startswith("zh") else "en"]


@dataclass(frozen=True)
class LabelledProposal:
    """A proposal as the investor sees it in a mode: its weights, whether it is an illustration,
    whether it may be executed, its label and the disclosure."""

    weights: dict[str, float]
    mode: Mode
    illustration: bool
    executable: bool
    requires_review: bool
    label: str | None
    disclosure: str


def label_proposal(
    weights: dict[str, float], mode: Mode, requires_review: bool = True, language: str = "en"
) -> LabelledProposal:
    """Label a proposal for the mode: in education mode an illustration that cannot be executed;
    in advice mode a proposal that follows the review workflow (review as the rules require)."""
    educational = mode == "education"
    return LabelledProposal(
        weights=dict(weights),
        mode=mode,
        illustration=educational,
        executable=not educational,
        requires_review=requires_review and not educational,
        label=ILLUSTRATION_LABEL["zh" if language.startswith("zh") else "en"]
        if educational
        else None,
        disclosure=disclosure(mode, language),
    )


def may_execute(mode: Mode) -> bool:
    """Whether trades may be executed at all in this mode."""
    return mode == "advice"
