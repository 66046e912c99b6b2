"""Building the shipped lexicon from Open English WordNet's YAML sources.

OEWN keeps one YAML file per lexicographer file (`verb.contact.yaml`: synset id → members,
definition, hypernyms, …) and one per initial letter for the words (`entries-f.yaml`: lemma → part
of speech → senses in WordNet's order, each with its synset and its links to other senses). Parsing
them takes a minute or more, so it is done here, once, into a zip file that `claims.lexicon` reads
in a fraction of a second and keeps in a few megabytes.

The file holds the folded words (one a line, sorted; multiword ones kept: "open fire"), the synset
ids (sorted; a synset's number is its line), each synset's part of speech and, for verbs, the first
line of its definition, and tables of little-endian 32-bit integers, each a `.start` array and a
`.value` array (row i is value[start[i]:start[i + 1]]):

- per synset: members (word numbers), hypernym, similar (satellite adjectives to their head and back,
  verb groups), causes, entails, antonym (synsets with a sense antonym to one of this one's);
- per part of speech p and word: `lemma.p`, its synsets in OEWN's sense order (most frequent first);
- per part of speech p and sense (the senses numbered in the order of `lemma.p`'s values):
  `antonym.p` and `derivation.p`, pairs of (word, synset) of the senses it links to.

The same sources always give the same bytes.
"""

import json
import sys
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.text import fold

FORMAT = 1
# OEWN synset ids are eight digits and a part of speech ("01138209-v"); the loader finds one by its line.
SYNSET_ID_LENGTH = 10

# OEWN's sense-to-sense links that tie a word to another word made from it. Besides plain
# derivation they include the morphosemantic links (the agent of "shoot" is "shooter", its event
# "shooting"), participles and, for adjectives and adverbs, pertainyms ("presidential" → "president").
DERIVATION_LINKS = (
    "derivation",
    "agent",
    "body_part",
    "by_means_of",
    "destination",
    "event",
    "instrument",
    "location",
    "material",
    "participle",
    "pertainym",
    "property",
    "result",
    "state",
    "undergoer",
    "uses",
    "vehicle",
)

# Satellite adjectives ("s") are looked up as adjectives, as WordNet's own indexes do.
WORD_POS = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
SYNSET_FILE_PREFIXES = ("noun.", "verb.", "adj.", "adv.")

# libyaml's loader reads OEWN several times faster; PyYAML built without libyaml has only the Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LexiconSourceError(ValueError):
    """The folder given is not an Open English WordNet checkout that can be read."""


@dataclass(frozen=True)
class LexiconBuilt:
    synsets: int
    lemmas: int
    size: int
    commit: str

    def __str__(self) -> str:
        return f"{self.synsets} synsets, {self.lemmas} lemmas from OEWN {self.commit or '(unknown commit)'}"


def lexicon_build(*, source: Path, target: Path) -> LexiconBuilt:
    """Read the OEWN YAML under `source` and write the lexicon file at `target`."""
    folder = source / "src" / "yaml"
    synset_files = sorted(path for path in folder.glob("*.yaml") if path.name.startswith(SYNSET_FILE_PREFIXES))
    entry_files = sorted(folder.glob("entries-*.yaml"))
    if not synset_files or not entry_files:
        raise LexiconSourceError(
            f"No Open English WordNet at {source}: expected its YAML sources in {folder} "
            "(noun.*.yaml, verb.*.yaml, adj.*.yaml, adv.*.yaml and entries-*.yaml)."
        )
    synsets = dict(_items(synset_files))
    entries = dict(_items(entry_files))
    commit = _commit(source)
    members = lexicon_tables(synsets, entries, commit)
    lexicon_write(members, target=target)
    return LexiconBuilt(
        synsets=len(synsets),
        lemmas=members["words.txt"].count(b"\n"),
        size=target.stat().st_size,
        commit=commit,
    )


def lexicon_write(members: dict[str, bytes], *, target: Path) -> None:
    """Write the lexicon file's members into a zip file at `target`, byte for byte the same each time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and moved over it, so that a failed build leaves the old file whole.
    partial = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, content in members.items():
            # A fixed date and mode, so that the same sources give the same bytes.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, compresslevel=9)
    partial.replace(target)


def _items(paths: Iterable[Path]) -> Iterator[tuple[str, Any]]:
    for path in paths:
        try:
            with path.open(encoding="utf-8") as stream:
                content = yaml.load(stream, Loader=_Loader)  # noqa: S506 (a safe loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise LexiconSourceError(f"Cannot read {path}: {error}") from error
        if not isinstance(content, dict):
            raise LexiconSourceError(f"{path} is not an OEWN file: it holds no mapping of ids or lemmas.")
        yield from content.items()


def _commit(source: Path) -> str:
    try:
        return (source / "SOURCE_COMMIT").read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return ""


def _word(text: str) -> str:
    return fold(text.replace("_", " "))


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _table(rows: Iterable[Iterable[int]], name: str) -> dict[str, bytes]:
    starts, values = array("i", [0]), array("i")
    for row in rows:
        values.extend(row)
        starts.append(len(values))
    if sys.byteorder == "big":
        starts.byteswap()
        values.byteswap()
    return {f"{name}.start": starts.tobytes(), f"{name}.value": values.tobytes()}


def _lines(values: Iterable[str]) -> bytes:
    return "".join(f"{value}\n" for value in values).encode("utf-8")


def lexicon_tables(synsets: dict[str, Any], entries: dict[str, Any], commit: str) -> dict[str, bytes]:
    """The lexicon file's members, by name, from parsed OEWN synset and entry files."""
    ids = sorted(synsets)
    malformed = [synset_id for synset_id in ids if len(synset_id) != SYNSET_ID_LENGTH]
    if malformed:
        raise LexiconSourceError(f"Synset ids are not of the form 01138209-v: {', '.join(malformed[:5])}")
    index = {synset_id: number for number, synset_id in enumerate(ids)}
    words = sorted(
        {_word(lemma) for lemma in entries}
        | {_word(member) for synset in synsets.values() for member in synset.get("members", ())}
    )
    word_number = {word: number for number, word in enumerate(words)}

    def refs(values: Iterable[str]) -> list[int]:
        return _unique(index[value] for value in values if value in index)

    # word and synset of every sense, by its sense key, to resolve the links between senses
    senses: dict[str, tuple[int, int]] = {}
    for lemma, by_pos in entries.items():
        for entry in by_pos.values():
            for sense in entry.get("sense", ()):
                if sense.get("synset") in index:
                    senses[sense["id"]] = (word_number[_word(lemma)], index[sense["synset"]])

    ranked: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    links: dict[tuple[str, str, int, int], list[tuple[int, int]]] = defaultdict(list)
    antonyms: dict[int, set[int]] = defaultdict(set)
    # Sorted so that "US" and "us", folded to one word, keep one order of senses.
    for lemma in sorted(entries):
        word = word_number[_word(lemma)]
        # "n-1", "n-2": homographs told apart by pronunciation, one word here
        for pos_key in sorted(entries[lemma]):
            pos = WORD_POS.get(pos_key.split("-")[0])
            if pos is None:
                continue
            for sense in entries[lemma][pos_key].get("sense", ()):
                number = index.get(sense.get("synset"))
                if number is None or number in ranked[pos][word]:
                    continue
                ranked[pos][word].append(number)
                for key in sense.get("antonym", ()):
                    if key in senses:
                        links["antonym", pos, word, number].append(senses[key])
                        antonyms[number].add(senses[key][1])
                        antonyms[senses[key][1]].add(number)
                for name in DERIVATION_LINKS:
                    for key in sense.get(name, ()):
                        if key in senses:
                            links["derivation", pos, word, number].append(senses[key])

    pos_codes = [synsets[synset_id]["partOfSpeech"] for synset_id in ids]
    tables: dict[str, bytes] = {
        "source.json": json.dumps(
            {"name": "Open English WordNet", "commit": commit, "licence": "CC BY 4.0", "format": FORMAT},
            sort_keys=True,
        ).encode("utf-8"),
        "words.txt": _lines(words),
        "synsets.txt": _lines(ids),
        "pos.txt": "".join(pos_codes).encode("ascii"),
        "gloss.txt": _lines(
            " ".join((synsets[synset_id].get("definition") or [""])[0].split()) if code == "v" else ""
            for synset_id, code in zip(ids, pos_codes, strict=True)
        ),
        **_table(
            (
                _unique(word_number[_word(member)] for member in synsets[synset_id].get("members", ()))
                for synset_id in ids
            ),
            "members",
        ),
        **_table((sorted(antonyms.get(number, ())) for number in range(len(ids))), "antonym"),
    }
    for name in ("hypernym", "similar", "causes", "entails"):
        tables.update(_table((refs(synsets[synset_id].get(name, ())) for synset_id in ids), name))
    for pos in ("n", "v", "a", "r"):
        by_word = ranked[pos]
        tables.update(_table((by_word.get(word, ()) for word in range(len(words))), f"lemma.{pos}"))
        for name in ("antonym", "derivation"):
            tables.update(
                _table(
                    (
                        [part for pair in _unique(links.get((name, pos, word, synset), ())) for part in pair]
                        for word in range(len(words))
                        for synset in by_word.get(word, ())
                    ),
                    f"{name}.{pos}",
                )
            )
    return tables
