"""What two claims share and where they conflict, as named numbers and as phrases a reviewer can check.

Three rooms: `parsing` turns a text into an `Analysis` (content words, negations, numbers, dates, who does
what to whom); `cache` keeps the analyses this process holds, writes them as JSON and names the version of
the code that made them; `comparison` turns two analyses into the values of `FEATURE_NAMES` and the
conflicts behind them, by the table of rules `RULES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from claims.linking.features.cache import (
    _cache,
    _cache_lock,
    analyser_version,
    analyses_known,
    analyses_remember,
    analysis_from_json,
    analysis_to_json,
)
from claims.linking.features.comparison import FEATURE_NAMES, RULES, Comparison, Rule, compare
from claims.linking.features.parsing import Analysis, Frame, Negation, Quantity, _analyse, canonical, parsed, stem

__all__ = [
    "FEATURE_NAMES",
    "RULES",
    "Analysis",
    "Comparison",
    "Frame",
    "Negation",
    "Quantity",
    "Rule",
    "_cache",
    "_cache_lock",
    "analyse_many",
    "analyser_version",
    "analyses_known",
    "analyses_remember",
    "analysis_from_json",
    "analysis_to_json",
    "canonical",
    "compare",
    "stem",
]


def analyse_many(texts: Sequence[str]) -> list[Analysis]:
    """The analysis of each text, parsing only the distinct texts not analysed before, in one batch."""
    found = analyses_known(texts)
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    if missing:
        made = {text: _analyse(doc) for text, doc in zip(missing, parsed(missing), strict=True)}
        analyses_remember(made)
        found.update(made)
    return [found[text] for text in texts]
