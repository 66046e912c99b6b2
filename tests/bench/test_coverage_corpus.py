"""The coverage corpus can be scored, its checker catches what would make a score wrong, and the scoring rules
credit what they say they credit (bench/README.md, coverage.py)."""

from pathlib import Path

import pytest

from bench.coverage import (
    DATA,
    GoldLink,
    GoldStatement,
    GoldStory,
    SystemLink,
    SystemStatement,
    Tally,
    corpus_problems,
    event_read,
    links_score,
    story_score,
)

CORPUS = sorted(DATA.glob("*.yaml"))
GOOD = """
event: small
title: A small event
stories:
  - id: one
    outlet: The Wire
    title: Police arrest five
    published: 2026-01-01
    text: |
      Police said they had arrested five men at the farm. The farm is large.
    statements:
      - {speaker: police, quote: they had arrested five men at the farm, stance: asserts, propositions: [five]}
    background: [The farm is large]
propositions:
  - {id: five, text: Police arrested five men at the farm.}
  - {id: six, text: Police arrested six men at the farm.}
links:
  - {a: five, b: six, relation: contradicts, why: five or six}
"""


def test_the_corpus_has_three_events_of_four_stories_and_forty_links_with_no_problems() -> None:
    assert len(CORPUS) >= 3
    for path in CORPUS:
        assert corpus_problems(path) == []
    events = [event_read(path) for path in CORPUS]
    assert all(len({story.outlet for story in event.stories}) >= 4 for event in events)
    links = [link for event in events for link in event.links]
    assert len(links) >= 40
    assert {"contradicts", "corroborates"} == {link.relation for link in links}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("they had arrested five men at the farm, stance", "they arrested five men at the farm, stance"), "occurs 0"),
        (("propositions: [five]", "propositions: [seven]"), "proposition 'seven' does not exist"),
        (("{a: five, b: six", "{a: five, b: eight"), "proposition 'eight' does not exist"),
        (("stance: asserts", "stance: claims"), "stance must be one of"),
        (("background: [The farm is large]", "background: [The farm is huge]"), "background 'The farm is huge'"),
    ],
)
def test_the_checker_names_what_is_wrong(tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert corpus_problems(good) == ["good.yaml: proposition six: no statement makes it"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace(*change), encoding="utf-8")
    assert any(problem in message for message in corpus_problems(bad)), corpus_problems(bad)


def _statement(pk: int, span: tuple[int, int], speaker: str, stance: str, claim: int, text: str) -> SystemStatement:
    return SystemStatement(pk, span, "", speaker, frozenset({speaker.lower()}), stance, claim, text)


def test_a_denial_joined_onto_the_claim_it_denies_finds_the_contradiction() -> None:
    text = "Police said five men were arrested. Her son was never arrested, his mother said."
    gold = GoldStory(
        "one",
        "The Wire",
        "Arrests",
        None,  # type: ignore[arg-type]
        text,
        (
            GoldStatement("police", "five men were arrested", "asserts", ("five",), (12, 34)),
            GoldStatement("mother", "Her son was never arrested", "denies", ("son",), (36, 62)),
        ),
        (),
    )
    propositions = {"five": "Police arrested five men.", "son": "Police arrested her son."}
    link = GoldLink("five", "son", "contradicts", "he was not among them")
    joined, apart = Tally(), Tally()
    for tally, claims in ((joined, (1, 1)), (apart, (1, 2))):
        mapped: dict[tuple[int, str], set[str]] = {}
        recorded = [
            _statement(1, (12, 34), "police", "asserts", claims[0], "Police arrested five men and her son."),
            _statement(2, (36, 62), "mother", "denies", claims[1], "Police arrested five men and her son."),
        ]
        story_score(gold, recorded, propositions, tally, mapped)
        links_score([link], [], [], mapped, propositions, {}, tally)
    assert (joined.statements_speaker, joined.links_found) == (1.0, 1)
    assert apart.links_found == 0  # two claims of the same words, and no link between them


def test_a_link_to_a_claim_that_states_no_gold_proposition_is_false() -> None:
    tally = Tally()
    mapped = {(1, "five"): {"asserts"}, (2, "six"): {"asserts"}}
    propositions = {"five": "Five.", "six": "Six."}
    gold = [GoldLink("five", "six", "contradicts", "five or six")]
    system = [SystemLink(1, 2, "contradicts", 0.9), SystemLink(1, 3, "contradicts", 0.8)]
    links_score(gold, [], system, mapped, propositions, {}, tally)
    assert (tally.links_recall, tally.links_precision) == (1.0, 0.5)
