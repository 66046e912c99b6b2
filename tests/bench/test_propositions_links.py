"""The proposition-pair bench pairs the corpus's gold propositions as it says and credits only gold links
(bench/README.md, propositions_links.py)."""

import yaml

from bench.coverage import DATA, event_read, keyed
from bench.propositions_links import Pair, pairs_of, pairs_score
from claims.linking import Judgement


def judged(relation: str) -> Judgement:
    return Judgement(relation, 0.9, f"{relation}: because", {})  # type: ignore[arg-type]


def test_every_pair_of_an_event_and_across_events_is_judged_once() -> None:
    events = [keyed(event_read(path)) for path in sorted(DATA.glob("*.yaml"))]
    sizes = [len(event.propositions) for event in events]

    pairs = pairs_of(events)

    within = sum(size * (size - 1) // 2 for size in sizes)
    across = sum(first * second for i, first in enumerate(sizes) for second in sizes[i + 1 :])
    assert len(pairs) == within + across
    assert len({frozenset((pair.a, pair.b)) for pair in pairs}) == len(pairs)
    assert sum(pair.gold in {"contradicts", "corroborates"} for pair in pairs) == sum(
        len(event.links) for event in events
    )
    assert all(pair.gold == "" for pair in pairs if pair.across)


def test_only_a_gold_link_of_the_same_relation_is_right_and_duplicates_count_as_corroborating() -> None:
    texts = {key: key for key in "abcdef"}
    pairs = [
        Pair("a", "b", "contradicts", False),
        Pair("c", "d", "corroborates", False),
        Pair("a", "c", "", False),
        Pair("e", "f", "unrelated", False),
        Pair("a", "f", "", True),
    ]
    judgements = [judged("corroborates"), judged("duplicates"), judged("contradicts"), judged("corroborates")]

    score = pairs_score(pairs, [*judgements, judged("unrelated")], texts)

    contradicts, corroborates = score.relations["contradicts"], score.relations["corroborates"]
    assert (contradicts.gold, contradicts.found, contradicts.suggested, contradicts.right) == (1, 0, 1, 0)
    assert (corroborates.gold, corroborates.found, corroborates.suggested, corroborates.right) == (1, 1, 3, 1)
    assert (score.lookalikes, score.lookalikes_linked, score.across, score.across_linked) == (1, 1, 1, 0)
    assert score.total.recall == 0.5
    assert len(score.misses) == 1
    assert len(score.false) == 3


def test_a_proposition_with_a_thousands_comma_is_read_whole() -> None:
    for path in sorted(DATA.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for proposition in raw["propositions"]:
            assert proposition["text"].rstrip().endswith((".", "?", "!")), (path.name, proposition)
