"""Pairs of claims judged as contradicting, corroborating, duplicating or unrelated, with a checkable reason.

The classifiers read two texts and nothing else, so these tests need no database, except where they ask
`classifier()` for this deployment's classifier, which looks up its calibration (tests/claims/test_calibration.py).
"""

import itertools
import json
import socket
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from claims.linking import (
    FEATURE_NAMES,
    NLI_FEATURE_NAMES,
    RELATIONS,
    FeatureClassifier,
    Judgement,
    LinkingBackendUnavailable,
    classifier,
    relate_pairs,
)

SEED = settings.BASE_DIR / "fixtures" / "el-junquito" / "seed.yaml"
OPENED_FIRE = "Oscar Pérez opened fire on police at El Junquito."
FORCES_FIRED = "Security forces fired rocket-propelled grenades at Oscar Pérez's group in El Junquito."
CIA_TIES = "Oscar Pérez has ties to the United States, specifically the CIA."
NO_LINKS = "Oscar Pérez has no confirmed links with any international or domestic group."


def judge(first: str, second: str) -> Judgement:
    [judgement] = relate_pairs([(first, second)])
    return judgement


@pytest.mark.parametrize(
    ("first", "second", "relation", "rationale"),
    [
        (
            "The minister resigned on Friday.",
            "The minister did not resign.",
            "contradicts",
            "negation: 'did not resign' vs 'resigned'",
        ),
        (
            "Police said two people were hurt.",
            "Police said nobody was hurt.",
            "contradicts",
            "negation: 'nobody was hurt' vs 'were hurt'",
        ),
        (
            "Pérez has ties to the CIA.",
            "Pérez denied having ties to the CIA.",
            "contradicts",
            "negation: 'denied having ties' vs 'ties to the CIA'",
        ),
        (
            "Two officers were killed in the raid.",
            "Three officers were killed in the raid.",
            "contradicts",
            "numbers differ: Two officers vs Three",
        ),
        ("Unemployment rose to 5% last year.", "Unemployment rose to 7% last year.", "contradicts", "5% vs 7%"),
        ("Unemployment rose in March.", "Unemployment fell in March.", "contradicts", "antonyms: rose vs fell"),
        ("The jury found him guilty.", "The jury found him innocent.", "contradicts", "antonyms: guilty vs innocent"),
        (
            "The journalist was arrested on Monday.",
            "The journalist was released on Monday.",
            "contradicts",
            "antonyms: arrested vs released",
        ),
        ("The report is true.", "The report is false.", "contradicts", "antonyms: true vs false"),
        (
            "Pérez opened fire on police.",
            "Police opened fire on Pérez.",
            "contradicts",
            "roles swapped: who opened fire on whom",
        ),
        ("The protest took place on Monday.", "The protest took place on Tuesday.", "contradicts", "Monday vs Tuesday"),
        (
            "Rebels attacked the base on 12 March 2019.",
            "Rebels attacked the base on 14 March 2019.",
            "contradicts",
            "dates differ: 12 March vs 14 March",
        ),
        (
            "The council approved the bridge budget.",
            "the council approved the Bridge budget",
            "duplicates",
            "same wording",
        ),
        ("Oscar Pérez stole a helicopter.", "Oscar Perez stole a helicopter!", "duplicates", "same wording"),
        (
            "Police arrested two men in Caracas on Monday.",
            "Two men were arrested by police in Caracas on Monday after the protest.",
            "corroborates",
            "shared words: Police, arrested, men, Caracas",
        ),
        ("The council approved the bridge budget.", "Heavy rain flooded the stadium on Sunday.", "unrelated", ""),
        ("Oscar Pérez is a terrorist.", NO_LINKS, "unrelated", ""),
        (
            "The minister resigned on Friday.",
            "A government official resigned on Friday.",
            "corroborates",
            "shared words: resigned",
        ),
        (
            "The bombing of the market killed five people.",
            "Five people were killed when the market was bombed.",
            "corroborates",
            "shared words: market, killed, people",
        ),
        (
            "The helicopter landed near the ministry.",
            "The aircraft landed near the ministry.",
            "corroborates",
            "shared words: landed, ministry",
        ),
        ("Protesters blocked the highway in Caracas.", "Protesters blocked the bridge in Caracas.", "unrelated", ""),
        ("There is no evidence that the vote was rigged.", "The vote was rigged.", "unrelated", ""),
        ("The president praised the mayor.", "The mayor praised the president.", "unrelated", ""),
        (
            "Nobody was injured in the blast at the refinery.",
            "Two workers were injured in the blast.",
            "unrelated",
            "",
        ),
        (
            "Two workers were injured in the blast at the refinery.",
            "Nobody was injured in the blast.",
            "contradicts",
            "negation: 'Nobody was injured' vs 'were injured'",
        ),
        ("A man was arrested at the border.", "A woman was arrested at the border.", "unrelated", ""),
        ("The suspect is a man.", "The suspect is a woman.", "contradicts", "incompatible: man vs woman"),
        ("The raid took place at night.", "The raid took place in the morning.", "contradicts", "night vs morning"),
        (
            "Andina Mining laid off 3,000 workers in Valparaíso.",
            "Andina Mining laid off 400 workers in Valparaíso.",
            "contradicts",
            "numbers differ: 3,000 workers vs 400",
        ),
        (
            "Oscar Pérez opened fire on the police in El Junquito.",
            "Diosdado Cabello opened fire on the police in El Junquito.",
            "contradicts",
            "different subjects: 'Oscar Pérez' vs 'Diosdado Cabello'",
        ),
    ],
    ids=[
        "negated-verb",
        "nobody",
        "denied",
        "numbers",
        "percentages",
        "antonyms",
        "verdicts",
        "arrested-released",
        "true-false",
        "roles-swapped",
        "weekdays",
        "dates",
        "same-wording",
        "same-wording-accents",
        "corroborates",
        "different-topics",
        "same-person-other-topic",
        "broader-word",
        "same-stem",
        "narrower-word",
        "one-word-replaced",
        "negation-of-something-else",
        "mutual-predicate-exchanged",
        "denies-more-than-said",
        "denies-what-is-said",
        "two-arrests",
        "one-suspect",
        "time-of-day",
        "number-on-the-same-fact",
        "another-doer-of-the-same-act",
    ],
)
def test_a_pair_is_judged_with_a_reason_to_check(first: str, second: str, relation: str, rationale: str) -> None:
    judgement = judge(first, second)

    assert judgement.relation == relation, judgement
    assert rationale in judgement.rationale


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Unemployment did not rise in March.", "Unemployment fell in March."),  # a negated antonym agrees
        ("At least 30 people died in the fire.", "32 people died in the fire."),  # an estimate is not a count
        ("The mayor is not guilty.", "The mayor is not guilty of fraud."),  # both negate
        ("Cabello and Maduro met in Caracas.", "Maduro and Cabello met in Caracas."),  # a symmetric predicate
        ("Soldiers and rebels fought each other.", "Rebels fought soldiers."),
        # Another number, date or doer on another fact: the claims also differ in what is priced, built or where.
        ("Petrosur raised the price of rice by 35 percent in May.", "Petrosur raised the price of fuel by 31 percent."),
        ("The budget for a new metro line in Caracas is $7.7 billion.", "The budget for a new hospital is $2 billion."),
        ("Andina Mining laid off 3,000 workers in Valparaíso.", "Lakeview Foods laid off 400 workers in Guadalajara."),
    ],
)
def test_no_contradiction_is_made_up(first: str, second: str) -> None:
    assert judge(first, second).relation != "contradicts"


def test_the_two_contradictions_of_the_seed_story_are_found_with_their_reasons() -> None:
    fire, ties = relate_pairs([(OPENED_FIRE, FORCES_FIRED), (CIA_TIES, NO_LINKS)])

    assert fire.relation == "contradicts"
    assert fire.rationale.startswith("roles swapped: who fired at whom")
    assert "'Oscar Pérez' → 'police'" in fire.rationale
    assert "'Security forces' → 'Oscar Pérez's group'" in fire.rationale
    assert ties.relation == "contradicts"
    assert ties.rationale == "negation: 'no confirmed links' vs 'ties to the United States'"
    assert min(fire.score, ties.score) > 0.9


def test_among_all_seed_claims_only_the_two_contradictions_are_flagged() -> None:
    claims = [claim["text"] for claim in yaml.safe_load(SEED.read_text(encoding="utf-8"))["claims"]]
    pairs = list(itertools.combinations(claims, 2))

    judgements = relate_pairs(pairs)

    flagged = {
        frozenset(pair)
        for pair, judgement in zip(pairs, judgements, strict=True)
        if judgement.relation in {"contradicts", "duplicates"} and judgement.score >= 0.5
    }
    assert flagged == {frozenset((OPENED_FIRE, FORCES_FIRED)), frozenset((CIA_TIES, NO_LINKS))}


@pytest.mark.django_db
def test_judgements_follow_the_interface() -> None:
    pairs = [(CIA_TIES, NO_LINKS), (NO_LINKS, NO_LINKS), (CIA_TIES, NO_LINKS), ("", "Police fired.")]

    judgements = classifier().judge_many(pairs)

    assert [judgement.relation for judgement in judgements] == ["contradicts", "duplicates", "contradicts", "unrelated"]
    for judgement in judgements:
        assert judgement.relation in RELATIONS
        assert 0 < judgement.score <= 1
        assert judgement.rationale
        assert list(judgement.features) == list(FEATURE_NAMES)
        assert all(isinstance(value, float) for value in judgement.features.values())
    assert judgements[0] == judgements[2]
    assert relate_pairs([]) == []


@pytest.mark.django_db
def test_the_backend_comes_from_the_setting_and_is_versioned(settings: Settings) -> None:
    detector = classifier()
    assert (detector.name, detector.version) == ("features", "features-4")
    assert isinstance(detector, FeatureClassifier)

    settings.ATTEST_LINK_BACKEND = "nli"
    settings.ATTEST_NLI_MODEL = ""
    with pytest.raises(LinkingBackendUnavailable, match="set ATTEST_NLI_MODEL to a local model directory"):
        classifier()
    assert classifier("features").name == "features"
    with pytest.raises(LinkingBackendUnavailable, match="Unknown linking backend “magic”"):
        classifier("magic")


# ---------------------------------------------------------------------------------------------- manage.py relate


def relate(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("relate", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_relate_prints_one_judgement_a_line_in_input_order(tmp_path: Path) -> None:
    table = tmp_path / "pairs.tsv"
    table.write_text(
        "pair_ID\tsentence_A\tsentence_B\tentailment_label\n"
        f"1\t{CIA_TIES}\t{NO_LINKS}\tCONTRADICTION\n"
        "2\tThe council approved the budget.\tThe council approved the budget.\tENTAILMENT\n"
        "\n"
        "3\tThe council approved the budget.\tHeavy rain flooded the stadium.\tNEUTRAL\n"
        f"4\t{OPENED_FIRE}\t{FORCES_FIRED}\tCONTRADICTION\n",
        encoding="utf-8",
    )

    lines = relate(str(table))

    assert [line["relation"] for line in lines] == ["contradicts", "duplicates", "unrelated", "contradicts"]
    assert lines[0]["rationale"] == "negation: 'no confirmed links' vs 'ties to the United States'"
    assert "Pérez" in lines[3]["rationale"]  # JSON keeps accents as they are
    for line in lines:
        assert set(line) == {"relation", "score", "rationale"}
        assert 0 < line["score"] <= 1
        assert line["score"] == round(line["score"], 3)
    assert relate(str(table), "--backend", "features") == lines


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty; expected a tab-separated header naming sentence_A, sentence_B"),
        (b"sentence_A\tsentence_C\nA man sings.\tA man sings.\n", "the header has no sentence_B column"),
        (b"sentence_A,sentence_B\nA man sings.,A man sings.\n", "the header has no sentence_A or sentence_B column"),
        (b"sentence_A\tsentence_B\nA man sings.\n", "line 2 has 1 columns where the header has 2"),
        (
            "sentence_A\tsentence_B\nCaf\u00e9 owner\tcafe\n".encode("latin-1"),
            "is not UTF-8 text (byte 25 cannot be read)",
        ),
    ],
    ids=["empty", "missing-column", "commas", "short-row", "latin-1"],
)
def test_relate_refuses_a_bad_table_with_the_reason(tmp_path: Path, content: bytes, message: str) -> None:
    table = tmp_path / "pairs.tsv"
    table.write_bytes(content)

    with pytest.raises(CommandError) as refused:
        relate(str(table))

    assert str(table) in str(refused.value)
    assert message in str(refused.value)


def test_relate_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.tsv: No such file or directory"):
        relate(str(tmp_path / "nowhere.tsv"))


def test_relate_with_an_unavailable_backend_says_what_to_install(tmp_path: Path, settings: Settings) -> None:
    settings.ATTEST_NLI_MODEL = ""
    table = tmp_path / "pairs.tsv"
    table.write_text("sentence_A\tsentence_B\nA man sings.\tA man sings.\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"install torch==2\.13\.0 and transformers"):
        relate(str(table), "--backend", "nli")


# ---------------------------------------------------------------------------------------------- the NLI backend


def test_without_transformers_the_nli_backend_says_what_to_install(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # as if it were not installed
    settings.ATTEST_NLI_MODEL = str(tmp_path)

    with pytest.raises(LinkingBackendUnavailable) as refused:
        classifier("nli")

    assert "install torch==2.13.0 and transformers, and set ATTEST_NLI_MODEL to a local model directory" in str(
        refused.value
    )


LABELS = {0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}
VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "'", "s", "oscar", "perez", "police", "opened"]
VOCABULARY += ["fire", "on", "at", "security", "forces", "fired", "has", "no", "ties", "links", "to", "the", "cia"]


def build_tiny_nli_model(directory: Path, labels: dict[int, str] = LABELS) -> Path:
    """A randomly initialised one-layer BERT with NLI labels, as `save_pretrained` writes any model."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    directory.mkdir()
    vocabulary = directory / "vocab.txt"
    vocabulary.write_text("\n".join(VOCABULARY) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(vocab_file=str(vocabulary))
    config = transformers.BertConfig(
        vocab_size=len(VOCABULARY),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        id2label=labels,
        label2id={label: index for index, label in labels.items()},
    )
    torch.manual_seed(0)
    transformers.BertForSequenceClassification(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the NLI loader tried to connect to {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.mark.usefixtures("no_network")
def test_the_nli_backend_loads_a_local_model_offline(tmp_path: Path, settings: Settings) -> None:
    settings.ATTEST_NLI_MODEL = str(build_tiny_nli_model(tmp_path / "tiny-nli"))

    detector = classifier("nli")
    judgements = detector.judge_many([(OPENED_FIRE, FORCES_FIRED), (CIA_TIES, NO_LINKS), (CIA_TIES, CIA_TIES)])

    assert detector.name == "nli"
    assert detector.version.startswith("nli-tiny-nli-")
    assert len(judgements) == 3
    for judgement in judgements:
        assert judgement.relation in RELATIONS
        assert 0 <= judgement.score <= 1
        assert judgement.rationale.startswith("NLI model: contradiction ")
        assert list(judgement.features) == list(NLI_FEATURE_NAMES)
        assert all(0 <= value <= 1 for value in judgement.features.values())
    # The same pair either way round is judged the same: a link has no direction.
    [forward, backward] = detector.judge_many([(OPENED_FIRE, FORCES_FIRED), (FORCES_FIRED, OPENED_FIRE)])
    assert forward.relation == backward.relation
    assert forward.score == pytest.approx(backward.score, abs=1e-5)


def test_the_nli_backend_refuses_a_folder_without_a_model(tmp_path: Path, settings: Settings) -> None:
    pytest.importorskip("transformers")
    settings.ATTEST_NLI_MODEL = str(tmp_path)

    with pytest.raises(LinkingBackendUnavailable, match=r"is not a model directory \(it has no config.json\)"):
        classifier("nli")


def test_the_nli_backend_refuses_a_model_that_is_not_nli(tmp_path: Path, settings: Settings) -> None:
    settings.ATTEST_NLI_MODEL = str(build_tiny_nli_model(tmp_path / "sentiment", {0: "NEGATIVE", 1: "POSITIVE"}))

    with pytest.raises(LinkingBackendUnavailable, match="do not name entailment, contradiction and neutral"):
        classifier("nli")
