"""Learning from reviewers: refit the feature classifier's scores from the links they confirmed and rejected.

Each relation the detector suggests gets its own binary logistic model over FEATURE_NAMES (confirmed 1,
rejected 0), on the features of each pair's current claim texts. The hand-set weights still choose the
relation; the calibrated model gives its score, so pairs like those reviewers turned down fall below
ATTEST_LINK_MIN_SCORE and are no longer suggested (see `Calibration` in the classifier for why only the score).

A relation with too few decisions of either kind, or whose model does not beat the hand-set weights under
cross-validation on the same decisions, keeps its hand-set weights. A calibration is stored, and made the
active one, only when at least one relation gains; the same decisions on the same texts are not fitted twice.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from claims.linking.classifier import FeatureClassifier, Relation, shipped_probabilities
from claims.linking.features import FEATURE_NAMES
from claims.models import ClaimLink, LinkCalibration

logger = logging.getLogger(__name__)

CALIBRATED_RELATIONS: tuple[Relation, ...] = ("contradicts", "corroborates", "duplicates")
# Fewer decisions of either kind than this, and a relation keeps its hand-set weights: five is the least that
# still gives each of five cross-validation folds one decision of each kind.
MIN_PER_KIND = 5
FOLDS = 5
# Inverse strength of the L2 penalty: sklearn's default, mild next to a few dozen decisions of 0/1 features,
# and enough to keep the weights finite when reviewers' decisions are perfectly separable.
L2_C = 1.0
RANDOM_STATE = 0
# Probabilities are clipped this far from 0 and 1 for the log-loss, so one rejected link that the hand-set
# weights scored 1.0 costs about 11.5 rather than infinity and the comparison stays a comparison.
_EPSILON = 1e-5


class _Decision(NamedTuple):
    link: int
    relation: Relation
    status: str
    first: str
    second: str
    """The claims' texts as they are now."""


@dataclass
class RelationFit:
    """One relation's decisions and what calibrating it would change."""

    relation: Relation
    confirmed: int
    rejected: int
    log_loss_before: float | None = None
    log_loss_after: float | None = None
    accuracy_before: float | None = None
    accuracy_after: float | None = None
    intercept: float | None = None
    coefficients: list[float] | None = None
    note: str = ""
    """Why it kept its hand-set weights; empty when calibrated."""

    @property
    def calibrated(self) -> bool:
        return self.coefficients is not None

    @property
    def examples(self) -> int:
        return self.confirmed + self.rejected

    def as_json(self) -> dict[str, Any]:
        return {
            "confirmed": self.confirmed,
            "rejected": self.rejected,
            "calibrated": self.calibrated,
            "log_loss_before": self.log_loss_before,
            "log_loss_after": self.log_loss_after,
            "accuracy_before": self.accuracy_before,
            "accuracy_after": self.accuracy_after,
            "note": self.note,
        }


@dataclass
class CalibrationOutcome:
    """What a training did: the calibration it stored, or why it stored none."""

    calibration: LinkCalibration | None
    reason: str
    relations: list[RelationFit] = field(default_factory=list)
    replaced: str = ""
    """The version that was active before, if the new calibration took its place."""


def calibration_train(*, min_examples: int = 30) -> LinkCalibration | None:
    """Refit the feature classifier's calibration from reviewers' decisions; None, with the reason logged, if not."""
    outcome = links_calibrate(min_examples=min_examples)
    logger.info("Link calibration: %s", outcome.reason)
    return outcome.calibration


def links_calibrate(*, min_examples: int = 30) -> CalibrationOutcome:
    """Fit a calibration on the decided detector links and store it as the active one if it helps, saying why."""
    base = FeatureClassifier.version
    decisions = [
        _Decision(link, cast(Relation, relation), status, first, second)  # one of CALIBRATED_RELATIONS, by the filter
        for link, relation, status, first, second in ClaimLink.objects.filter(
            origin=ClaimLink.Origin.DETECTOR,
            status__in=[ClaimLink.Status.CONFIRMED, ClaimLink.Status.REJECTED],
            relation__in=CALIBRATED_RELATIONS,
        )
        .order_by("pk")
        .values_list("pk", "relation", "status", "from_claim__text", "to_claim__text")
    ]
    labels = np.array([decision.status == ClaimLink.Status.CONFIRMED for decision in decisions], dtype=int)
    relation_of = np.array([decision.relation for decision in decisions], dtype=object)
    fits = [
        RelationFit(
            relation,
            confirmed=int(labels[relation_of == relation].sum()),
            rejected=int((1 - labels[relation_of == relation]).sum()),
        )
        for relation in CALIBRATED_RELATIONS
    ]
    if len(decisions) < min_examples:
        return CalibrationOutcome(
            None,
            f"only {_count(len(decisions), 'reviewer decision')} on detector links so far; "
            f"at least {min_examples} are needed before the detector learns from them.",
            fits,
        )
    digest = _digest(base, decisions)
    active = LinkCalibration.objects.filter(detector=base, active=True).first()
    if active is not None and active.decisions == digest:
        return CalibrationOutcome(None, f"no decision has changed since {active.version}, which stays active.", fits)

    # The shipped classifier: the features are the same either way, and "before" means the hand-set weights.
    judgements = FeatureClassifier().judge_many([(decision.first, decision.second) for decision in decisions])
    features = np.array([[judgement.features[name] for name in FEATURE_NAMES] for judgement in judgements])
    before = np.array(
        [
            shipped_probabilities(judgement.features)[decision.relation]
            for judgement, decision in zip(judgements, decisions, strict=True)
        ]
    )
    for fit in fits:
        chosen = relation_of == fit.relation
        _fit_relation(fit, features[chosen], labels[chosen], before[chosen])

    if not any(fit.calibrated for fit in fits):
        reasons = "; ".join(f"{fit.relation}: {fit.note}" for fit in fits)
        return CalibrationOutcome(None, f"every relation keeps its hand-set weights ({reasons}).", fits)
    return _store(base, digest, fits)


def _fit_relation(fit: RelationFit, features: np.ndarray, labels: np.ndarray, before: np.ndarray) -> None:
    if not fit.examples:
        fit.note = "no decisions"
        return
    threshold = settings.ATTEST_LINK_MIN_SCORE
    fit.log_loss_before = _log_loss(labels, before)
    fit.accuracy_before = _accuracy(labels, before, threshold)
    fit.log_loss_after, fit.accuracy_after = fit.log_loss_before, fit.accuracy_before
    if min(fit.confirmed, fit.rejected) < MIN_PER_KIND:
        fewer = "confirmed" if fit.confirmed < fit.rejected else "rejected"
        fit.note = f"fewer than {MIN_PER_KIND} {fewer}"
        return
    # Imported here, not at the top: scikit-learn and SciPy take a second and tens of megabytes to load, and
    # only this daily job needs them.
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = LogisticRegression(C=L2_C, l1_ratio=0.0, class_weight="balanced", max_iter=1000, random_state=RANDOM_STATE)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=RANDOM_STATE)
    after = cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]
    log_loss_after = _log_loss(labels, after)
    if log_loss_after > fit.log_loss_before:
        fit.note = f"a fitted model did worse (log-loss {log_loss_after:.3f} against {fit.log_loss_before:.3f})"
        return
    fit.log_loss_after, fit.accuracy_after = log_loss_after, _accuracy(labels, after, threshold)
    model.fit(features, labels)
    fit.intercept = float(model.intercept_[0])
    fit.coefficients = [float(weight) for weight in model.coef_[0]]


@transaction.atomic
def _store(base: str, digest: str, fits: list[RelationFit]) -> CalibrationOutcome:
    # Two trainings at once (the daily job and the command) take turns here, so each finds the other's
    # calibration and the one-active-per-detector constraint is never raced. Plain reads are not blocked.
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(LinkCalibration._meta.db_table)} IN EXCLUSIVE MODE")
    previous = LinkCalibration.objects.filter(detector=base, active=True).first()
    if previous is not None and previous.decisions == digest:
        return CalibrationOutcome(None, f"{previous.version} was fitted on the same decisions meanwhile.", fits)
    if previous is not None:
        previous.active = False
        previous.save(update_fields=["active"])
    measured = [fit for fit in fits if fit.examples]
    total = sum(fit.examples for fit in measured)

    def overall(figure: str) -> float:
        # Each relation in proportion to its decisions.
        return sum(getattr(fit, figure) * fit.examples for fit in measured) / total

    calibration = LinkCalibration.objects.create(
        detector=base,
        version=f"{base}+cal",  # numbered below, once the row has its id
        feature_names=list(FEATURE_NAMES),
        coefficients={fit.relation: fit.coefficients for fit in fits if fit.calibrated},
        intercepts={fit.relation: fit.intercept for fit in fits if fit.calibrated},
        confirmed=sum(fit.confirmed for fit in fits),
        rejected=sum(fit.rejected for fit in fits),
        log_loss_before=overall("log_loss_before"),
        log_loss_after=overall("log_loss_after"),
        accuracy_before=overall("accuracy_before"),
        accuracy_after=overall("accuracy_after"),
        relations={fit.relation: fit.as_json() for fit in fits},
        decisions=digest,
        active=True,
    )
    calibration.version = f"{base}+cal{calibration.pk}"
    calibration.save(update_fields=["version"])
    replaced = previous.version if previous is not None else ""
    return CalibrationOutcome(
        calibration,
        f"stored {calibration.version} and made it active"
        + (f" in place of {replaced}" if replaced else "")
        + f": log-loss {calibration.log_loss_before:.3f} → {calibration.log_loss_after:.3f}, "
        f"accuracy {calibration.accuracy_before:.3f} → {calibration.accuracy_after:.3f}.",
        fits,
        replaced,
    )


def _balanced_weights(labels: np.ndarray) -> np.ndarray:
    """Each kind of decision counts as much as the other, as in the fit (class_weight="balanced")."""
    weights = np.empty(len(labels))
    for kind in (0, 1):
        chosen = labels == kind
        if chosen.any():
            weights[chosen] = len(labels) / (2 * chosen.sum())
    return weights


def _log_loss(labels: np.ndarray, probabilities: np.ndarray) -> float:
    clipped = np.clip(probabilities, _EPSILON, 1 - _EPSILON)
    losses = -(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))
    return float(np.average(losses, weights=_balanced_weights(labels)))


def _accuracy(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> float:
    """How often "suggested" (a score at least the threshold) agrees with "confirmed"."""
    right = (probabilities >= threshold).astype(int) == labels
    return float(np.average(right, weights=_balanced_weights(labels)))


def _digest(base: str, decisions: list[_Decision]) -> str:
    digest = hashlib.sha256(base.encode())
    for decision in decisions:
        digest.update("\x1f".join(str(part) for part in decision).encode() + b"\x1e")
    return digest.hexdigest()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
