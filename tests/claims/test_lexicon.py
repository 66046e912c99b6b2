"""The English lexicon from Open English WordNet: the shipped file, its lookups and the command that builds it."""

import zipfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import spacy
from django.conf import settings
from django.core.management import CommandError, call_command

import claims.lexicon
from claims.lexicon import (
    ActMatch,
    antonyms,
    broader,
    causes,
    derivations,
    is_broader,
    lexicon_source,
    opposites,
    same_act,
    same_sense,
    synonyms,
)

# -- the shipped file


def test_shipped_lexicon_names_its_source() -> None:
    source = lexicon_source()

    assert source["name"] == "Open English WordNet"
    assert source["licence"] == "CC BY 4.0"
    assert len(source["commit"]) == 40


@pytest.mark.parametrize(
    ("first", "second"),
    [("open fire", "fire"), ("shoot", "fire"), ("shoot", "open fire"), ("fire", "shoot")],
)
def test_shooting_and_opening_fire_are_one_act(first: str, second: str) -> None:
    assert same_act(first, second) is not None


def test_an_act_says_how_the_verbs_meet() -> None:
    assert same_act("open fire", "fire") == ActMatch("same sense", "open fire", "fire", "start firing a weapon")
    assert str(same_act("slay", "kill")) == "to slay is a way to kill (kill intentionally and with premeditation)"


@pytest.mark.parametrize(
    ("first", "second"), [("kill", "slay"), ("arrest", "detain"), ("detain", "apprehend"), ("injure", "wound")]
)
def test_news_verbs_for_one_act(first: str, second: str) -> None:
    assert same_act(first, second) is not None


@pytest.mark.parametrize(("first", "second"), [("shoot", "photograph"), ("kill", "pop"), ("fire", "sack")])
def test_a_rare_sense_does_not_make_one_act(first: str, second: str) -> None:
    assert same_act(first, second) is None


def test_a_rare_sense_counts_when_asked_for() -> None:
    assert same_act("surrender", "give up") is None
    assert same_act("surrender", "give up", senses=9) == ActMatch(
        "same sense",
        "surrender",
        "give up",
        "give up or agree to forgo to the power or possession of another",
    )


def test_lookups_take_lemmas() -> None:
    assert same_act("killed", "slay") is None
    nlp = spacy.load(settings.ATTEST_SPACY_MODEL, exclude=["ner"])
    killed = next(token for token in nlp("Two police officers were killed.") if token.text == "killed")

    assert same_act(killed.lemma_, "slay") is not None


def test_dead_and_alive_are_opposites() -> None:
    assert "alive" in antonyms("dead", "a")
    assert opposites("dead", "alive", "a")
    assert opposites("alive", "dead", "a")
    assert opposites("deceased", "alive", "a")
    assert not opposites("dead", "deceased", "a")
    assert not same_sense("dead", "alive", "a")


def test_synonyms_keep_multiword_members() -> None:
    assert "open fire" in synonyms("fire", "v")
    assert {"apprehend", "pick up"} <= synonyms("Arrest", "v")
    assert "fire" not in synonyms("fire", "v")


def test_derivations_tie_verbs_to_their_nouns() -> None:
    assert ("arrest", "n") in derivations("arrest", "v")
    assert {("killing", "n"), ("killer", "n")} <= derivations("kill")
    assert {("shooting", "n"), ("shooter", "n")} <= derivations("shoot", "v")
    assert ("shoot", "v") in derivations("shooting", "n")


def test_broader_words() -> None:
    assert is_broader("person", "woman", "n")
    assert not is_broader("woman", "person", "n")
    assert is_broader("kill", "slay", "v", depth=1)
    assert "kill" in broader("murder", "v", depth=1)


def test_killing_causes_death() -> None:
    assert "die" in causes("kill")


# -- building it


SYNSETS = """\
01137207-v:
  definition:
  - fire a shot
  hypernym:
  - 01136251-v
  members:
  - blast
  - shoot
  partOfSpeech: v
01136251-v:
  definition:
  - cause to go off
  members:
  - fire
  - discharge
  partOfSpeech: v
01138209-v:
  definition:
  - start firing a weapon
  hypernym:
  - 01137207-v
  members:
  - open fire
  - fire
  partOfSpeech: v
"""

ADJECTIVES = """\
00095301-a:
  definition:
  - possessing life
  members:
  - alive
  - live
  partOfSpeech: a
  similar:
  - 00095800-s
00095800-s:
  definition:
  - having life
  members:
  - living
  partOfSpeech: s
  similar:
  - 00095301-a
00096133-a:
  definition:
  - no longer having life
  members:
  - dead
  partOfSpeech: a
  similar:
  - 00096726-s
00096726-s:
  definition:
  - dead
  members:
  - Deceased
  partOfSpeech: s
  similar:
  - 00096133-a
"""

NOUNS = """\
00123481-n:
  definition:
  - the act of firing a projectile
  members:
  - shooting
  partOfSpeech: n
"""

ENTRIES = """\
alive:
  a:
    sense:
    - antonym:
      - 'dead%3:00:01::'
      id: 'alive%3:00:01::'
      synset: 00095301-a
blast:
  v:
    sense:
    - id: 'blast%2:33:00::'
      synset: 01137207-v
dead:
  a:
    sense:
    - antonym:
      - 'alive%3:00:01::'
      id: 'dead%3:00:01::'
      synset: 00096133-a
Deceased:
  a:
    sense:
    - id: 'deceased%5:00:00:dead:00'
      synset: 00096726-s
discharge:
  v:
    sense:
    - id: 'discharge%2:33:00::'
      synset: 01136251-v
fire:
  v:
    sense:
    - id: 'fire%2:33:01::'
      synset: 01138209-v
    - id: 'fire%2:33:00::'
      synset: 01136251-v
live:
  a:
    sense:
    - id: 'live%3:00:01::'
      synset: 00095301-a
living:
  a:
    sense:
    - id: 'living%5:00:00:alive:00'
      synset: 00095800-s
open fire:
  v:
    sense:
    - id: 'open_fire%2:33:00::'
      synset: 01138209-v
shoot:
  v:
    sense:
    - agent:
      - 'shooter%1:18:00::'
      derivation:
      - 'shooting%1:04:00::'
      id: 'shoot%2:33:00::'
      synset: 01137207-v
shooting:
  n:
    sense:
    - derivation:
      - 'shoot%2:33:00::'
      id: 'shooting%1:04:00::'
      synset: 00123481-n
"""


@pytest.fixture
def oewn(tmp_path: Path) -> Path:
    """A folder shaped like an OEWN checkout, with a few synsets and entries."""
    folder = tmp_path / "oewn"
    yaml_folder = folder / "src" / "yaml"
    yaml_folder.mkdir(parents=True)
    (yaml_folder / "verb.contact.yaml").write_text(SYNSETS, encoding="utf-8")
    (yaml_folder / "adj.all.yaml").write_text(ADJECTIVES, encoding="utf-8")
    (yaml_folder / "noun.act.yaml").write_text(NOUNS, encoding="utf-8")
    (yaml_folder / "entries-a.yaml").write_text(ENTRIES, encoding="utf-8")
    (yaml_folder / "frames.yaml").write_text("vtaa: Somebody ----s somebody\n", encoding="utf-8")
    (folder / "SOURCE_COMMIT").write_text("0123456789abcdef0123456789abcdef01234567 Wed Aug 19 2026\n")
    return folder


@pytest.fixture
def read_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point the lookups at another lexicon file for the test."""

    def use(path: Path) -> None:
        monkeypatch.setattr(claims.lexicon, "LEXICON_FILE", path)
        claims.lexicon._lexicon.cache_clear()

    yield use
    claims.lexicon._lexicon.cache_clear()


def build(oewn: Path, output: Path) -> str:
    out = StringIO()
    call_command("build_lexicon", "--oewn", str(oewn), "--output", str(output), stdout=out)
    return out.getvalue()


def test_build_reads_the_yaml_into_the_lookups(oewn: Path, tmp_path: Path, read_from) -> None:
    output = tmp_path / "lexicon.zip"

    report = build(oewn, output)
    read_from(output)

    assert "8 synsets" in report
    assert lexicon_source()["commit"] == "0123456789abcdef0123456789abcdef01234567"
    assert same_act("open fire", "fire") == ActMatch("same sense", "open fire", "fire", "start firing a weapon")
    assert same_act("shoot", "open fire") == ActMatch("a way to", "open fire", "shoot", "start firing a weapon")
    assert synonyms("shoot", "v") == {"blast"}
    assert synonyms("fire", "v", senses=1) == {"open fire"}
    assert antonyms("dead", "a") == {"alive"}
    assert opposites("deceased", "living", "a")
    assert derivations("shoot") == {("shooting", "n")}
    assert derivations("shooting") == {("shoot", "v")}
    assert is_broader("fire", "shoot", "v", depth=1)
    assert not is_broader("fire", "open fire", "v", depth=1, senses=1)


def test_build_gives_the_same_bytes_each_time(oewn: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"

    build(oewn, first)
    build(oewn, second)

    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.read("words.txt").decode().split("\n") == [
            "alive", "blast", "dead", "deceased", "discharge", "fire", "live", "living", "open fire", "shoot",
            "shooting", "",
        ]  # fmt: skip


def test_build_without_oewn_says_where_it_looked(tmp_path: Path) -> None:
    output = tmp_path / "lexicon.zip"

    with pytest.raises(CommandError) as refused:
        build(tmp_path / "nowhere", output)

    assert str(refused.value) == (
        f"No Open English WordNet at {tmp_path / 'nowhere'}: expected its YAML sources in "
        f"{tmp_path / 'nowhere' / 'src' / 'yaml'} (noun.*.yaml, verb.*.yaml, adj.*.yaml, adv.*.yaml and "
        "entries-*.yaml)."
    )
    assert not output.exists()


def test_build_names_the_file_it_cannot_read(oewn: Path, tmp_path: Path) -> None:
    broken = oewn / "src" / "yaml" / "verb.motion.yaml"
    broken.write_text("01234567-v: [unclosed\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"Cannot read .*verb\.motion\.yaml"):
        build(oewn, tmp_path / "lexicon.zip")
