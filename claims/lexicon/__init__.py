"""A general English lexicon: senses, synonyms, antonyms, broader words and derivations.

Derived from Open English WordNet (CC BY 4.0; see NOTICE) by `python manage.py build_lexicon`
into `oewn.zip` beside this file, which is read on first use, once per process.

Every function takes lemmas ("kill", not "killed"; "open fire", not "opened fire"), as spaCy's
lemmatizer gives them; case, accents and underscores do not matter. Parts of speech are WordNet's
letters: "n", "v", "a" (adjectives, satellites included) and "r" (adverbs); `POS_OF_UPOS` maps
spaCy's tags to them.

A common word has many senses ("shoot" has twenty, one of them "photograph"), and two words that
share some rare sense are not synonyms in the news. OEWN has no frequency counts, but it keeps
WordNet's order of senses, most frequent first, so every lookup considers only each word's first
`senses` senses (DEFAULT_SENSES unless told otherwise).
"""

from __future__ import annotations

import json
import sys
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from core.text import fold

__all__ = [
    "DEFAULT_SENSES",
    "LEXICON_FILE",
    "POS_OF_UPOS",
    "ActMatch",
    "LexiconUnavailable",
    "Pos",
    "antonyms",
    "broader",
    "causes",
    "derivations",
    "is_broader",
    "lexicon_source",
    "opposites",
    "same_act",
    "same_sense",
    "synonyms",
]

Pos = Literal["n", "v", "a", "r"]

LEXICON_FILE = Path(__file__).with_name("oewn.zip")

# "fire" as in "open fire" is the first sense of "fire"; "shoot" as in "fire a shot" its third.
DEFAULT_SENSES = 3

POS_OF_UPOS: dict[str, Pos] = {"NOUN": "n", "PROPN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}

_WORD_POS: dict[str, Pos] = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}

# Verb senses that OEWN keeps apart but that news copy uses for one act, by OEWN synset id, each with
# what the act is. A report's "detained" is another's "arrested": OEWN files "arrest" under "take into
# custody" (01217701-v, a kind of seizing) and "detain" under "deprive of freedom" (02500687-v), with
# no link between the two.
ADDED_ACTS: tuple[tuple[str, str, str], ...] = (
    ("01217701-v", "02500687-v", "take into custody or deprive of freedom"),
)


class LexiconUnavailable(RuntimeError):
    """The lexicon file is missing or unreadable; `python manage.py build_lexicon` writes it."""


@dataclass(frozen=True)
class ActMatch:
    """Why two verbs can name one act, in words a reviewer can check."""

    how: Literal["same sense", "a way to", "added"]
    first: str
    second: str
    sense: str

    def __str__(self) -> str:
        if self.how == "a way to":
            return f"to {self.first} is a way to {self.second} ({self.sense})"
        return f"{self.first} / {self.second}: {self.sense}"


class _Table:
    """Rows of integers: row i is value[start[i]:start[i + 1]]."""

    __slots__ = ("start", "value")

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.start, self.value = (_integers(archive.read(f"{name}.{part}")) for part in ("start", "value"))

    def __getitem__(self, row: int) -> array[int]:
        return self.value[self.start[row] : self.start[row + 1]]


def _integers(content: bytes) -> array[int]:
    integers = array("i")
    integers.frombytes(content)
    if sys.byteorder == "big":  # stored little-endian
        integers.byteswap()
    return integers


class _Lexicon:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.source: dict[str, str] = json.loads(archive.read("source.json"))
        self.words = archive.read("words.txt").decode("utf-8").split("\n")[:-1]
        self.word_number = dict(zip(self.words, range(len(self.words)), strict=True))
        self.synset_ids = archive.read("synsets.txt").decode("ascii")
        self.pos = archive.read("pos.txt").decode("ascii")
        self.gloss = archive.read("gloss.txt").decode("utf-8").split("\n")
        self.members, self.hypernym, self.similar, self.causes, self.antonym = (
            _Table(archive, name) for name in ("members", "hypernym", "similar", "causes", "antonym")
        )
        self.lemmas = {pos: _Table(archive, f"lemma.{pos}") for pos in _WORD_POS.values()}
        self.links = {
            (name, pos): _Table(archive, f"{name}.{pos}") for name in ("antonym", "derivation") for pos in self.lemmas
        }
        self.added_acts = {
            frozenset({first_number, second_number}): sense
            for first, second, sense in ADDED_ACTS
            if (first_number := self.synset(first)) is not None and (second_number := self.synset(second)) is not None
        }

    def synset(self, synset_id: str) -> int | None:
        """The number of the synset with this OEWN id ("01138209-v"), if the lexicon has it: ids are sorted, each
        on a line of 11 characters."""
        number = bisect_left(range(len(self.pos)), synset_id, key=lambda row: self.synset_ids[row * 11 : row * 11 + 10])
        return number if self.synset_ids[number * 11 : number * 11 + 10] == synset_id else None


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    try:
        with zipfile.ZipFile(LEXICON_FILE) as archive:
            return _Lexicon(archive)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise LexiconUnavailable(
            f"Cannot read the lexicon at {LEXICON_FILE} ({error}); `python manage.py build_lexicon` writes it."
        ) from error


def lexicon_source() -> dict[str, str]:
    """What the shipped lexicon was built from: name, commit and licence of the OEWN release."""
    return dict(_lexicon().source)


def _key(lemma: str) -> str:
    return fold(lemma.replace("_", " "))


def _senses(lemma: str, pos: str, senses: int) -> list[int]:
    lexicon = _lexicon()
    word = lexicon.word_number.get(_key(lemma))
    if word is None or pos not in lexicon.lemmas:
        return []
    return lexicon.lemmas[pos][word][:senses].tolist()


def _sense_links(lemma: str, pos: str, senses: int, name: str) -> Iterator[tuple[str, int]]:
    lexicon = _lexicon()
    word = lexicon.word_number.get(_key(lemma))
    if word is None or pos not in lexicon.lemmas:
        return
    # Senses are numbered in the order of the lemma table's values: this word's first is its row's start.
    first = lexicon.lemmas[pos].start[word]
    count = min(senses, lexicon.lemmas[pos].start[word + 1] - first)
    table = lexicon.links[name, pos]
    for sense in range(first, first + count):
        pairs = table[sense]
        for index in range(0, len(pairs), 2):
            yield lexicon.words[pairs[index]], pairs[index + 1]


def _members(synsets: Iterable[int]) -> set[str]:
    lexicon = _lexicon()
    return {lexicon.words[member] for synset in synsets for member in lexicon.members[synset]}


def same_sense(first: str, second: str, pos: Pos, *, senses: int = DEFAULT_SENSES) -> bool:
    """Whether the two lemmas share a synset among the first `senses` senses of each."""
    return not set(_senses(first, pos, senses)).isdisjoint(_senses(second, pos, senses))


def synonyms(lemma: str, pos: Pos, *, senses: int = DEFAULT_SENSES) -> frozenset[str]:
    """The other members of the lemma's first `senses` synsets: "fire" → "open fire", "discharge", …"""
    return frozenset(_members(_senses(lemma, pos, senses)) - {_key(lemma)})


def antonyms(lemma: str, pos: Pos, *, senses: int = DEFAULT_SENSES) -> frozenset[str]:
    """The direct antonyms of the lemma's first `senses` senses, as OEWN links them: "dead" → "alive", "live"."""
    return frozenset(word for word, _ in _sense_links(lemma, pos, senses, "antonym"))


def _heads(synsets: Iterable[int]) -> set[int]:
    # A satellite adjective ("deceased") has its antonyms through the head it is similar to ("dead").
    lexicon = _lexicon()
    heads: set[int] = set()
    for synset in synsets:
        heads.update(lexicon.similar[synset] if lexicon.pos[synset] == "s" else (synset,))
    return heads


def opposites(first: str, second: str, pos: Pos, *, senses: int = DEFAULT_SENSES) -> bool:
    """Whether the lemmas name opposite senses: antonyms ("dead"/"alive") or, for adjectives, words similar
    to a pair of antonyms ("deceased"/"living")."""
    lexicon = _lexicon()
    ours, theirs = _senses(first, pos, senses), _senses(second, pos, senses)
    if pos == "a":
        ours, theirs = list(_heads(ours)), list(_heads(theirs))
    return any(not set(lexicon.antonym[synset]).isdisjoint(theirs) for synset in ours)


def _hypernyms(synsets: Iterable[int], depth: int) -> set[int]:
    lexicon = _lexicon()
    found: set[int] = set()
    level = set(synsets)
    for _ in range(depth):
        level = {hypernym for synset in level for hypernym in lexicon.hypernym[synset]} - found
        found |= level
    return found


def broader(lemma: str, pos: Pos, *, depth: int = 3, senses: int = DEFAULT_SENSES) -> frozenset[str]:
    """The words of the lemma's hypernyms up to `depth` levels up: "policeman" → "lawman", "defender", …"""
    return frozenset(_members(_hypernyms(_senses(lemma, pos, senses), depth)))


def is_broader(broad: str, narrow: str, pos: Pos, *, depth: int = 3, senses: int = DEFAULT_SENSES) -> bool:
    """Whether a sense of `broad` is a hypernym, up to `depth` levels, of a sense of `narrow`: "person"
    of "woman", "kill" of "slay"."""
    return not _hypernyms(_senses(narrow, pos, senses), depth).isdisjoint(_senses(broad, pos, senses))


def derivations(lemma: str, pos: Pos | None = None, *, senses: int = DEFAULT_SENSES) -> frozenset[tuple[str, Pos]]:
    """The words OEWN derives from or relates by form to the lemma's first `senses` senses, with their parts
    of speech: "shoot" → ("shooter", "n"), ("shooting", "n"); "arrest" (verb) → ("arrest", "n")."""
    lexicon = _lexicon()
    parts: tuple[Pos, ...] = (pos,) if pos else ("n", "v", "a", "r")
    return frozenset(
        (word, _WORD_POS[lexicon.pos[synset]])
        for part in parts
        for word, synset in _sense_links(lemma, part, senses, "derivation")
    )


def causes(verb: str, *, senses: int = DEFAULT_SENSES) -> frozenset[str]:
    """The verbs of what the verb's first `senses` senses cause: "kill" → "die", "perish", …"""
    lexicon = _lexicon()
    return frozenset(_members(caused for synset in _senses(verb, "v", senses) for caused in lexicon.causes[synset]))


def same_act(first: str, second: str, *, senses: int = DEFAULT_SENSES) -> ActMatch | None:
    """Why two verbs can name one act, or None: they share a sense ("open fire" / "fire": start firing a
    weapon), one is a way to do the other ("to slay is a way to kill"), or ADDED_ACTS joins their senses."""
    lexicon = _lexicon()
    ours, theirs = _senses(first, "v", senses), _senses(second, "v", senses)
    for synset in ours:
        if synset in theirs:
            return ActMatch("same sense", first, second, lexicon.gloss[synset])
    for synset in ours:
        for other in theirs:
            if other in lexicon.hypernym[synset]:
                return ActMatch("a way to", first, second, lexicon.gloss[synset])
            if synset in lexicon.hypernym[other]:
                return ActMatch("a way to", second, first, lexicon.gloss[other])
            added = lexicon.added_acts.get(frozenset({synset, other}))
            if added:
                return ActMatch("added", first, second, added)
    return None
