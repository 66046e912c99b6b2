"""Pair classifiers: is one claim contradicted, corroborated or duplicated by another, or unrelated to it?

Two backends behind one interface (`PairClassifier`):

* `FeatureClassifier` ("features", the default): needs nothing beyond the spaCy model that attribution
  already uses. The features of `claims.linking.features` go through a hand-set multinomial logistic
  model (`WEIGHTS`). A deployment's reviewers refit the scores of the relations it suggests from their
  own decisions (`claims.linking.calibration`); `classifier()` applies the active calibration.
* `NLIClassifier` ("nli"): a Hugging Face cross-encoder trained for natural language inference, loaded
  from a local directory (`ATTEST_NLI_MODEL`). torch and transformers are optional and never download.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from django.conf import settings

from claims.attribution import ExtractionUnavailable
from claims.linking.features import FEATURE_NAMES, Analysis, Comparison, analyse_many, compare
from claims.models import LinkCalibration

Relation = Literal["contradicts", "corroborates", "duplicates", "unrelated"]
RELATIONS: tuple[Relation, ...] = get_args(Relation)
BACKENDS = ("features", "nli")
NLI_INSTALL_HINT = "install torch==2.13.0 and transformers, and set ATTEST_NLI_MODEL to a local model directory"


class LinkingBackendUnavailable(RuntimeError):
    """The chosen pair classifier cannot run here: a package, a model or a setting is missing."""


@dataclass(frozen=True)
class Judgement:
    relation: Relation
    score: float
    """0..1, the classifier's confidence in `relation`."""
    rationale: str
    """What a reviewer should check, e.g. "numbers differ: two officers vs three"."""
    features: dict[str, float]
    """The numbers the judgement rests on, by name (`FEATURE_NAMES` for the feature backend)."""


class PairClassifier(Protocol):
    name: str
    version: str
    """Recorded on every link the classifier suggests; changes whenever its judgements may change."""

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]: ...


def classifier(backend: str | None = None, *, calibrated: bool = True) -> PairClassifier:
    """The pair classifier named `backend`, by default the one `ATTEST_LINK_BACKEND` names ("features").

    The feature classifier comes with this deployment's active calibration, which costs one small query;
    `calibrated=False` gives it as shipped, without reading the database.
    """
    name = backend or getattr(settings, "ATTEST_LINK_BACKEND", None) or "features"
    if name == "features":
        return FeatureClassifier(active_calibration() if calibrated else None)
    if name == "nli":
        return NLIClassifier()
    raise LinkingBackendUnavailable(f"Unknown linking backend “{name}”: choose one of {', '.join(BACKENDS)}.")


# ---------------------------------------------------------------------------------------------- features

# Hand-set weights of a multinomial logistic model over FEATURE_NAMES, one row per relation; "unrelated"
# is the reference class with every weight 0. Set by reasoning about news claims, not fitted to any data
# set; the calibration job is to refit them from reviewers' decisions. How they were chosen:
# * contradicts: a conflict on a shared topic (topic near 1) outweighs the bias of -4 by 1 to 4, so a
#   negation or antonym needs at least half the claims' words in common, or the same subject and predicate.
#   A swap of roles needs no topic weight: it is found only on the same predicate.
# * corroborates: one claim must be covered by the other, all its words there or said more broadly or more
#   narrowly (coverage 1 with half the words shared gives about +2), and not say something else in place of
#   one of them (replaced: -5 sinks even a pair that differs by one word, "on the lawn" / "on the road"),
#   unless both state the same proposition (the same act by the same doer on the same target: +5 lifts a pair
#   whose reports each add a detail); any conflict sinks it.
# * duplicates: near-verbatim wording only (sequence ratio ≳ 0.9 with the same words), above corroborates, the
#   same proposition lifting both alike.
BIASES: Mapping[Relation, float] = {"contradicts": -4.0, "corroborates": -5.0, "duplicates": -20.0, "unrelated": 0.0}
WEIGHTS: Mapping[Relation, Mapping[str, float]] = {
    "contradicts": {
        "roles": 8.0,
        "polarity_on_topic": 8.0,
        "numbers_on_topic": 7.0,
        "dates_on_topic": 6.0,
        "exclusive_on_topic": 5.0,
        "subjects_on_topic": 5.0,
    },
    "corroborates": {
        "containment": 2.0,
        "word_containment": 2.0,
        "jaccard": 1.0,
        "shared_frame": 1.0,
        "coverage": 4.0,
        "replaced": -5.0,
        "same_proposition": 5.0,
        "roles": -8.0,
        "polarity_on_topic": -8.0,
        "numbers_on_topic": -6.0,
        "dates_on_topic": -5.0,
        "exclusive_on_topic": -4.0,
        "subjects_on_topic": -4.0,
    },
    "duplicates": {
        "same_wording": 6.0,
        "sequence": 16.0,
        "jaccard": 6.0,
        "same_proposition": 5.0,
        "roles": -12.0,
        "polarity_on_topic": -12.0,
        "numbers_on_topic": -10.0,
        "dates_on_topic": -8.0,
        "exclusive_on_topic": -6.0,
        "subjects_on_topic": -6.0,
    },
    "unrelated": {},
}
assert all(name in FEATURE_NAMES for row in WEIGHTS.values() for name in row), "a weight names an unknown feature"

# How many shared words a rationale lists.
_SHOWN_WORDS = 5


class FeatureClassifier:
    """Negation, antonyms, numbers, dates, roles and overlap from the dependency parse; no model download."""

    name = "features"
    version = "features-4"
    """As shipped; a calibrated classifier's version names its calibration ("features-4+cal3")."""

    def __init__(self, calibration: Calibration | None = None) -> None:
        self.calibration = calibration
        if calibration is not None:
            self.version = calibration.version

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        try:
            analyses = analyse_many([text for pair in pairs for text in pair])
        except ExtractionUnavailable as error:
            raise LinkingBackendUnavailable(str(error)) from error
        return [self._judge(analyses[2 * i], analyses[2 * i + 1]) for i in range(len(pairs))]

    def _judge(self, first: Analysis, second: Analysis) -> Judgement:
        comparison = compare(first, second)
        values = comparison.values
        probabilities = shipped_probabilities(values)
        relation = max(RELATIONS, key=lambda each: probabilities[each])
        score = probabilities[relation]
        if self.calibration is not None and relation in self.calibration.weights:
            score = self.calibration.probability(relation, values)
        return Judgement(relation, score, _rationale(relation, comparison), dict(values))


def shipped_probabilities(values: Mapping[str, float]) -> dict[Relation, float]:
    """The hand-set model's probability of each relation, from the values of FEATURE_NAMES."""
    logits = {
        relation: BIASES[relation] + sum(weight * values[name] for name, weight in WEIGHTS[relation].items())
        for relation in RELATIONS
    }
    top = max(logits.values())
    exponentials = {relation: math.exp(logit - top) for relation, logit in logits.items()}
    total = sum(exponentials.values())
    return {relation: exponential / total for relation, exponential in exponentials.items()}


# ---------------------------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class Calibration:
    """A deployment's refit of the feature classifier's scores (a `LinkCalibration` row, read once).

    The hand-set weights still choose the relation; for a calibrated relation the score is instead the fitted
    probability that a reviewer confirms the link. Only the score, since every decision it was fitted on is
    about a pair the detector had already called that relation: it has seen no other kind of pair.
    """

    pk: int
    version: str
    intercepts: Mapping[Relation, float]
    weights: Mapping[Relation, tuple[float, ...]]
    """In the order of FEATURE_NAMES."""

    def probability(self, relation: Relation, values: Mapping[str, float]) -> float:
        logit = self.intercepts[relation] + sum(
            weight * values[name] for name, weight in zip(FEATURE_NAMES, self.weights[relation], strict=True)
        )
        # The logistic function, written so that neither branch can overflow.
        if logit >= 0:
            return 1.0 / (1.0 + math.exp(-logit))
        exponential = math.exp(logit)
        return exponential / (1.0 + exponential)


# The active calibration as last read, kept until another one becomes active.
_loaded: Calibration | None = None


def active_calibration() -> Calibration | None:
    """This deployment's active calibration of the feature classifier, if any.

    One query on the partial unique index of active calibrations; the row itself is read again only when
    another calibration has become active since, so each linking job pays for one small lookup.
    """
    global _loaded
    active = (
        LinkCalibration.objects.filter(detector=FeatureClassifier.version, active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if active is None:
        return None
    loaded = _loaded
    if loaded is not None and loaded.pk == active:
        return loaded
    row = LinkCalibration.objects.filter(pk=active).first()
    if row is None:  # deleted between the two queries
        return None
    loaded = _calibration_from(row)
    _loaded = loaded
    return loaded


def _calibration_from(row: LinkCalibration) -> Calibration:
    relations = [relation for relation in RELATIONS if relation in row.coefficients and relation in row.intercepts]
    weights: dict[Relation, tuple[float, ...]] = {}
    for relation in relations:
        # By name, so a calibration made before a feature was added (at the end) gives that feature no weight.
        fitted = dict(zip(row.feature_names, row.coefficients[relation], strict=True))
        weights[relation] = tuple(float(fitted.get(name, 0.0)) for name in FEATURE_NAMES)
    intercepts = {relation: float(row.intercepts[relation]) for relation in relations}
    return Calibration(pk=row.pk, version=row.version, intercepts=intercepts, weights=weights)


def _rationale(relation: Relation, comparison: Comparison) -> str:
    values = comparison.values
    shared = ", ".join(comparison.shared[:_SHOWN_WORDS]) + (" …" if len(comparison.shared) > _SHOWN_WORDS else "")
    if relation == "contradicts":
        weights = WEIGHTS["contradicts"]
        found = sorted(comparison.conflicts, key=lambda conflict: -weights[conflict[0]] * values[conflict[0]])
        return "; ".join(text for name, text in found if values[name] > 0)
    if relation == "duplicates":
        return "same wording" if values["same_wording"] else f"nearly the same wording ({values['sequence']:.0%})"
    if relation == "corroborates":
        return f"shared words: {shared}" + (f"; same proposition: {comparison.same}" if comparison.same else "")
    if not comparison.shared:
        return "nothing in common"
    note = f"little in common: {shared}"
    if comparison.conflicts:
        note += f"; {comparison.conflicts[0][1].split(':')[0]} set aside: another topic"
    return note


# ---------------------------------------------------------------------------------------------- NLI

NLI_FEATURE_NAMES: tuple[str, ...] = (
    "entailment_ab",  # P(entailment) with the first claim as premise
    "entailment_ba",  # ... with the second as premise
    "contradiction_ab",
    "contradiction_ba",
    "neutral_ab",
    "neutral_ba",
)
# Both claims entail each other this strongly: the same claim in other words.
_MUTUAL_ENTAILMENT = 0.9
_NLI_BATCH = 16
_NLI_MAX_TOKENS = 256


@dataclass(frozen=True)
class _NLIModel:
    tokenizer: Any
    model: Any
    torch: Any
    label_index: Mapping[str, int]
    """"entailment", "contradiction", "neutral" → the model's output index."""
    version: str


class NLIClassifier:
    """A local natural-language-inference cross-encoder, run both ways round since links have no direction."""

    name = "nli"

    def __init__(self, model_path: str | os.PathLike[str] | None = None) -> None:
        path = model_path or getattr(settings, "ATTEST_NLI_MODEL", "")
        if not path:
            raise LinkingBackendUnavailable(f"The NLI backend has no model: {NLI_INSTALL_HINT}.")
        self._nli = _load_nli(str(Path(path).expanduser().resolve()))
        self.version = self._nli.version

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Judgement]:
        nli = self._nli
        judgements: list[Judgement] = []
        with nli.torch.inference_mode():
            for start in range(0, len(pairs), _NLI_BATCH):
                batch = pairs[start : start + _NLI_BATCH]
                premises = [a for a, _ in batch] + [b for _, b in batch]
                hypotheses = [b for _, b in batch] + [a for a, _ in batch]
                encoded = nli.tokenizer(
                    premises,
                    hypotheses,
                    padding=True,
                    truncation=True,
                    max_length=_NLI_MAX_TOKENS,
                    return_tensors="pt",
                )
                probabilities = nli.model(**encoded).logits.softmax(dim=-1).tolist()
                for i in range(len(batch)):
                    judgements.append(self._judge(probabilities[i], probabilities[len(batch) + i]))
        return judgements

    def _judge(self, forward: list[float], backward: list[float]) -> Judgement:
        index = self._nli.label_index
        features = {
            f"{label}_{direction}": float(probabilities[index[label]])
            for label in ("entailment", "contradiction", "neutral")
            for direction, probabilities in (("ab", forward), ("ba", backward))
        }
        features = {name: features[name] for name in NLI_FEATURE_NAMES}
        entail_ab, entail_ba = features["entailment_ab"], features["entailment_ba"]
        # Corroboration needs entailment one way only (the shorter claim follows from the longer);
        # contradiction and neutrality are symmetric, so the two directions are averaged.
        scores: dict[Relation, float] = {
            "corroborates": max(entail_ab, entail_ba),
            "contradicts": (features["contradiction_ab"] + features["contradiction_ba"]) / 2,
            "unrelated": (features["neutral_ab"] + features["neutral_ba"]) / 2,
        }
        total = sum(scores.values()) or 1.0
        relation: Relation = max(scores, key=lambda each: scores[each])
        score = scores[relation] / total
        if min(entail_ab, entail_ba) >= _MUTUAL_ENTAILMENT:
            relation, score = "duplicates", min(entail_ab, entail_ba)
        rationale = (
            f"NLI model: contradiction {scores['contradicts']:.2f}, entailment {scores['corroborates']:.2f}, "
            f"neutral {scores['unrelated']:.2f}"
        )
        return Judgement(relation, score, rationale, features)


@lru_cache(maxsize=2)
def _load_nli(path: str) -> _NLIModel:
    # Set before transformers (and huggingface_hub) are imported: they read it once, at import.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
    except ImportError as error:
        raise LinkingBackendUnavailable(f"The NLI backend cannot run ({error}): {NLI_INSTALL_HINT}.") from error
    with suppress(ImportError):  # a bar on stderr for every load means nothing in a worker's log
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    directory = Path(path)
    config = directory / "config.json"
    if not config.is_file():
        raise LinkingBackendUnavailable(
            f"ATTEST_NLI_MODEL={path} is not a model directory (it has no config.json): {NLI_INSTALL_HINT}."
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(directory, local_files_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise LinkingBackendUnavailable(f"Cannot load the NLI model in {path}: {error}") from error
    model.eval()
    label_index: dict[str, int] = {}
    for index, label in model.config.id2label.items():
        name = str(label).lower()
        for known in ("entailment", "contradiction", "neutral"):
            if name.startswith(known[:6]):
                label_index[known] = int(index)
    if len(label_index) != 3:
        raise LinkingBackendUnavailable(
            f"The model in {path} is not an NLI model: its labels {dict(model.config.id2label)} do not name "
            "entailment, contradiction and neutral."
        )
    return _NLIModel(tokenizer, model, torch, label_index, _model_version(directory))


def _model_version(directory: Path) -> str:
    """nli-<directory>-<digest of its config and of its files' names and sizes>: changes when the model does."""
    digest = hashlib.sha256((directory / "config.json").read_bytes())
    for file in sorted(directory.iterdir()):
        if file.is_file():
            digest.update(f"{file.name}:{file.stat().st_size}".encode())
    return f"nli-{directory.name}-{digest.hexdigest()[:10]}"
