from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.linking.calibration import CalibrationOutcome, RelationFit, links_calibrate


class Command(BaseCommand):
    help = (
        "Refit the link detector's scores from the links reviewers confirmed and rejected, and make the result "
        "the active calibration if it does better than the hand-set weights (the daily job does the same)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-examples",
            type=int,
            default=30,
            help="Decided detector links needed before anything is fitted (default 30).",
        )

    def handle(self, *args: Any, min_examples: int, **options: Any) -> None:
        if min_examples < 1:
            raise CommandError("--min-examples must be at least 1.")
        outcome = links_calibrate(min_examples=min_examples)
        self.stdout.write(describe(outcome))


def describe(outcome: CalibrationOutcome) -> str:
    decided = sum(fit.examples for fit in outcome.relations)
    confirmed = sum(fit.confirmed for fit in outcome.relations)
    lines = [
        f"Reviewer decisions on detector links: {decided} ({confirmed} confirmed, {decided - confirmed} rejected)."
    ]
    width = max(len(fit.relation) for fit in outcome.relations)
    lines += [f"  {fit.relation:<{width}}  {_relation_line(fit)}" for fit in outcome.relations]
    calibration = outcome.calibration
    if calibration is None:
        lines.append(f"Nothing stored: {outcome.reason}")
    else:
        replaced = f" in place of {outcome.replaced}" if outcome.replaced else ""
        lines.append(f"Stored {calibration.version} and made it active{replaced}.")
        lines.append(
            f"Cross-validated on all {decided} decisions, each kind weighted equally: log-loss "
            f"{calibration.log_loss_before:.3f} → {calibration.log_loss_after:.3f} (lower is better), accuracy "
            f"{calibration.accuracy_before:.3f} → {calibration.accuracy_after:.3f} (a score of at least the "
            "suggestion threshold counts as foreseeing a confirmation)."
        )
    return "\n".join(lines)


def _relation_line(fit: RelationFit) -> str:
    counts = f"{fit.confirmed:3d} confirmed, {fit.rejected:3d} rejected"
    if fit.calibrated:
        return (
            f"{counts}: calibrated, log-loss {fit.log_loss_before:.3f} → {fit.log_loss_after:.3f}, "
            f"accuracy {fit.accuracy_before:.3f} → {fit.accuracy_after:.3f}"
        )
    if fit.note:
        return f"{counts}: keeps its hand-set weights ({fit.note})"
    return counts
