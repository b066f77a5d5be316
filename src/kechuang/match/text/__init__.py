"""Text analysis for Chinese and English (segmentation, folding, stopwords, stemming)."""

from kechuang.match.text.analyzer import Analyzer, AnalyzerConfig

__all__ = ["Analyzer", "AnalyzerConfig"]
