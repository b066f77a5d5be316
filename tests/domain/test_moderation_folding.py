"""The detector folds traditional -> simplified itself (every caller catches such spam), and the
matching analyser folds with the same function."""

from __future__ import annotations

from kechuang.domain import textfold
from kechuang.domain.moderation import check
from kechuang.match.text.analyzer import Analyzer, AnalyzerConfig


def test_traditional_spam_is_caught_by_the_pure_detector() -> None:
    traditional = "澳門賭場真人荷官，百家樂線上開戶送彩金"
    assert textfold.fold(traditional) != traditional
    verdict = check(traditional)
    assert verdict.is_spam
    assert "百家乐" in verdict.reasons[0]


def test_full_width_spam_is_caught() -> None:
    assert check("ＣＡＳＩＮＯ bonus, ｖｉａｇｒａ cheap").is_spam


def test_simplified_prose_is_not_rewritten_or_flagged() -> None:
    prose = "新增程序用于兰州新区新材料企业的工艺优化。"
    assert textfold.fold(prose) == prose
    assert not check(prose).is_spam


def test_the_analyser_folds_with_the_shared_function() -> None:
    analyser = Analyzer(AnalyzerConfig(domain_dictionary=False), dictionary=())
    for text in ("軟體開發與網路安全", "新增程序", "ＡＢＣ１２３"):
        assert analyser.fold(text) == textfold.fold(text)
    assert analyser.fold("軟體") == "软件"
    off = Analyzer(AnalyzerConfig(domain_dictionary=False, fold_traditional=False), dictionary=())
    assert off.fold("軟體") == "軟體"
