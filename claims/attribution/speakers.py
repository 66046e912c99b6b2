"""Who is speaking: names, titles, groups and pronouns resolved within one text.

"Mr Perez" and "he" become "Oscar Pérez" when the text named him so earlier;
"the authorities" stays a group; "it" becomes the organisation last speaking.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from claims.attribution.lexicon import (
    CUE_FORMS,
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    ORGANISATION_NOUNS,
    PERSONAL_PRONOUNS,
    THING_PRONOUNS,
    TITLES,
)
from core.text import fold

DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "some", "many", "several", "two"})
# A pronoun refers back this many sentences at most.
PRONOUN_REACH = 4
WORD = re.compile(r"\S+")
# Lower-case words that may stand inside a name: "Simón de la Cruz".
NAME_PARTICLES = frozenset({"de", "da", "del", "la", "van", "von", "bin", "al"})
INITIAL = re.compile(r"^[A-Z]\.$")
# Titles written with a full stop, which does not end the name: "Mr. Obama", "Sen. Graham".
TITLES_WITH_STOP = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "sen.",
        "rep.",
        "gov.",
        "gen.",
        "col.",
        "capt.",
        "lt.",
        "sgt.",
        "rev.",
        "prof.",
        "st.",
    }
)


@dataclass
class Speaker:
    name: str | None
    kind: str  # person, organisation, group, unknown


@dataclass
class _Mention:
    position: int
    sentence: int
    name: str
    kind: str
    is_subject: bool


@dataclass
class SpeakerResolver:
    """Resolves speaker spans in reading order; each resolution is remembered for later pronouns.

    Positions are character offsets into the whole text; `offset` tells where
    the parsed sentence being read starts in it.
    """

    people: list[str] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)

    def learn_names(self, sentences: Iterable[tuple[int, int, str]]) -> None:
        """Note the names each sentence uses, as (start, number, text): full names, so that later short
        forms ("Mr Perez") resolve to them, and people who open a sentence, for later pronouns."""
        for start, number, sentence in sentences:
            for position, words, titled in _name_runs(sentence):
                while words and fold(words[0]) in DETERMINERS:
                    words = words[1:]  # "The Venezuelan media": no one's name
                named = [word for word in words if fold(word).rstrip(".") not in TITLES]
                if len(named) < 2 and not (titled and named):
                    continue
                name = self._cluster(named)
                opens_sentence = not sentence[:position].strip(" “\"'‘(")
                if titled or opens_sentence:
                    self.remember(name, "person", start + position, number, opens_sentence)

    def resolve(self, words: Span, offset: int, sentence: int) -> Speaker:
        """Who the words name, resolving pronouns against what came before."""
        head = words.root
        position = offset + head.idx
        is_subject = head.dep_ in ("nsubj", "nsubjpass")
        if len(words) == 1 and head.lower_ in PERSONAL_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS:
            return self._pronoun(head.lower_, position, sentence, is_subject)
        if is_proper(head) and not _organisation_like(_proper_run(head)):
            name = self.person_name(_proper_run(head))
            if name:
                self.remember(name, "person", position, sentence, is_subject)
                return Speaker(name, "person")
        text = _without_determiner(words)
        if head.lower_ in GROUP_NOUNS or (head.tag_ in ("NNS", "NNPS") and head.lower_ not in ORGANISATION_NOUNS):
            kind = "group"
        elif _organisation_like(words) or is_proper(head):
            kind = "organisation"
        else:
            return Speaker(text or None, "unknown")
        self.remember(text, kind, position, sentence, is_subject)
        return Speaker(text, kind)

    def note_subject(self, subject: Token, offset: int, sentence: int) -> None:
        """A named person as the subject of a sentence: a pronoun may later refer to them.

        Not the subject of a reported clause: in "Trump said Clinton lied. He added...", "he" is Trump.
        """
        if any(ancestor.lower_ in CUE_FORMS for ancestor in subject.ancestors):
            return
        run = _proper_run(subject)
        if is_proper(subject) and not _organisation_like(run):
            name = self.person_name(run)
            if name:
                self.remember(name, "person", offset + subject.idx, sentence, True)

    def resolve_name(self, name: str, position: int) -> Speaker:
        """A bare name, as a headline gives it ("Sanders: ..."), resolved to the person the text names fully."""
        parts = [part for part in name.split() if fold(part).rstrip(".") not in TITLES] or name.split()
        canonical = self._cluster(parts)
        self.remember(canonical, "person", position, 0, True)
        return Speaker(canonical, "person")

    def remember(self, name: str, kind: str, position: int, sentence: int, is_subject: bool) -> None:
        self.mentions.append(_Mention(position, sentence, name, kind, is_subject))
        self.mentions.sort(key=lambda mention: mention.position)

    def person_name(self, words: Span) -> str | None:
        """The canonical name for a person mention: titles dropped, and matched to the fullest earlier form."""
        parts = [t.text for t in words if not (t.is_punct or t.is_space) and t.lower_ not in ("'s", "’s")]
        while parts and (fold(parts[0]).rstrip(".") in TITLES or parts[0][:1].islower()):
            parts = parts[1:]
        return self._cluster(parts) if parts else None

    def _cluster(self, parts: list[str]) -> str:
        folded = [fold(part) for part in parts]
        for index, canonical in enumerate(self.people):
            known = [fold(part) for part in canonical.split()]
            if folded == known or (len(folded) < len(known) and folded[-1] == known[-1]):
                return canonical
            if len(folded) > len(known) and folded[-1] == known[-1]:
                # A fuller form of a name first seen short: keep the fuller one.
                self.people[index] = " ".join(parts)
                return self.people[index]
        self.people.append(" ".join(parts))
        return self.people[-1]

    def _pronoun(self, pronoun: str, position: int, sentence: int, is_subject: bool) -> Speaker:
        speaker = self.antecedent(pronoun, position, sentence)
        if speaker.name is not None:
            self.remember(speaker.name, speaker.kind, position, sentence, is_subject)
        return speaker

    def antecedent(self, pronoun: str, position: int, sentence: int, *, besides: str | None = None) -> Speaker:
        """Whom a pronoun at `position` refers to, by the mentions before it; `besides` is someone it cannot be
        (the speaker, for the object of their own verb: in "Maduro declared him a terrorist", "him" is not Maduro)."""
        if pronoun in PERSONAL_PRONOUNS:
            wanted = {"person"}
        elif pronoun in THING_PRONOUNS:
            wanted = {"organisation"}
        else:
            wanted = {"group", "organisation"}
        earlier = [
            mention
            for mention in self.mentions
            if mention.position < position
            and mention.kind in wanted
            and sentence - mention.sentence <= PRONOUN_REACH
            and not (besides is not None and self._same(mention, besides))
        ]
        # Prefer the last one who was the subject of a sentence: in "Trump said
        # Clinton lied. He added...", "he" is Trump.
        subjects = [mention for mention in earlier if mention.is_subject]
        candidates = subjects or earlier
        if not candidates:
            return Speaker(None, "person" if wanted == {"person"} else "unknown")
        chosen = candidates[-1]
        name = self.people[self._cluster_index(chosen.name)] if chosen.kind == "person" else chosen.name
        return Speaker(name, chosen.kind)

    def _same(self, mention: _Mention, name: str) -> bool:
        if mention.kind != "person":
            return fold(mention.name) == fold(name)
        return fold(self.people[self._cluster_index(mention.name)]) == fold(name)

    def _cluster_index(self, name: str) -> int:
        """Where `name` stands among the people now (a cluster's name may have grown since)."""
        last = fold(name.split()[-1])
        for index, canonical in enumerate(self.people):
            if fold(canonical.split()[-1]) == last:
                return index
        self.people.append(name)
        return len(self.people) - 1


def _name_runs(sentence: str) -> Iterator[tuple[int, list[str], bool]]:
    """Runs of capitalised words, as (offset, words, whether a title opens it): "President Nicolás Maduro"."""
    run: list[str] = []
    run_start = 0
    for match in WORD.finditer(sentence):
        word = match.group().strip('“”"‘’()[]')
        ends_run = (
            word.endswith((",", ";", ":", ".")) and not INITIAL.match(word) and fold(word) not in TITLES_WITH_STOP
        )
        word = word.rstrip(",;:") if INITIAL.match(word) or fold(word) in TITLES_WITH_STOP else word.rstrip(",;:.")
        word = re.sub(r"[’']s$", "", word)
        capitalised = word[:1].isupper() and any(char.islower() for char in word)
        if capitalised or INITIAL.match(word) or (run and word in NAME_PARTICLES):
            if not run:
                run_start = match.start() + (len(match.group()) - len(match.group().lstrip('“"‘(')))
            run.append(word)
        elif run:
            yield from _finished_run(run_start, run)
            run = []
        if ends_run and run:
            yield from _finished_run(run_start, run)
            run = []
    if run:
        yield from _finished_run(run_start, run)


def _finished_run(start: int, run: list[str]) -> Iterator[tuple[int, list[str], bool]]:
    while run and run[-1] in NAME_PARTICLES:
        run = run[:-1]
    if run:
        yield start, run, fold(run[0]).rstrip(".") in TITLES


def is_proper(token: Token) -> bool:
    """A proper noun, by its Penn Treebank tag (the coarse part of speech is not computed)."""
    return token.tag_ in ("NNP", "NNPS")


def _organisation_like(words: Span) -> bool:
    return any(token.lower_ in ORGANISATION_NOUNS for token in words) or (
        len(words) == 1 and words[0].text.isupper() and len(words[0].text) > 1
    )


def _proper_run(head: Token) -> Span:
    """The run of proper nouns ending at `head`: "Diosdado Cabello" in "government member Diosdado Cabello"."""
    start = head.i
    while start > head.sent.start and is_proper(head.doc[start - 1]):
        start -= 1
    return head.doc[start : head.i + 1]


def _without_determiner(words: Span) -> str:
    tokens = list(words)
    while tokens and tokens[0].lower_ in DETERMINERS:
        tokens = tokens[1:]
    return words.doc[tokens[0].i : tokens[-1].i + 1].text if tokens else ""
