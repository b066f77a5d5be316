"""The quality check a demand passes before it is published.

A demand that states no target indicators, describes its problem vaguely, names no industry, or
offers a budget without a deadline cannot be matched or answered well. The check tells the
enterprise what to add and why, in both languages; the guided web form and the API share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kechuang.domain.demand import Demand

_VAGUE_PHRASES = (
    "需要技术支持",
    "技术升级",
    "提升技术水平",
    "提高效率",
    "解决技术难题",
    "寻求合作",
    "技术改造",
    "need technical support",
    "improve efficiency",
    "technology upgrade",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_NUMBER = re.compile(r"\d")

MIN_PROBLEM_CHARS = 30
"""A key-problem statement shorter than this (Chinese characters + 2 × English words) is vague."""


@dataclass(frozen=True)
class QualityIssue:
    """One thing to add before publishing: which field, what is missing, and why it matters."""

    field: str
    code: str
    what_zh: str
    what_en: str
    why_zh: str
    why_en: str

    def message(self, language: str = "zh") -> str:
        """What to add and why, in one sentence of ``language``."""
        return (
            f"{self.what_zh}：{self.why_zh}"
            if language == "zh"
            else f"{self.what_en}: {self.why_en}"
        )


def _text_size(text: str) -> int:
    return len(_CJK.findall(text)) + 2 * len(_WORD.findall(text))


def is_vague(problem: str) -> bool:
    """True when a key-problem statement is too short or only a stock phrase."""
    cleaned = problem.strip()
    if _text_size(cleaned) < MIN_PROBLEM_CHARS:
        return True
    remainder = cleaned.lower()
    for phrase in _VAGUE_PHRASES:
        remainder = remainder.replace(phrase, "")
    return _text_size(remainder) < MIN_PROBLEM_CHARS // 2


def check(demand: Demand) -> list[QualityIssue]:
    """Every issue that should be fixed before ``demand`` is published (empty when it is ready)."""
    issues: list[QualityIssue] = []
    if not demand.target_indicators.strip():
        issues.append(
            QualityIssue(
                "target_indicators",
                "no_target_indicators",
                "请填写技术指标",
                "Add target indicators",
                "写明可测量的目标（例如“氢气纯度 ≥ 99.97%”“成本降低 20%”），"
                "专家才能判断能否达到、成果才可验收",
                "state measurable targets (e.g. 'hydrogen purity >= 99.97%', 'cost down 20%') so "
                "experts can judge whether they can meet them and the result can be accepted",
            )
        )
    elif not _NUMBER.search(demand.target_indicators):
        issues.append(
            QualityIssue(
                "target_indicators",
                "indicators_not_measurable",
                "技术指标中没有数值",
                "The target indicators contain no numbers",
                "请给出具体数值或范围，否则无法衡量是否达成",
                "give values or ranges; without them nobody can tell whether the target is met",
            )
        )
    if is_vague(demand.key_problems):
        issues.append(
            QualityIssue(
                "key_problems",
                "vague_problem",
                "关键技术难题描述过于笼统",
                "The key technical problem is too vague",
                f"请用至少 {MIN_PROBLEM_CHARS} 个字说明具体卡在哪里："
                "材料、工艺、设备、现有方案及其不足，"
                "匹配引擎依据这些文字推荐专家和成果",
                "describe where exactly you are stuck — materials, process, equipment, what you "
                "tried and why it fell short; the matching engine recommends experts from this "
                "text",
            )
        )
    if not demand.industry_codes:
        issues.append(
            QualityIssue(
                "industry_codes",
                "no_industry",
                "请选择所属行业",
                "Choose an industry",
                "行业（GB/T 4754）决定需求推送给哪些学会、实验室和专家",
                "the industry (GB/T 4754) decides which societies, labs and experts see the demand",
            )
        )
    if demand.budget_fen is not None and demand.deadline is None:
        issues.append(
            QualityIssue(
                "deadline",
                "budget_without_deadline",
                "已填写预算但没有截止日期",
                "A budget is given but no deadline",
                "请补充期望完成日期，服务方需据此评估投入和排期",
                "add the date you need the solution by; providers plan their effort against it",
            )
        )
    return issues
