"""Who is speaking: names, titles, groups and pronouns resolved within one text.

"Mr Perez" and "he" become "Oscar Pérez" when the text named him so earlier;
"the authorities" stays a group; "it" becomes the organisation last speaking.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claims.attribution.lexicon import (
    CONVERSE_RELATIONS,
    COURTESY_TITLES,
    CUE_FORMS,
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    KINSHIP,
    ORGANISATION_NOUNS,
    ORGANISATION_ROLES,
    PERSONAL_PRONOUNS,
    POSSESSIVE_SEX,
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
    description: str | None = None
    """What the text calls them besides their name: "opposition lawmaker", "Pedro Lima’s mother"."""


@dataclass(frozen=True)
class _Role:
    """Someone the text describes: "Minera Norte, the mine's operator" → ("operator", "Minera Norte")."""

    position: int
    noun: str  # the description's head, folded
    name: str
    kind: str
    relative_of: str | None = None  # for a relative, whose: "his mother, Rosa Lima" → the "he"
    relative_sex: str | None = None  # the sex the possessive gives that person


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
    roles: list[_Role] = field(default_factory=list)

    def learn_names(self, sentences: Iterable[tuple[int, int, str]]) -> None:
        """Note the names each sentence uses, as (start, number, text): full names, so that later short
        forms ("Mr Perez") resolve to them, and people who open a sentence, for later pronouns."""
        for start, number, sentence in sentences:
            for position, words, titled in _name_runs(sentence):
                while words and fold(words[0]) in DETERMINERS:
                    words = words[1:]  # "The Venezuelan media": no one's name
                named = _after_titles(words)
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
        if len(words) == 1 and head.tag_ in ("WP", "WDT"):
            return Speaker(None, "unknown")  # a relative pronoun whose antecedent the parse does not give
        apposed = _apposition(words)
        if apposed is not None:
            return self._described(*apposed, offset, sentence)
        if is_proper(head) and not _organisation_like(_proper_run(head)):
            name = self.person_name(_proper_run(head))
            if name:
                self.remember(name, "person", position, sentence, is_subject)
                description = _descriptor_before(words, _proper_run(head))
                if description is None:
                    return Speaker(name, "person")
                self.learn_role(description, Speaker(name, "person"), position, sentence)
                return Speaker(name, "person", _described_as(description, None) or None)
        role = self._role(words, head)
        if role is not None:
            self.remember(role.name, role.kind, position, sentence, is_subject)
            return Speaker(role.name, role.kind)
        text = _without_determiner(words)
        if head.lower_ in GROUP_NOUNS or (head.tag_ in ("NNS", "NNPS") and head.lower_ not in ORGANISATION_NOUNS):
            kind = "group"
        elif _organisation_like(words) or is_proper(head) or head.lower_ in ORGANISATION_ROLES:
            kind = "organisation"
        else:
            return Speaker(text or None, "unknown")
        self.remember(text, kind, position, sentence, is_subject)
        return Speaker(text, kind)

    def _described(self, name_words: Span, description: Span, offset: int, sentence: int) -> Speaker:
        """ "Venezuela's interior minister, Néstor Reverol": the name is the speaker; the rest describes them."""
        found = self.resolve(name_words, offset, sentence)
        if found.name is None:
            return found
        organisation_role = description.root.lower_ in ORGANISATION_ROLES
        kind = "organisation" if found.kind == "person" and organisation_role else found.kind
        if kind != found.kind:
            self.remember(found.name, kind, offset + name_words.root.idx, sentence, True)
        role = self.learn_role(description, Speaker(found.name, kind), offset + description.root.idx, sentence)
        return Speaker(found.name, kind, _described_as(description, role.relative_of) or found.description)

    def learn_role(self, description: Span, speaker: Speaker, position: int, sentence: int) -> _Role:
        """Note what a named speaker is described as, so that "the minister" or "her son" later finds them."""
        owner = [token for token in description if token.dep_ == "poss" and token.head.i == description.root.i]
        relative_of = relative_sex = None
        if owner and owner[0].lower_ in POSSESSIVE_SEX and description.root.lower_ in KINSHIP:
            relative_of = self.antecedent("he", position, sentence, besides=speaker.name).name
            relative_sex = POSSESSIVE_SEX[owner[0].lower_]
        role = _Role(position, fold(description.root.text), speaker.name or "", speaker.kind, relative_of, relative_sex)
        self.roles.append(role)
        return role

    def _role(self, words: Span, head: Token) -> _Role | None:
        """ "the minister", "the mine's operator", "the authority": the one the text described or named so."""
        if not any(child.lower_ == "the" and child.dep_ == "det" for child in head.children) and not any(
            child.dep_ == "poss" and child.tag_ != "PRP$" for child in head.children
        ):
            return None
        noun = fold(head.text)
        described = [role for role in self.roles if role.noun == noun]
        if described:
            return described[-1]
        # "The National Water Authority said… The authority said": a name the text gave, by its head noun.
        if head.lower_ in ORGANISATION_NOUNS and len(words) <= 2:
            for mention in reversed(self.mentions):
                words_of_name = fold(mention.name).split()
                if mention.kind == "organisation" and noun in words_of_name and len(words_of_name) > 1:
                    return _Role(mention.position, noun, mention.name, mention.kind)
        return None

    def relative(self, noun: str, of: str) -> str | None:
        """Who is `of`'s `noun` ("her son", said of Rosa Lima), by what the text said of them; None unless one fits."""
        if noun not in KINSHIP:
            return None
        sex, relation = KINSHIP[noun]
        fitting = set()
        for role in self.roles:
            if role.noun not in KINSHIP:
                continue
            role_sex, role_relation = KINSHIP[role.noun]
            # "his mother, Rosa Lima": Rosa Lima is the parent of the "he", who is her child.
            converse = CONVERSE_RELATIONS[role_relation] == relation
            if role.name == of and role.relative_of and converse and (sex is None or role.relative_sex in (None, sex)):
                fitting.add(role.relative_of)
            # "her son, Pedro Lima": Pedro Lima is the child of the "she".
            if role.relative_of == of and role_relation == relation and (sex is None or role_sex in (None, sex)):
                fitting.add(role.name)
        return fitting.pop() if len(fitting) == 1 else None

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
        while parts and parts[0][:1].islower():
            parts = parts[1:]
        parts = _after_titles(parts)
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


def _after_titles(words: list[str]) -> list[str]:
    """A name without the titles before it: "Interior Minister Gustavo Herrera" → "Gustavo Herrera"; a title
    that ends the words is part of the name ("Stephen King")."""
    titled = [index for index, word in enumerate(words[:-1]) if fold(word).rstrip(".") in TITLES]
    rest = words[titled[-1] + 1 :] if titled else words
    return [word for word in rest if fold(word).rstrip(".") not in TITLES] or rest


def _apposition(words: Span) -> tuple[Span, Span] | None:
    """A name and the words that describe it, either way round: "his mother, Rosa Lima" and
    "Minera Norte, the mine's operator" give (Rosa Lima, his mother) and (Minera Norte, the mine's operator)."""
    head = words.root
    doc = words.doc
    for appos in (child for child in head.children if child.dep_ == "appos" and words.start <= child.i < words.end):
        inner = doc[appos.left_edge.i : appos.right_edge.i + 1]
        # The head's side of the apposition only: in "X, the Y, of Z" the name is "X", not "X, the Y, of Z".
        side = [t for t in words if (t.i < inner.start if head.i < inner.start else t.i >= inner.end)]
        outer = _trimmed_span(doc, side)
        if outer is None:
            continue
        head_is_description = not is_proper(head) or any(
            child.dep_ == "det" and child.lower_ == "the" for child in head.children
        )
        if is_proper(appos) and head_is_description:
            return inner, outer
        if is_proper(head) and not is_proper(appos):
            return outer, inner
    return None


def _described_as(description: Span, owner: str | None) -> str:
    """A description as an actor's: without its article, and with a possessive pronoun's owner named
    ("his mother" → "Pedro Lima’s mother"); with a pronoun no one was found for, none."""
    tokens = [token for token in description if not token.is_punct or token.text in ("'s", "’s")]
    while tokens and (tokens[0].lower_ in DETERMINERS or fold(tokens[0].text).rstrip(".") in COURTESY_TITLES):
        tokens = tokens[1:]
    if not tokens:
        return ""
    words = [token.text_with_ws for token in tokens]
    if tokens[0].tag_ == "PRP$":
        if owner is None:
            return ""
        words[0] = f"{owner}’s "
    elif not is_proper(tokens[0]) and tokens[0].i == tokens[0].sent.start:
        words[0] = words[0][:1].lower() + words[0][1:]  # "Opposition lawmaker Delsa Solórzano said"
    return "".join(words).strip()


def _trimmed_span(doc: Doc, tokens: list[Token]) -> Span | None:
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    return doc[tokens[0].i : tokens[-1].i + 1] if tokens else None


def _descriptor_before(words: Span, name: Span) -> Span | None:
    """The words that describe a person before their name: "opposition lawmaker" in "opposition lawmaker Delsa
    Solórzano", "Interior Minister" in "Interior Minister Gustavo Herrera"; courtesy titles and articles aside."""
    tokens = [t for t in words if t.i < name.start and not t.is_punct and t.lower_ not in DETERMINERS]
    titles = [t for t in name if fold(t.text).rstrip(".") in TITLES and t.i < name.end - 1]
    if titles:
        tokens += [t for t in name if t.i <= titles[-1].i]
    tokens = [t for t in tokens if fold(t.text).rstrip(".") not in COURTESY_TITLES]
    if not tokens or tokens[0].tag_ == "PRP$":
        return None
    return words.doc[tokens[0].i : tokens[-1].i + 1]


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
