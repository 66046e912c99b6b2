"""One claim's text, parsed and reduced to an `Analysis`.

Each text is parsed once (tagger and parser shared with attribution, then the same model's lemmatizer) and
reduced to its content words as canonical lemmas (with their parts of speech and places in the sentence),
their broader words, its negations, numbers, dates and who-does-what-to-whom frames, passive or active.
`claims.linking.features.cache` keeps the analyses and hashes this module into their version, with every
module of the project it uses and the general lexicon's file: a change here parses the stored analyses again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Token

from claims import lexicon as general
from claims.attribution import parsed_with_lemmas
from claims.linking import lexicon
from core.text import fold

_BATCH_SIZE = 64
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")
_NAME_TAGS = frozenset({"NNP", "NNPS"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_NOUN_LEFT = frozenset({"det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "neg", "case", "advmod"})
_MODIFIERS = frozenset({"amod", "advmod", "npadvmod", "acomp"})
_CURRENCIES = frozenset({"$", "€", "£", "¥"})
_PERCENT = frozenset({"%", "percent", "pct"})


def _broader_of(groups: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, frozenset[str]]:
    direct: dict[str, set[str]] = {}
    for broad, narrower in groups:
        for word in narrower:
            direct.setdefault(lexicon.SYNONYMS.get(word, word), set()).add(lexicon.SYNONYMS.get(broad, broad))
    closed: dict[str, frozenset[str]] = {}
    for word in direct:
        seen: set[str] = set()
        todo = list(direct[word])
        while todo:
            broad = todo.pop()
            if broad not in seen and broad != word:
                seen.add(broad)
                todo.extend(direct.get(broad, ()))
        closed[word] = frozenset(seen)
    return closed


# Every broader word of a word in the hand groups, through any number of steps.
BROADER: Mapping[str, frozenset[str]] = _broader_of(lexicon.BROADER_GROUPS)

# How far up WordNet's hypernyms a word counts as broader, and from how many of its senses: a noun's first
# sense two levels up ("rifle" → "firearm" → "gun"), a verb's one level ("slay" → "kill"). Past that, or from a
# word's other senses, every noun is an "artifact" and every verb a "change" ("kill" as a noun is an "ending").
_BROADER_REACH: Mapping[general.Pos, tuple[int, int]] = {"n": (2, 1), "v": (1, 1)}


@lru_cache(maxsize=65536)
def broader_words(lemma: str, pos: str = "") -> frozenset[str]:
    """Every broader word of a canonical lemma: the hand groups' and, for a noun or a verb, WordNet's.

    Parsing keeps a claim's; comparison asks of a word whether the other claim has a narrower one. Cached per
    lemma, since a lookup costs about ten microseconds and a claim's words recur in every comparison.
    """
    found = set(BROADER.get(lemma, ()))
    for part, (depth, senses) in _BROADER_REACH.items():
        if part == pos:
            found.update(
                lexicon.SYNONYMS.get(word, word) for word in general.broader(lemma, part, depth=depth, senses=senses)
            )
    found.discard(lemma)
    return frozenset(found)


# ---------------------------------------------------------------------------------------------- one text


@dataclass(frozen=True)
class Negation:
    cue: str
    """The negating word, as a canonical lemma: "no", "not", "deny"."""
    phrase: str
    """What is negated, as written: "no confirmed links", "did not fire"."""
    target: str
    """The canonical lemma of the negated word, to find its counterpart in the other claim."""


@dataclass(frozen=True)
class Quantity:
    key: str
    """What is counted, as a canonical lemma ("officer"), or "%" or a currency sign."""
    value: float
    approximate: bool
    number: str
    """The number as written: "two", "5 million"."""
    thing: str
    """What is counted, as written: "officers"; empty for percentages and money."""

    def describe(self, *, with_thing: bool = True) -> str:
        if self.key == "%":
            return f"{self.number}%"
        if self.key in _CURRENCIES:
            return f"{self.key}{self.number}"
        return f"{self.number} {self.thing}" if with_thing and self.thing else self.number


@dataclass(frozen=True)
class Frame:
    """One predicate with its doer and its target: "Oscar Pérez opened fire on police"."""

    predicate: str
    """Canonical lemma of the predicate; of the object for a light verb ("opened fire" → "fire")."""
    verb: str
    """The predicate as written, with the preposition of its target: "opened fire on", "fired at"."""
    light: bool
    agent: frozenset[str]
    patient: frozenset[str]
    agent_text: str
    patient_text: str
    named_agent: frozenset[str]
    reciprocal: bool
    """The target is "each other": the roles cannot be swapped."""
    count: Quantity | None = None
    """How many the target is ("arrested five people", "six members … were arrested"), the active and the
    passive alike; for a predicate without a target, how many the doers are ("three people drowned")."""


@dataclass(frozen=True)
class Analysis:
    words: tuple[str, ...]
    """Every word, folded, punctuation left out."""
    content: frozenset[str]
    """Canonical lemmas of content words and names."""
    names: frozenset[str]
    """The content lemmas that are proper names."""
    lemmas: frozenset[str]
    """Every canonical lemma, function words included (for antonyms such as inside / outside)."""
    surface: Mapping[str, str]
    """Canonical lemma → the word as written (first occurrence)."""
    phrases: Mapping[str, str]
    """Canonical lemma → the phrase around it, for rationales: "ties to the United States"."""
    negations: tuple[Negation, ...]
    quantities: tuple[Quantity, ...]
    dates: Mapping[str, Mapping[str, str]]
    """Kind ("date", "year", "month", "weekday") → value → as written."""
    frames: tuple[Frame, ...]
    gist: str
    """The main predicate as written ("has ties"), when a negation has no counterpart to point at."""
    heads: frozenset[str]
    """The content lemmas that are nouns or verbs, not modifiers: what a claim is about and what happens."""
    said_of: frozenset[str]
    """Content lemmas said of a subject ("the suspect is a woman"), where a description can conflict."""
    stems: frozenset[str]
    """The stems of the content lemmas (`stem`), so "dancing" the noun meets "dance" the verb."""
    broader: frozenset[str]
    """Every broader word of a content lemma (`broader_words`)."""
    pos: Mapping[str, str] = field(default_factory=dict)
    """Content lemma → its part of speech as the general lexicon names them ("n", "v", "a", "r"), where it has one."""
    slots: Mapping[str, str] = field(default_factory=dict)
    """Content lemma → where it stands: its relation and what it depends on ("in:do" for "doing backbends in the
    gym", "amod:headdress"), so that a word said in place of another ("in the park") is told from a detail."""

    @property
    def words_only(self) -> frozenset[str]:
        return self.content - self.names


def parsed(texts: Sequence[str]) -> Iterator[Doc]:
    """Each text parsed and lemmatized, in one batch (the attribution parser's pipeline, lemmas added)."""
    return parsed_with_lemmas(texts, batch_size=_BATCH_SIZE)


def _analyse(doc: Doc) -> Analysis:
    content: set[str] = set()
    names: set[str] = set()
    surface: dict[str, str] = {}
    phrases: dict[str, str] = {}
    lemmas: set[str] = set()
    said_of: set[str] = set()
    heads: set[str] = set()
    slots: dict[str, str] = {}
    pos: dict[str, str] = {}
    for token in doc:
        if token.is_punct or token.is_space:
            continue
        lemma = canonical(token)
        lemmas.add(lemma)
        surface.setdefault(lemma, token.text)
        if _is_content(token, lemma):
            content.add(lemma)
            if token.tag_ in _NAME_TAGS:
                names.add(lemma)
            phrases.setdefault(lemma, _phrase(token))
            if _is_said_of_subject(token):
                said_of.add(lemma)
            if token.tag_[:2] in {"NN", "VB"} and token.dep_ not in _MODIFIERS:
                heads.add(lemma)
            slots.setdefault(lemma, _slot(token))
            if token.pos_ in general.POS_OF_UPOS and token.tag_ not in _NAME_TAGS:
                pos.setdefault(lemma, general.POS_OF_UPOS[token.pos_])
    return Analysis(
        words=tuple(_WORD.findall(fold(doc.text))),
        content=frozenset(content),
        names=frozenset(names),
        lemmas=frozenset(lemmas),
        surface=surface,
        phrases=phrases,
        negations=tuple(_negations(doc)),
        quantities=tuple(_quantities(doc)),
        dates=_dates(doc),
        frames=tuple(_frames(doc)),
        gist=_gist(doc),
        heads=frozenset(heads),
        said_of=frozenset(said_of),
        stems=frozenset(stem(lemma) for lemma in content),
        broader=frozenset(broad for lemma in content for broad in broader_words(lemma, pos.get(lemma, ""))),
        pos=pos,
        slots=slots,
    )


def _slot(token: Token) -> str:
    head = token.head
    if token.dep_ == "pobj" and head.head.i != head.i:
        return f"{head.lower_}:{canonical(head.head)}"
    return f"{token.dep_}:{canonical(head)}"


def _is_said_of_subject(token: Token) -> bool:
    # "The suspect is a woman", "a man named Pérez": not "there is a woman", which only says she is there.
    if token.dep_ == "appos":
        return True
    if token.dep_ not in {"attr", "acomp", "oprd"}:
        return False
    return not any(child.dep_ == "expl" for child in token.head.children)


# Endings that make another word of the same stem: "dancing" / "dance", "shrewdly" / "shrewd", "player" / "play".
_ENDINGS = ("ingly", "ing", "edly", "ers", "er", "ed", "ly", "s")
_SHORTEST_STEM = 3


def stem(lemma: str) -> str:
    """A crude stem, only to tell that two lemmas are forms of one word: "dancing" and "dance" give "danc"."""
    for ending in _ENDINGS:
        if lemma.endswith(ending) and len(lemma) - len(ending) >= _SHORTEST_STEM:
            lemma = lemma[: -len(ending)]
            break
    return lemma.removesuffix("e")


def canonical(token: Token) -> str:
    """The token's folded lemma, its synonym group's first word if it has one: "ties" → "link"."""
    if token.tag_ in _NAME_TAGS:
        lemma = fold(token.text)
    elif token.lower_ in lexicon.LEMMA_FIXES:
        lemma = lexicon.LEMMA_FIXES[token.lower_]
    else:
        lemma = fold(token.lemma_ or token.text)
        if not lemma or lemma == "-pron-":
            lemma = token.lower_
    if lemma in {"percent", "pct"}:
        return "%"
    return lexicon.SYNONYMS.get(lemma, lemma)


def _is_content(token: Token, lemma: str) -> bool:
    if token.tag_ in lexicon.FUNCTION_TAGS or token.dep_ in {"aux", "auxpass", "neg", "det", "case"}:
        return False
    if lemma in lexicon.STOP_LEMMAS or _is_negation_word(token) or _is_negative_predicate(token):
        return False
    if token.lower_ in lexicon.WEEKDAYS or (token.tag_ in _NAME_TAGS and token.lower_ in lexicon.MONTHS):
        return False
    return bool(_WORD.search(lemma)) and not _number_value(token.lower_)


def _is_negation_word(token: Token) -> bool:
    return token.lower_ in lexicon.NEGATION_WORDS


def _is_negative_predicate(token: Token) -> bool:
    return (
        fold(token.lemma_ or token.text) in lexicon.NEGATIVE_PREDICATES or token.lower_ in lexicon.NEGATIVE_PREDICATES
    )


# ---------------------------------------------------------------------------------------------- phrases


def _noun_phrase(token: Token, *, with_preposition: bool) -> tuple[int, int]:
    start = min([child.left_edge.i for child in token.lefts if child.dep_ in _NOUN_LEFT] + [token.i])
    end = token.i
    if with_preposition:
        preposition = next((child for child in token.rights if child.dep_ == "prep"), None)
        target = next((child for child in preposition.children if child.dep_ == "pobj"), None) if preposition else None
        if target is not None:
            target_end = _noun_phrase(target, with_preposition=False)[1]
            if target_end - start < 8 and not any(t.is_punct for t in token.doc[end:target_end]):
                end = target_end
    return start, end


def _verb_phrase(token: Token) -> tuple[int, int]:
    helpers = [child.i for child in token.lefts if child.dep_ in {"aux", "auxpass", "neg"}]
    start = min([*helpers, token.i])
    end = token.i
    for child in token.rights:
        if child.dep_ in {"neg", "prt"} and child.i == end + 1:
            end = child.i
        elif child.dep_ in {"acomp", "attr", "dobj"} and child.i - end <= 3:
            end = _noun_phrase(child, with_preposition=False)[1] if child.tag_.startswith("NN") else child.i
            break
    return start, end


def _phrase(token: Token) -> str:
    doc = token.doc
    if token.tag_.startswith("NN"):
        start, end = _noun_phrase(token, with_preposition=True)
    elif token.tag_.startswith("VB"):
        start, end = _verb_phrase(token)
    else:
        start, end = token.i, token.i
    return doc[start : end + 1].text


def _gist(doc: Doc) -> str:
    root = next((token for token in doc if token.dep_ == "ROOT"), None)
    if root is None:
        return doc.text
    return _phrase(root)


# ---------------------------------------------------------------------------------------------- negations


def _negations(doc: Doc) -> Iterable[Negation]:
    has_neither = any(token.lower_ == "neither" for token in doc)
    for token in doc:
        low = token.lower_
        if low in lexicon.NEGATION_WORDS:
            following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            if following in lexicon.NOT_NEGATING_AFTER.get(low, ()) or (low == "nor" and has_neither):
                continue
            head = token.head
            if head.tag_.startswith("NN") and head.i > token.i:
                # "no confirmed links", "no man": the negation and the noun it governs.
                phrase, target = doc[token.i : head.i + 1].text, head
            elif token.dep_ == "neg" or low in {"never"}:
                predicate = _complement(head)
                start, end = _verb_phrase(head)
                phrase, target = doc[min(start, token.i) : max(end, token.i) + 1].text, predicate
            elif head.i > token.i and head.i - token.i <= 4:
                # "Nobody is riding", "nothing was stolen".
                phrase, target = doc[token.i : head.i + 1].text, head
            else:
                phrase, target = token.text, head
            yield Negation(cue=low if low != "n't" else "not", phrase=phrase, target=canonical(target))
        elif _is_negative_predicate(token):
            complement = next(
                (child for child in token.children if child.dep_ in {"dobj", "xcomp", "ccomp", "pcomp"}), None
            )
            if complement is not None and complement.i > token.i:
                phrase = doc[token.i : _phrase_end(complement) + 1].text
                denied = _complement(complement)
            else:
                phrase, denied = token.text, token
            yield Negation(cue=canonical(token), phrase=phrase, target=canonical(denied))


def _phrase_end(token: Token) -> int:
    if token.tag_.startswith("NN"):
        return _noun_phrase(token, with_preposition=True)[1]
    if token.tag_.startswith("VB"):
        obj = next((child for child in token.rights if child.dep_ in {"dobj", "attr", "acomp"}), None)
        return _noun_phrase(obj, with_preposition=False)[1] if obj is not None else token.i
    return token.i


def _complement(token: Token) -> Token:
    """What a copula or light verb says: "is guilty" → guilty, "has ties" → ties; else the token itself."""
    lemma = fold(token.lemma_ or token.text)
    if lemma == "be" or lemma in lexicon.LIGHT_VERBS:
        for child in token.children:
            if child.dep_ in {"acomp", "attr", "dobj"}:
                return child
    return token


# ---------------------------------------------------------------------------------------------- numbers and dates


def _number_value(word: str) -> float | None:
    if word in lexicon.NUMBER_WORDS:
        return float(lexicon.NUMBER_WORDS[word])
    if _DIGITS.match(word):
        return float(word.replace(",", ""))
    return None


def _is_number(token: Token) -> bool:
    if _YEAR.match(token.text):
        return False
    value = _number_value(token.lower_)
    if value is None:
        return False
    # "no one", "one of them", "the one who": a pronoun, not a count.
    if token.lower_ == "one" and token.dep_ != "nummod":
        return False
    # "12 March", "March 12": a day of the month, compared as a date.
    doc = token.doc
    return not any(
        0 <= i < len(doc) and doc[i].lower_.rstrip(".") in lexicon.MONTHS and doc[i].tag_ in _NAME_TAGS
        for i in (token.i - 1, token.i + 1)
    )


def _quantities(doc: Doc) -> Iterable[Quantity]:
    index = 0
    while index < len(doc):
        if not _is_number(doc[index]):
            index += 1
            continue
        group = [doc[index]]
        index += 1
        while index < len(doc) and (
            _is_number(doc[index]) or (doc[index].text == "-" and index + 1 < len(doc) and _is_number(doc[index + 1]))
        ):
            if doc[index].text != "-":
                group.append(doc[index])
            index += 1
        yield _quantity(doc, group)


def _quantity(doc: Doc, group: list[Token]) -> Quantity:
    value = 0.0
    for token in group:
        part = _number_value(token.lower_) or 0.0
        if token.lower_.rstrip("s") in lexicon.MULTIPLIERS and value:
            value *= part
        else:
            value += part
    first, last = group[0], group[-1]
    before = [token.lower_ for token in doc[max(0, first.i - 3) : first.i]]
    approximate = any(word in lexicon.APPROXIMATORS for word in before) or any(
        token.lower_ in lexicon.APPROXIMATORS for token in group
    )
    number = doc[first.i : last.i + 1].text
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if first.i > 0 and doc[first.i - 1].text in _CURRENCIES:
        return Quantity(doc[first.i - 1].text, value, approximate, number, "")
    if after is not None and after.lower_ in _PERCENT:
        return Quantity("%", value, approximate, number, "")
    head = last.head
    while head.i in {token.i for token in group} and head.head.i != head.i:
        head = head.head
    if head.tag_ in {"IN", "TO"} and head.head.i != head.i:
        head = head.head
    thing = head.text if head.tag_.startswith("NN") else ""
    return Quantity(canonical(head), value, approximate, number, thing)


def _dates(doc: Doc) -> dict[str, dict[str, str]]:
    dates: dict[str, dict[str, str]] = {}

    def add(kind: str, value: str, text: str) -> None:
        dates.setdefault(kind, {}).setdefault(value, text)

    for token in doc:
        low = token.lower_.rstrip(".")
        if _YEAR.match(token.text):
            add("year", token.text, token.text)
        elif low.rstrip("s") in lexicon.WEEKDAYS:
            add("weekday", low.rstrip("s"), token.text)
        elif low in lexicon.MONTHS and (token.tag_ in _NAME_TAGS or low != "may"):
            month = lexicon.MONTHS[low]
            add("month", month, token.text)
            for neighbour in (
                token.nbor(-1) if token.i > 0 else None,
                token.nbor(1) if token.i + 1 < len(doc) else None,
            ):
                if neighbour is not None and neighbour.text.isdigit() and 1 <= int(neighbour.text) <= 31:
                    start, end = sorted((token.i, neighbour.i))
                    add("date", f"{int(neighbour.text)} {month}", doc[start : end + 1].text)
    return dates


# ---------------------------------------------------------------------------------------------- frames


def _frames(doc: Doc) -> Iterable[Frame]:
    for verb in doc:
        if not (verb.tag_.startswith("VB") or verb.dep_ == "ROOT"):
            continue
        subject = next((child for child in verb.children if child.dep_ in _SUBJECTS), None)
        if subject is None and verb.dep_ == "conj":
            # "Pérez opened fire and killed two officers": the second verb shares the first one's subject.
            subject = next((child for child in verb.head.children if child.dep_ in _SUBJECTS), None)
        by_agent = next(
            (
                grand
                for child in verb.children
                if child.dep_ == "agent"
                for grand in child.children
                if grand.dep_ == "pobj"
            ),
            None,
        )
        if subject is None and by_agent is None:
            continue
        passive = subject is not None and subject.dep_ == "nsubjpass"
        lemma = fold(verb.lemma_ or verb.text)
        obj = next((child for child in verb.children if child.dep_ in {"dobj", "attr", "acomp"}), None)
        light = obj is not None and (
            lemma in lexicon.LIGHT_VERBS
            or lemma == "be"
            or fold(obj.lemma_) in lexicon.LIGHT_VERB_OBJECTS.get(lemma, frozenset())
        )
        predicate_token = obj if light and obj is not None else verb
        targets = [
            (preposition, pobj)
            # In order, the verb's first: "fired grenades at the group" targets the group either way.
            for holder in dict.fromkeys(token for token in (verb, predicate_token, obj) if token is not None)
            for preposition in holder.children
            if preposition.dep_ == "prep" and preposition.lower_ in lexicon.TARGET_PREPOSITIONS
            for pobj in preposition.children
            if pobj.dep_ == "pobj" and not _is_time_or_manner(pobj)
        ]
        agent_token = by_agent if passive else subject
        if passive:
            patient_token: Token | None = subject
        elif targets and (light or obj is None or lemma in lexicon.AIMED_VERBS):
            patient_token = targets[0][1]
        else:
            # "dunking the ball at a basketball game": the object is the target, the place is where.
            targets = []
            patient_token = None if light else obj
        if patient_token is None and not light and not passive:
            # "We want to surrender" and "we do not want anyone to be hurt" want two things: what is wanted,
            # said, agreed or tried is the predicate's target.
            patient_token = next((child for child in verb.children if child.dep_ in {"xcomp", "ccomp"}), None)
        verb_text = f"{verb.text} {obj.text}" if light and obj is not None and lemma != "be" else verb.text
        if targets and not passive:
            verb_text = f"{verb_text} {targets[0][0].text}"
        agent, agent_text, named = _role(agent_token)
        patient, patient_text, _ = _role(patient_token)
        yield Frame(
            predicate=canonical(predicate_token),
            verb=verb_text,
            light=light,
            agent=agent,
            patient=patient,
            agent_text=agent_text,
            patient_text=patient_text,
            named_agent=named,
            reciprocal=patient_token is not None and _is_reciprocal(patient_token),
            # With no target, the count is of the doers: "three people drowned".
            count=_count(patient_token) if patient_token is not None else _count(agent_token),
        )


def _is_time_or_manner(token: Token) -> bool:
    """ "at 2 a.m.", "on Tuesday", "at close range": when or how, not whom an act is aimed at."""
    low = token.lower_.rstrip(".")
    return low in lexicon.NOT_TARGETS or low in lexicon.WEEKDAYS or low in lexicon.MONTHS or low.isdigit()


def _count(head: Token | None) -> Quantity | None:
    """The number of a doer or target: "five" in "arrested five" or in "five people were arrested"."""
    if head is None:
        return None
    group = [token for token in (head, *head.children) if _is_number(token) and (token is head or token.i < head.i)]
    for token in list(group):
        group.extend(child for child in token.children if _is_number(child))
    return _quantity(head.doc, sorted(set(group), key=lambda token: token.i)) if group else None


def _role(head: Token | None) -> tuple[frozenset[str], str, frozenset[str]]:
    """The words of a doer or target, its text, and its proper names; prepositional phrases left out."""
    if head is None or _is_reciprocal(head):
        return frozenset(), "", frozenset()
    heads = [head, *(child for child in head.children if child.dep_ == "conj")]
    words: set[str] = set()
    named: set[str] = set()
    for each in heads:
        for token in _role_tokens(each):
            lemma = canonical(token)
            if _is_content(token, lemma):
                words.add(lexicon.ROLE_EQUIVALENTS.get(lemma, lemma))
                if token.tag_ in _NAME_TAGS:
                    named.add(lemma)
            elif token.tag_ == "PRP" and token is each:
                words.add(token.lower_)
    last = heads[-1]
    return frozenset(words), head.doc[head.left_edge.i : last.i + 1].text, frozenset(named)


def _is_reciprocal(head: Token) -> bool:
    return " ".join(token.lower_ for token in head.subtree) in {"each other", "one another"}


def _role_tokens(head: Token) -> list[Token]:
    """Who a doer or target is: its head word, the names before it and its possessor.

    "Oscar Pérez's group" gives Oscar, Pérez and group; "a cat song" gives song alone, since a common
    noun before the head says what kind of thing it is, not whose; "the striking dockworkers" gives strike and
    dockworker, since what they do says who they are.
    """
    tokens = [head]
    for child in head.lefts:
        if child.dep_ == "poss" or (child.dep_ == "compound" and _NAME_TAGS & {child.tag_, head.tag_}):
            tokens.extend(child.subtree)
        elif child.dep_ == "amod" and (child.tag_ in {"VBG", "VBN"} or child.lower_.endswith(("ing", "ed"))):
            # "the striking dockworkers" are "the strikers", "the missing workers" the missing.
            tokens.append(child)
    return tokens
