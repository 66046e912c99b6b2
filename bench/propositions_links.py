"""Links between the coverage corpus's gold propositions: the pair classifier scored on news, without extraction.

    .venv/bin/python bench/propositions_links.py [--data DIR] [--events NAMES] [--errors N]

Every pair of gold propositions of one event (bench/data/coverage/<event>.yaml), and every pair of two events'
propositions, goes through `claims.linking.relate_pairs`, the classifier as production ships it, in one batch.
A judgement of contradicts or corroborates (duplicates counts as corroborates) is a suggested link; it is right
when the pair is a gold link of that relation, and wrong otherwise, since only the listed pairs count as gold
links (as in `bench/coverage.py`). It needs no database: the classifier runs uncalibrated. The last line is
`gold_props_links_recall=0.xx gold_props_links_precision=0.xx contradicts_f1=0.xx corroborates_f1=0.xx`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, product
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common
from bench.coverage import RELATIONS, SCORED_AS, Event, corpus_arguments, corpus_events

if TYPE_CHECKING:
    from claims.linking import Judgement


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    gold: str
    """The gold relation, "unrelated" for a listed look-alike, "" for a pair the corpus does not list."""
    across: bool
    """The propositions belong to two events."""


@dataclass
class Counts:
    gold: int = 0
    found: int = 0
    suggested: int = 0
    right: int = 0

    @property
    def recall(self) -> float:
        return self.found / (self.gold or 1)

    @property
    def precision(self) -> float:
        return self.right / (self.suggested or 1)

    @property
    def f1(self) -> float:
        return common.f1(self.precision, self.recall)


@dataclass
class Score:
    relations: dict[str, Counts] = field(default_factory=lambda: {relation: Counts() for relation in RELATIONS})
    lookalikes: int = 0
    lookalikes_linked: int = 0
    across: int = 0
    across_linked: int = 0
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        counts = Counts()
        for each in self.relations.values():
            counts.gold += each.gold
            counts.found += each.found
            counts.suggested += each.suggested
            counts.right += each.right
        return counts


def pairs_of(events: Sequence[Event]) -> list[Pair]:
    """Each pair of propositions within an event, with its gold relation, then each pair across two events."""
    pairs: list[Pair] = []
    for event in events:
        gold = {frozenset((link.a, link.b)): link.relation for link in event.links}
        gold.update({frozenset((link.a, link.b)): "unrelated" for link in event.unrelated})
        pairs.extend(Pair(a, b, gold.get(frozenset((a, b)), ""), False) for a, b in combinations(event.propositions, 2))
    for first, second in combinations(events, 2):
        pairs.extend(Pair(a, b, "", True) for a, b in product(first.propositions, second.propositions))
    return pairs


def pairs_score(pairs: Sequence[Pair], judgements: Sequence[Judgement], texts: dict[str, str]) -> Score:
    score = Score()
    for pair, judgement in zip(pairs, judgements, strict=True):
        suggested = SCORED_AS.get(judgement.relation, "")
        said = f"{texts[pair.a]!r} / {texts[pair.b]!r}"
        if pair.gold in score.relations:
            score.relations[pair.gold].gold += 1
            if suggested == pair.gold:
                score.relations[pair.gold].found += 1
            else:
                score.misses.append(f"{pair.gold}, judged {judgement.relation} ({judgement.rationale}): {said}")
        if pair.gold == "unrelated":
            score.lookalikes += 1
            score.lookalikes_linked += bool(suggested)
        if pair.across:
            score.across += 1
            score.across_linked += bool(suggested)
        if suggested:
            score.relations[suggested].suggested += 1
            if suggested == pair.gold:
                score.relations[suggested].right += 1
            else:
                gold = "across events" if pair.across else pair.gold or "not a gold link"
                score.false.append(f"{suggested} {judgement.score:.2f} ({judgement.rationale}), gold {gold}: {said}")
    return score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    corpus_arguments(parser)
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print N misses and N false links")
    args = parser.parse_args(argv)
    events = corpus_events(parser, args)
    common.pin_to_one_core()
    common.setup_django()
    from claims.linking import relate_pairs

    texts = {key: text for event in events for key, text in event.propositions.items()}
    pairs = pairs_of(events)
    relate_pairs([("The mayor said the bridge had reopened.", "The bridge reopened on Monday.")])  # model loading
    started = time.perf_counter()
    judgements = relate_pairs([(texts[pair.a], texts[pair.b]) for pair in pairs])
    seconds = time.perf_counter() - started
    score = pairs_score(pairs, judgements, texts)

    print(
        f"{len(events)} events, {len(texts)} gold propositions, {len(pairs)} pairs "
        f"({score.across} across events), {score.total.gold} gold links"
    )
    for relation, counts in score.relations.items():
        print(
            f"{relation:<13} R {counts.found}/{counts.gold} ({counts.recall:.2f})"
            f"  P {counts.right}/{counts.suggested} ({counts.precision:.2f})  F1 {counts.f1:.2f}"
        )
    total = score.total
    print(
        f"{'all':<13} R {total.found}/{total.gold} ({total.recall:.2f})"
        f"  P {total.right}/{total.suggested} ({total.precision:.2f})  F1 {total.f1:.2f}"
    )
    print(
        f"look-alike pairs linked {score.lookalikes_linked}/{score.lookalikes}, "
        f"pairs across events linked {score.across_linked}/{score.across}"
    )
    if args.errors > 0:
        for label, items in (("missed", score.misses), ("false", score.false)):
            print(f"\nlinks, {label} ({len(items)}; the first {min(args.errors, len(items))}):")
            for item in items[: args.errors]:
                print(f"  {item}")
    print(f"\n{len(pairs) / seconds:.0f} pairs/s; {common.machine()}, {common.cores_used()} core")
    print(
        f"gold_props_links_recall={total.recall:.2f} gold_props_links_precision={total.precision:.2f} "
        f"contradicts_f1={score.relations['contradicts'].f1:.2f} "
        f"corroborates_f1={score.relations['corroborates'].f1:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
