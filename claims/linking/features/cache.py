"""The analyses this process has made or read, and the version that says whether a stored one still holds.

Analyses are kept in a bounded cache, so a claim compared with fifty candidates, or a candidate met again in
the next job, is parsed once. `claims.linking.analyses` stores them in the database as `analysis_to_json`
writes them, under `analyser_version()`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import core.text
from claims import attribution
from claims import lexicon as general
from claims.linking import lexicon
from claims.linking.features import parsing
from claims.linking.features.parsing import Analysis, Frame, Negation, Quantity

_CACHE_SIZE = 8192

# The code an analysis is made with: the parsing, every module of the project that parsing uses (the parser
# attribution builds, the word lists, the general lexicon and the file it reads, folding), and this module,
# which writes the stored form. The comparison of two analyses is not among them: changing it leaves the
# stored analyses good.
ANALYSIS_CODE: tuple[Path, ...] = tuple(
    Path(module)
    for module in (
        parsing.__file__,
        attribution.__file__,
        lexicon.__file__,
        general.__file__,
        general.LEXICON_FILE,
        core.text.__file__,
        __file__,
    )
)

_cache: OrderedDict[str, Analysis] = OrderedDict()
_cache_lock = threading.Lock()


def analyses_known(texts: Iterable[str]) -> dict[str, Analysis]:
    """The analyses this process holds of any of these texts."""
    found: dict[str, Analysis] = {}
    with _cache_lock:
        for text in texts:
            if text in _cache:
                _cache.move_to_end(text)
                found[text] = _cache[text]
    return found


def analyses_remember(analyses: Mapping[str, Analysis]) -> None:
    """Keep these analyses for the next comparisons, the least recently used making way."""
    with _cache_lock:
        for text, analysis in analyses.items():
            _cache[text] = analysis
            _cache.move_to_end(text)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


@lru_cache(maxsize=1)
def analyser_version() -> str:
    """What an analysis depends on: the language model and `ANALYSIS_CODE`, word lists included. A stored
    analysis made by another version is not used (`claims.linking.analyses`)."""
    meta = attribution._parser().meta
    code = hashlib.sha256()
    for module in ANALYSIS_CODE:
        code.update(module.read_bytes())
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}/{code.hexdigest()[:12]}"


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as JSON. Mappings become lists of pairs: their order is the text's, and jsonb keeps no order."""
    return {
        "words": list(analysis.words),
        "content": sorted(analysis.content),
        "names": sorted(analysis.names),
        "lemmas": sorted(analysis.lemmas),
        "surface": list(analysis.surface.items()),
        "phrases": list(analysis.phrases.items()),
        "negations": [dataclasses.astuple(negation) for negation in analysis.negations],
        "quantities": [dataclasses.astuple(quantity) for quantity in analysis.quantities],
        "dates": [[kind, list(values.items())] for kind, values in analysis.dates.items()],
        "frames": [_frame_to_json(frame) for frame in analysis.frames],
        "gist": analysis.gist,
        "heads": sorted(analysis.heads),
        "said_of": sorted(analysis.said_of),
        "stems": sorted(analysis.stems),
        "broader": sorted(analysis.broader),
        "pos": list(analysis.pos.items()),
        "slots": list(analysis.slots.items()),
    }


def _frame_to_json(frame: Frame) -> list[Any]:
    values = (getattr(frame, field.name) for field in dataclasses.fields(frame))
    return [
        sorted(value)
        if isinstance(value, frozenset)
        else dataclasses.astuple(value)
        if isinstance(value, Quantity)
        else value
        for value in values
    ]


def analysis_from_json(data: Mapping[str, Any]) -> Analysis:
    """The analysis `analysis_to_json` wrote."""
    frames = []
    for (
        predicate,
        verb,
        light,
        agent,
        patient,
        agent_text,
        patient_text,
        named_agent,
        reciprocal,
        count,
    ) in data["frames"]:
        frames.append(
            Frame(
                predicate=predicate,
                verb=verb,
                light=light,
                agent=frozenset(agent),
                patient=frozenset(patient),
                agent_text=agent_text,
                patient_text=patient_text,
                named_agent=frozenset(named_agent),
                reciprocal=reciprocal,
                count=Quantity(*count) if count is not None else None,
            )
        )
    return Analysis(
        words=tuple(data["words"]),
        content=frozenset(data["content"]),
        names=frozenset(data["names"]),
        lemmas=frozenset(data["lemmas"]),
        surface=dict(data["surface"]),
        phrases=dict(data["phrases"]),
        negations=tuple(Negation(*values) for values in data["negations"]),
        quantities=tuple(Quantity(*values) for values in data["quantities"]),
        dates={kind: dict(values) for kind, values in data["dates"]},
        frames=tuple(frames),
        gist=data["gist"],
        heads=frozenset(data["heads"]),
        said_of=frozenset(data["said_of"]),
        stems=frozenset(data["stems"]),
        broader=frozenset(data["broader"]),
        pos=dict(data["pos"]),
        slots=dict(data["slots"]),
    )
