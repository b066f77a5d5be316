"""Discipline and industry routing: which GB/T 13745 disciplines and GB/T 4754 industries a
demand belongs to, with a calibrated confidence shown to operators and used as a matching feature.

``CodeListRouter`` learns from the shipped code lists at run time; ``RoutingClassifier`` is the
few-shot classifier (character TF-IDF + e5 views, label descriptions, temperature scaling) that
the ``csl-discipline`` benchmark measures; ``finetune`` (optional, needs torch) fine-tunes its
e5 encoder on a training split. Method and figures: ``docs/matching.md``.
"""

from kechuang.match.routing.classifier import RankedLabel, RoutingClassifier
from kechuang.match.routing.router import CodeListRouter, Route, Taxonomy

__all__ = ["CodeListRouter", "RankedLabel", "Route", "RoutingClassifier", "Taxonomy"]
