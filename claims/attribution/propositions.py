"""Propositions: what a statement claims, as self-contained sentences in the reporter's neutral words.

An attribution's content ("“We said we'd turn ourselves in, but they don't want to…”") becomes one
proposition per main clause, in the third person: "I" is the speaker, "we" the speaker's group, "he"
and "they" the nearest fitting person or group the text named before (the speaker resolver's
mentions), "Mr Pérez had opened fire" is "Oscar Pérez opened fire", "here" is the story's place, and a
"not" is taken out and kept as the statement's stance (`Proposition.denies`). A reference that cannot
be resolved safely is left as written and the proposition says so (`unresolved`): the claim then needs
an editor's wording. Fragments, questions and phrases without a clause make none.

The outlet's own sentences that attribute nothing become propositions too, when NARRATION_RULES say
they check something; background and scene-setting do not.
"""

import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from claims import lexicon
from claims.attribution import parse_with_lemmas
from claims.attribution.lexicon import CUE_FORMS, GROUP_NOUNS, KINSHIP, QUOTE_CLOSERS, QUOTE_OPENERS
from claims.attribution.speakers import SpeakerResolver, is_proper
from claims.attribution.types import Attribution
from core.text import fold

# -- words


@dataclass(frozen=True)
class Pronoun:
    """How a pronoun is rewritten: who it may be (`refers`), and its role, for the form the name takes."""

    refers: str  # "speaker", "group" (the speaker's), "person", "group or organisation", "organisation", "listener"
    role: str  # "subject", "object", "possessive", "reflexive"
    plural: bool = False


PRONOUNS: dict[str, Pronoun] = {
    "i": Pronoun("speaker", "subject"),
    "me": Pronoun("speaker", "object"),
    "my": Pronoun("speaker", "possessive"),
    "myself": Pronoun("speaker", "reflexive"),
    "we": Pronoun("group", "subject", plural=True),
    "us": Pronoun("group", "object", plural=True),
    "our": Pronoun("group", "possessive", plural=True),
    "ourselves": Pronoun("group", "reflexive", plural=True),
    "he": Pronoun("person", "subject"),
    "him": Pronoun("person", "object"),
    "his": Pronoun("person", "possessive"),
    "she": Pronoun("person", "subject"),
    "her": Pronoun("person", "object"),
    "they": Pronoun("group or organisation", "subject", plural=True),
    "them": Pronoun("group or organisation", "object", plural=True),
    "their": Pronoun("group or organisation", "possessive", plural=True),
    "you": Pronoun("listener", "subject"),
    "your": Pronoun("listener", "possessive"),
}
# The pronoun that stands for a referent already named in the same proposition.
THIRD_PERSON = {
    ("group", "subject"): "they",
    ("group", "object"): "them",
    ("group", "possessive"): "their",
    ("group", "reflexive"): "themselves",
    ("speaker", "reflexive"): "themself",
}
# What joins a clause to the sentence, not part of what it says.
CLAUSE_OPENERS = frozenset({"that", "how", "whether", "but", "and", "or", "so", ",", "—", "–", "-", ";", ":"})
RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})
# Clitics written as tokens of their own, in full.
CONTRACTIONS = {"’re": "are", "'re": "are", "’m": "am", "'m": "am", "’ll": "will", "'ll": "will", "’ve": "have"}
NEGATIONS = frozenset({"not", "n't", "n’t", "never"})
DEICTIC_TIME = frozenset({"now", "today", "currently", "then"})
MODALS = frozenset({"will", "would", "could", "should", "may", "might", "must", "can", "shall", "wo", "ca"})
# Words that hedge a sentence into something no one can check.
HEDGES = frozenset(
    "unclear unknown uncertain perhaps maybe possibly probably likely unlikely seems seem seemed appears appear "
    "appeared apparently reportedly allegedly remains".split()
)

# Pasts that are not the lemma with -ed: enough for the verbs news copy backshifts ("had taken" → "took").
IRREGULAR_PASTS = dict(
    pair.split(":")
    for pair in """
    arise:arose burst:burst cost:cost cut:cut bet:bet upset:upset bear:bore beat:beat become:became begin:began
    bite:bit blow:blew break:broke bring:brought
    build:built buy:bought catch:caught choose:chose come:came dig:dug do:did draw:drew drive:drove eat:ate
    fall:fell feed:fed feel:felt fight:fought find:found flee:fled fly:flew forbid:forbade forget:forgot
    freeze:froze get:got give:gave go:went grow:grew hang:hung have:had hear:heard hide:hid hit:hit hold:held
    hurt:hurt keep:kept know:knew lay:laid lead:led leave:left let:let lie:lay light:lit lose:lost make:made
    mean:meant meet:met overthrow:overthrew pay:paid put:put quit:quit read:read ride:rode ring:rang rise:rose
    run:ran say:said see:saw seek:sought sell:sold send:sent set:set shake:shook shoot:shot shut:shut
    sing:sang sink:sank sit:sat slay:slew sleep:slept speak:spoke spend:spent split:split spread:spread
    stand:stood steal:stole stick:stuck strike:struck swear:swore swim:swam take:took teach:taught tear:tore
    tell:told think:thought throw:threw understand:understood wake:woke wear:wore win:won withdraw:withdrew
    write:wrote
    """.split()
)


def past_of(lemma: str) -> str:
    """The simple past of a verb: "take" → "took", "drop" → "dropped", "arrest" → "arrested"."""
    lemma = lemma.lower()
    if lemma in IRREGULAR_PASTS:
        return IRREGULAR_PASTS[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if len(re.findall(r"[aeiou]+", lemma)) == 1 and re.search(r"[^aeiou][aeiou][bdgmnprt]$", lemma):
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


def present_of(lemma: str, *, plural: bool) -> str:
    """The present tense for a third-person subject: "be" → "is", "have" → "has", "know" → "knows"."""
    lemma = lemma.lower()
    if plural:
        return {"be": "are"}.get(lemma, lemma)
    if lemma in ("be", "have", "do", "go"):
        return {"be": "is", "have": "has", "do": "does", "go": "goes"}[lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma + "es"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _lemma_of_participle(token: Token) -> str:
    """The verb of an -ing form, even where the tagger read it as a noun ("dropping grenades")."""
    if token.tag_.startswith("VB") and token.lemma_ and token.lemma_ != token.lower_:
        return token.lemma_
    stem = token.lower_[:-3] if token.lower_.endswith("ing") else token.lower_
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        return stem[:-1]
    return stem


# -- what the cue makes of its content: "accused him of stealing" → "he stole"


@dataclass(frozen=True)
class CueShape:
    """A content that is not a clause of its own, and how its verb becomes one."""

    name: str
    cues: frozenset[str]
    verb: str  # "past" (stole), "present" (is), or a modal placed before it ("will", "should")
    subject: str  # "object" (the cue's object: "urged them to…") or "speaker" ("vowed to…")
    reason: str


CUE_SHAPES: tuple[CueShape, ...] = (
    CueShape(
        "charge",
        frozenset({"accuse", "suspect", "convict", "charge", "blame"}),
        "past",
        "object",
        "accused X of doing: X did it (of being, of having: X is, X has)",
    ),
    CueShape(
        "exhortation",
        frozenset({"urge", "tell", "ask", "advise", "warn", "encourage", "call", "order", "instruct"}),
        "should",
        "object",
        "urged X (not) to do: X should (not) do it",
    ),
    CueShape(
        "undertaking",
        frozenset({"vow", "promise", "pledge", "threaten", "swear", "guarantee"}),
        "will",
        "speaker",
        "vowed to do: the speaker will do it",
    ),
    CueShape(
        "self-description",
        frozenset({"claim", "profess", "admit", "acknowledge", "deny"}),
        "present",
        "speaker",
        "claimed to be: the speaker is",
    ),
)
# "declared him a terrorist": the object is what the rest is said of.
PREDICATING_CUES = frozenset({"declare", "call", "describe", "label", "brand", "name", "consider", "deem", "find"})


# -- the outlet's own sentences


@dataclass(frozen=True)
class NarrationRule:
    """One test a sentence the outlet states itself must pass to be a checkable statement."""

    name: str
    passes: Callable[["_Clause"], bool]
    reason: str


def _has_finite_verb(clause: "_Clause") -> bool:
    return any(token.tag_ in ("VBD", "VBZ", "VBP") for token in clause.tokens)


def _not_modal(clause: "_Clause") -> bool:
    return not any(token.tag_ == "MD" for token in clause.tokens if token.head == clause.head or token == clause.head)


def _concrete_subject(clause: "_Clause") -> bool:
    subjects = [child for child in clause.head.children if child.dep_ in ("nsubj", "nsubjpass", "expl")]
    return bool(subjects) and not any(subject.lower_ in ("you", "one", "we", "i") for subject in subjects)


def _checkable_detail(clause: "_Clause") -> bool:
    return any(token.tag_ in ("CD", "NNP", "NNPS") for token in clause.tokens if token.i != clause.head.i)


def _not_hedged(clause: "_Clause") -> bool:
    return not any(token.lower_ in HEDGES for token in clause.tokens)


def _not_question(clause: "_Clause") -> bool:
    return not clause.doc[clause.head.sent.end - 1].text.startswith("?")


NARRATION_RULES: tuple[NarrationRule, ...] = (
    NarrationRule("finite verb", _has_finite_verb, "a headline, caption or phrase states nothing"),
    NarrationRule("past or present", _not_modal, "what will or may happen cannot be checked yet"),
    NarrationRule("concrete subject", _concrete_subject, "a generic 'you' or 'one' is nobody in particular"),
    NarrationRule("checkable detail", _checkable_detail, "without a name, number or date there is nothing to check"),
    NarrationRule("not hedged", _not_hedged, "'it is unclear', 'apparently': the outlet does not vouch for it"),
    NarrationRule("not a question", _not_question, "a question asserts nothing"),
)

# Where the story happens, as its opening sentences name it: "in the town of El Junquito".
PLACE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:town|city|village|district|suburb|neighbourhood|neighborhood|region|province|area) of "
        r"((?:[A-Z][\w’'-]+)(?: (?:[A-Z][\w’'-]+|de|del|la|el))*)"
    ),
)
PLACE_SENTENCES = 4
# Prepositions whose proper-noun object is already a place or time of the clause's own.
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "on", "during", "since"})
TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december year month week yesterday".split()
)


# -- the result


@dataclass(frozen=True)
class Proposition:
    """One self-contained proposition and the words of the source it rests on."""

    text: str
    span: tuple[int, int]
    denies: bool = False
    """The words deny it: "her son never opened fire" denies "… opened fire …"."""
    unresolved: tuple[str, ...] = ()
    """References left as written because nothing safe could replace them: the wording needs an editor."""

    @property
    def needs_wording(self) -> bool:
        return bool(self.unresolved)


@dataclass(frozen=True)
class Narration:
    """A sentence the outlet states itself, as a proposition, with its main verb as the cue."""

    proposition: Proposition
    cue: tuple[int, int]


@dataclass(frozen=True)
class StoryPropositions:
    stated: list[list[Proposition]]
    """The propositions of each attribution, in the order given."""
    narrated: list[Narration]
    left_out: int = 0
    """Propositions beyond the limit, not proposed."""


def story_propositions(
    text: str,
    attributions: Sequence[Attribution],
    *,
    limit: int,
    group_of: Callable[[str], str] | None = None,
) -> StoryPropositions:
    """The propositions of each attribution in `text`, and of the outlet's own checkable sentences.

    `group_of(speaker)` names the group a speaker's "we" stands for; without it, "<speaker>'s group".
    At most `limit` propositions come from one attribution or one sentence; `left_out` counts the rest.
    """
    doc = parse_with_lemmas([text])[0]
    story = _Story(doc, list(attributions), group_of or _group_by_name)
    stated: list[list[Proposition]] = []
    left_out = 0
    for attribution in attributions:
        found = list(story.propositions(attribution))
        left_out += max(0, len(found) - limit)
        stated.append(found[:limit])
    narrated: list[Narration] = []
    for sentence in story.narrated_sentences():
        found_narrated = list(story.narration(sentence))
        left_out += max(0, len(found_narrated) - limit)
        narrated.extend(found_narrated[:limit])
    return StoryPropositions(stated=stated, narrated=narrated, left_out=left_out)


def _group_by_name(speaker: str) -> str:
    # A speaker's "we" is the people they speak for, whom the text seldom names: "Oscar Pérez's group" says
    # no more than that, where naming an organisation would be a guess.
    return f"{speaker}’s group"


# -- reading a story


@dataclass
class _Clause:
    doc: Doc
    head: Token
    tokens: list[Token]
    subject: str | None = None
    """A subject the clause borrows from outside it: the cue's object, the speaker, a relative's antecedent."""
    verb_form: str | None = None
    """How the head verb is written when its subject is borrowed (a CueShape's `verb`)."""


@dataclass
class _Rendering:
    words: list[str] = field(default_factory=list)
    denies: bool = False
    unresolved: list[str] = field(default_factory=list)
    named: set[str] = field(default_factory=set)


class _Story:
    def __init__(self, doc: Doc, attributions: list[Attribution], group_of: Callable[[str], str]) -> None:
        self.doc = doc
        self.attributions = attributions
        self.group_of = group_of
        self.sentences = [sentence for sentence in doc.sents if sentence.text.strip()]
        self.sentence_starts = [sentence.start_char for sentence in self.sentences]
        self.quotes = [(match.start(1), match.end(1)) for match in re.finditer(r"[“\"]([^“”\"]+)[”\"]", doc.text)]
        self.place = _story_place(self.sentences)
        self.cues = {cue.i for cue in map(self._cue_token, attributions) if cue is not None}
        self.speakers = SpeakerResolver()
        self.speakers.learn_names((s.start_char, number, s.text) for number, s in enumerate(self.sentences))
        for number, sentence in enumerate(self.sentences):
            for token in sentence:
                if token.dep_ in ("nsubj", "nsubjpass") and token.lower_ not in PRONOUNS:
                    self.speakers.note_subject(token, 0, number)
                    if token.lower_ in GROUP_NOUNS or token.tag_ in ("NNS", "NNPS"):
                        self.speakers.resolve(_noun_phrase(token), 0, number)
        for attribution in attributions:
            if attribution.speaker and attribution.source is not None:
                position = attribution.source[0]
                source = doc.char_span(*attribution.source, alignment_mode="expand")
                if source is not None and len(source) > 1:
                    # "His mother, Rosa Lima, said": what the source's words say of the speaker, for "her son".
                    self.speakers.resolve(source, 0, self._sentence_at(position))
                self.speakers.remember(
                    attribution.speaker, attribution.speaker_kind, position, self._sentence_at(position), True
                )

    def _sentence_at(self, position: int) -> int:
        return max(0, bisect_right(self.sentence_starts, position) - 1)

    # -- statements

    def propositions(self, attribution: Attribution) -> Iterator[Proposition]:
        inside = self._content_tokens(attribution)
        if not inside:
            return
        cue = self._cue_token(attribution)
        direct = attribution.kind == "direct"
        for clause in self._clauses(inside, cue, attribution):
            proposition = self._render(clause, attribution, cue, direct=direct)
            if proposition is not None:
                yield proposition

    def _content_tokens(self, attribution: Attribution) -> set[int]:
        start, end = attribution.content
        left_out = [attribution.cue] + ([attribution.source] if attribution.source else [])
        quoted = [(qs, qe) for qs, qe in self.quotes if qs < end and start < qe]
        chosen = set()
        for token in self.doc:
            if token.is_space or not (start <= token.idx < end):
                continue
            if any(s <= token.idx < e for s, e in left_out):
                continue
            if attribution.kind == "direct" and quoted and not any(qs <= token.idx < qe for qs, qe in quoted):
                continue  # "“A,” he said, “B.”": the words between the quotations are the reporter's
            chosen.add(token.i)
        return chosen

    def _cue_token(self, attribution: Attribution) -> Token | None:
        start, end = attribution.cue
        verbs = [t for t in self.doc if start <= t.idx < end and t.lower_ in CUE_FORMS]
        return verbs[-1] if verbs else None

    def _clauses(self, inside: set[int], cue: Token | None, attribution: Attribution) -> Iterator[_Clause]:
        doc = self.doc
        roots = [doc[i] for i in sorted(inside) if doc[i].head.i not in inside or doc[i].head.i == i]
        heads: list[tuple[Token, str | None, str | None]] = []
        shape = _shape_of(cue)
        for root in roots:
            if root.is_punct:
                continue
            if root.dep_ == "prep" and root.lower_ in ("of", "about", "for"):
                gerunds = [child for child in root.children if child.dep_ in ("pcomp", "pobj") and _verbal(child)]
                for gerund in gerunds:
                    subject = self._object_of(cue, attribution)
                    for verb in (gerund, *_conjoined(gerund)):
                        heads.append((verb, subject, "past" if shape is None else shape.verb))
                continue
            if _infinitive(root) and shape is not None:
                subject = self._object_of(cue, attribution) if shape.subject == "object" else attribution.speaker
                for verb in (root, *_conjoined(root)):
                    heads.append((verb, subject, shape.verb))
                continue
            if _verbal(root) or any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
                for verb in (root, *_own_clauses(root, inside)):
                    heads.append((verb, None, None))
                    heads.extend(self._appositions(verb, inside, attribution, direct=attribution.kind == "direct"))
        split = {head.i for head, _, _ in heads}
        for head, subject, form in heads:
            tokens = [t for t in _clause_tokens(head, split, inside, self.cues) if not t.is_space]
            if not tokens:
                continue
            borrowed = subject
            if borrowed is None and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in head.children):
                borrowed = self._relative_antecedent(head, cue)
            elif borrowed is None:
                relative = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside]
                if relative and relative[0].lower_ in RELATIVE_PRONOUNS:
                    borrowed = self._relative_antecedent(head, cue)
            yield _Clause(doc, head, tokens, subject=borrowed, verb_form=form)

    def _appositions(
        self, verb: Token, inside: set[int], attribution: Attribution, *, direct: bool
    ) -> Iterator[tuple[Token, str | None, str | None]]:
        """ "he is a highly trained agent, part of the Special Actions Brigade": two things said of him."""
        subject = _subject_token(verb)
        if verb.lemma_ != "be" or subject is None:
            return
        for attribute in (child for child in verb.children if child.dep_ == "attr"):
            for apposition in (child for child in attribute.children if child.dep_ == "appos" and child.i in inside):
                pronoun = PRONOUNS.get(subject.lower_)
                if pronoun is not None:
                    named = self._refer(subject, pronoun, attribution, direct=direct)
                else:
                    named = self._names_in(_phrase_text(subject))
                if named is not None:
                    yield apposition, named, "copula"

    def _object_of(self, cue: Token | None, attribution: Attribution) -> str | None:
        """Whom "accused him of…", "urged them to…" is about: the cue's object, resolved."""
        if cue is None:
            return None
        objects = [child for child in cue.children if child.dep_ in ("dobj", "nsubj") and child.i > cue.i]
        objects += [child for child in cue.children if child.dep_ == "dobj"]
        if not objects:
            if cue.dep_ in ("acl", "relcl"):  # "a pilot accused of…"
                return _phrase_text(cue.head)
            return None
        target = objects[0]
        if target.lower_ in RELATIVE_PRONOUNS:
            return _phrase_text(cue.head) if cue.dep_ == "relcl" else None
        pronoun = PRONOUNS.get(target.lower_)
        if pronoun is not None:
            return self._refer(target, pronoun, attribution, direct=False, object_of_cue=True)
        return self._names_in(_phrase_text(target))

    def _relative_antecedent(self, head: Token, cue: Token | None) -> str | None:
        """ "the CIA, which it says is trying to…": the clause is about the CIA."""
        if cue is not None and cue.dep_ == "relcl":
            return _phrase_text(cue.head)
        return None

    def _refer(
        self, token: Token, pronoun: Pronoun, attribution: Attribution, *, direct: bool, object_of_cue: bool = False
    ) -> str | None:
        """What a pronoun in a statement stands for, or None where that cannot be said safely."""
        speaker, kind = attribution.speaker, attribution.speaker_kind
        position, sentence = token.idx, self._sentence_at(token.idx)
        if pronoun.refers == "speaker":
            return speaker if direct else None
        if pronoun.refers == "group":
            return self.group_of(speaker) if direct and speaker else None
        if pronoun.refers == "listener":
            return None
        if not direct and not object_of_cue and speaker:
            # Reported speech: "Mr Perez said he had offered…": he is the speaker, when the speaker can be one.
            if pronoun.refers == "person" and kind == "person" and self._may_be(speaker, token.lower_):
                return speaker
            if pronoun.refers == "group or organisation" and kind in ("group", "organisation"):
                return speaker
        besides = speaker if (direct or object_of_cue or not self._may_be(speaker or "", token.lower_)) else None
        if pronoun.refers == "person":
            found = self.speakers.antecedent("he", position, sentence, besides=besides)
        else:
            found = self.speakers.antecedent("they", position, sentence, besides=besides)
        return found.name

    def _may_be(self, person: str, pronoun: str) -> bool:
        """Whether the pronoun can stand for the person: in "his mother said he was innocent", "he" is not her."""
        sex = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female"}.get(pronoun)
        known = {KINSHIP[role.noun][0] for role in self.speakers.roles if role.name == person and role.noun in KINSHIP}
        return sex is None or not known - {None, sex}

    def _relative(self, possessive: Token, attribution: Attribution, *, direct: bool) -> str | None:
        """Who "her son" is: the name beside it ("her son, Pedro Lima"), or the one person the text says is the
        owner's son; None where neither says so."""
        relative = possessive.head
        named = [child for child in relative.children if child.dep_ == "appos" and is_proper(child)]
        owner = self._refer(possessive, PRONOUNS[possessive.lower_], attribution, direct=direct)
        if named:
            words = [t.text for t in _proper_words(named[0])]
            parts = [part for part in words if fold(part).rstrip(".") not in ("mr", "mrs", "ms", "dr", "miss")]
            # A relative shares the family name: "Mr Lima" beside Rosa Lima is not her.
            fitting = [
                person
                for person in self.speakers.people
                if owner is None or fold(person) != fold(owner)
                if [fold(part) for part in person.split()][-len(parts) :] == [fold(part) for part in parts]
            ]
            return fitting[0] if len(fitting) == 1 and parts else " ".join(words)
        if owner is None:
            return None
        return self.speakers.relative(fold(relative.text), owner)

    def _names_in(self, words: str) -> str:
        """A short form of a name the text gave in full ("Mr Pérez") as the full one ("Oscar Pérez")."""
        parts = words.split()
        if not parts:
            return words
        known = self._person(parts)
        return known if known is not None else words

    def _person(self, parts: list[str]) -> str | None:
        named = [part for part in parts if fold(part).rstrip(".") not in ("mr", "mrs", "ms", "dr", "miss")]
        if not named or len(named) > 3:
            return None
        for canonical in self.speakers.people:
            known = [fold(part) for part in canonical.split()]
            folded = [fold(part) for part in named]
            if len(folded) <= len(known) and folded == known[-len(folded) :] and len(known) > 1:
                return canonical
        return None

    def _render(
        self, clause: _Clause, attribution: Attribution, cue: Token | None, *, direct: bool
    ) -> Proposition | None:
        head = clause.head
        rendering = _Rendering()
        if clause.subject is not None:
            rendering.named.add(fold(clause.subject))
        tokens = _trim(clause.tokens)
        if not tokens or not _is_proposition(clause, tokens):
            return None
        subject = _subject_token(head)
        if subject is not None and is_proper(subject):
            name = self._person([t.text for t in _proper_words(subject)])
            if name is not None:
                rendering.named.add(fold(name))
        backshift_had = {
            child.i
            for child in head.children
            if child.dep_ == "aux" and child.lower_ == "had" and head.tag_ == "VBN" and not direct
        }
        keep_negation = clause.verb_form == "should"
        leans_on_story = (
            _present_or_progressive(head)
            if direct
            else bool(backshift_had) or (_progressive(head) and cue is not None and cue.tag_ == "VBD")
        )
        entries: list[list[Any]] = []  # [token, words, space after]
        number_changed: bool | None = None
        head_form: dict[int, str] = {}
        dropped: set[int] = set()
        index = 0
        while index < len(tokens):
            token = tokens[index]
            lower = token.lower_
            written: str | None = token.text
            if token.is_space:
                if entries:
                    entries[-1][2] = " "
                index += 1
                continue
            if token.text in QUOTE_OPENERS + QUOTE_CLOSERS or token.i in dropped:
                written = None
            elif token.tag_ == "PRP$" and token.dep_ == "poss" and token.head.lower_ in KINSHIP and lower in PRONOUNS:
                relative = self._relative(token, attribution, direct=direct)
                if relative is None:
                    rendering.unresolved.append(f"{token.text} {token.head.text}")
                else:
                    # "her son, Mr Lima," → "Mr Lima": the name stands for the whole phrase.
                    written = relative
                    kin = token.head
                    dropped |= {kin.i} | {
                        t.i for child in kin.children if child.dep_ in ("appos", "punct") for t in child.subtree
                    }
            elif lower in NEGATIONS and token.dep_ == "neg" and not keep_negation:
                rendering.denies = not rendering.denies
                written = None
                if entries and str(entries[-1][1]).lower() in ("do", "does", "did") and entries[-1][0] is not None:
                    entries.pop()  # "don't want" → "want"; "does not answer" → "answer"
                    if head.tag_ == "VB":
                        head_form[head.i] = present_of(head.lemma_ or head.lower_, plural=_plural_subject(head))
            elif token.i in backshift_had or (
                lower in DEICTIC_TIME and token.dep_ == "advmod" and (direct or lower == "now")
            ):
                written = None
            elif lower == "here" and token.dep_ == "advmod":
                if self.place is None:
                    rendering.unresolved.append("here")
                else:
                    written = f"at {self.place}"
                    leans_on_story = False
            elif lower in CONTRACTIONS:
                written = CONTRACTIONS[lower]
            elif lower in ("’d", "'d"):
                written = "had" if token.head.tag_ == "VBN" else "would"
            elif lower in ("’s", "'s") and token.tag_.startswith("VB"):
                written = "has" if token.head.tag_ == "VBN" else "is"
            elif lower in PRONOUNS and token.tag_ in ("PRP", "PRP$"):
                written = self._pronoun_words(token, PRONOUNS[lower], attribution, direct, cue, rendering)
                if token.dep_ in ("nsubj", "nsubjpass") and token.head.i == head.i and written != token.text:
                    number_changed = lower == "i" or (PRONOUNS[lower].plural and not _looks_plural(written))
            elif lower in ("it", "its") and not direct and attribution.speaker_kind == "organisation":
                # Reported speech of an organisation: "the government says the CIA is trying to overthrow it".
                written = _named(attribution.speaker or token.text) + ("’s" if lower == "its" else "")
            elif backshift_had and token.dep_ == "auxpass" and token.head.i == head.i:
                written = "were" if _plural_subject(head) else "was"  # "had been cut" → "was cut"
            elif token.i in head_form:
                written = head_form[token.i]
            elif token.i == head.i and backshift_had and not any(c.dep_ == "auxpass" for c in head.children):
                written = _backshifted(head, _plural_subject(head))
            elif is_proper(token) and (index == 0 or not is_proper(tokens[index - 1])):
                run = [token]
                while index + 1 < len(tokens) and is_proper(tokens[index + 1]):
                    index += 1
                    run.append(tokens[index])
                name = self._person([t.text for t in run])
                written = name if name is not None else " ".join(t.text for t in run)
                token = run[-1]
            if written is None:
                if entries and token.whitespace_:
                    entries[-1][2] = token.whitespace_ and " "
                index += 1
                continue
            if written != token.text and token.text[:1] in "’'" and entries:
                entries[-1][2] = " "  # "they’re" → "they are"
            spaced = bool(token.whitespace_) or (token.i + 1 < len(token.doc) and token.doc[token.i + 1].is_space)
            entries.append([token, written, " " if spaced else ""])
            index += 1
        if number_changed:
            _agree(entries, head)
        if clause.subject is not None:
            entries = self._with_borrowed_subject(clause, entries)
        elif _small_clause(head, tokens):
            entries = _with_copula(head, entries)
        if not entries:
            return None
        if (
            leans_on_story
            and self.place
            and not _has_place_or_time(tokens)
            and clause.verb_form not in ("will", "should")
        ):
            entries[-1][2] = " "
            entries.append([None, f"at {self.place}", ""])
        sentence = _joined(entries)
        if len(fold(sentence).split()) < 2:
            return None
        start = min(token.idx for token in tokens)
        end = max(token.idx + len(token) for token in tokens)
        return Proposition(
            text=sentence,
            span=(start, end),
            denies=rendering.denies,
            unresolved=tuple(rendering.unresolved),
        )

    def _pronoun_words(
        self,
        token: Token,
        pronoun: Pronoun,
        attribution: Attribution,
        direct: bool,
        cue: Token | None,
        rendering: _Rendering,
    ) -> str:
        object_of_cue = cue is not None and (
            token.head.i == cue.i or (token.dep_ == "nsubj" and token.head.head.i == cue.i and not _verbal(token.head))
        )
        referent = self._own_subject(token) if pronoun.refers == "person" and pronoun.role != "subject" else None
        if referent is None:
            referent = self._refer(token, pronoun, attribution, direct=direct, object_of_cue=object_of_cue)
        if referent is None:
            rendering.unresolved.append(token.text)
            return token.text
        if fold(referent) in rendering.named:
            # Named already in this proposition: "Oscar Pérez offered to turn himself in", not "… turn Oscar Pérez in".
            if pronoun.refers == "speaker" and pronoun.role != "reflexive":
                return referent
            return THIRD_PERSON.get((pronoun.refers, pronoun.role), token.text)
        rendering.named.add(fold(referent))
        if pronoun.role == "reflexive":
            return THIRD_PERSON.get((pronoun.refers, pronoun.role), token.text)
        written = _named(referent)
        return f"{written}’s" if pronoun.role == "possessive" else written

    def _own_subject(self, token: Token) -> str | None:
        """ "Mr Pérez … in his mid-30s": a person named as the clause's subject is whom its "his" and "him" mean."""
        verb = token
        while verb.head.i != verb.i and not _verbal(verb):
            verb = verb.head
        subject = _subject_token(verb)
        if subject is None or not is_proper(subject):
            return None
        return self._person([t.text for t in _proper_words(subject)])

    def _with_borrowed_subject(self, clause: _Clause, entries: list[list[Any]]) -> list[list[Any]]:
        """ "of stealing a military helicopter" with subject Oscar Pérez → "Oscar Pérez stole a military helicopter"."""
        head = clause.head
        subject = _named(self._names_in(clause.subject or ""))
        plural = _looks_plural(subject)
        at = next((index for index, entry in enumerate(entries) if entry[0] is not None and entry[0].i >= head.i), None)
        if at is None:
            return entries
        verb_token = head
        tail = entries[at + 1 :]
        gerund = [t for t in head.children if t.dep_ == "compound" and t.lower_.endswith("ing")]
        if not _verbal(head) and gerund:
            # "dropping grenades", read as a noun phrase: the verb is the -ing word, the noun its object.
            verb_token = gerund[0]
            tail = [entry for entry in entries[at:] if entry[0] is None or entry[0].i != verb_token.i]
        before = entries[:at]
        auxiliaries = [entry for entry in before if entry[0] is not None and entry[0].dep_ in ("aux", "auxpass", "neg")]
        auxiliaries = [entry for entry in auxiliaries if str(entry[1]).lower() not in ("to",)]
        lemma = (
            _lemma_of_participle(verb_token)
            if verb_token.lower_.endswith("ing")
            else (verb_token.lemma_ or verb_token.lower_)
        )
        form = clause.verb_form
        if form in ("will", "should"):
            negation = [entry for entry in before if entry[0] is not None and entry[0].lower_ in NEGATIONS]
            verb = " ".join([form, *(str(entry[1]) for entry in negation), lemma])
        elif form == "copula":
            return [[None, subject, " "], [None, "are" if plural else "is", " "], *entries[at:]]
        elif auxiliaries:
            verb = " ".join([*(str(entry[1]) for entry in auxiliaries), verb_token.text])
        elif lemma in ("be", "have") or form == "present":
            verb = present_of(lemma, plural=plural)
        else:
            verb = past_of(lemma)
        return [[None, subject, " "], [verb_token, verb, " "], *tail]

    # -- the outlet's own sentences

    def narrated_sentences(self) -> Iterator[int]:
        for number, sentence in enumerate(self.sentences):
            if sentence.root.i in self.cues:
                continue  # "…, officials say": the sentence is theirs
            if any(
                len(self.doc.text[qs:qe].split()) >= 3
                for qs, qe in self.quotes
                if qs < sentence.end_char and sentence.start_char < qe
            ):
                continue  # a quotation nobody is credited with is not the outlet's assertion
            yield number

    def narration(self, number: int) -> Iterator[Narration]:
        sentence = self.sentences[number]
        taken = [
            span
            for attribution in self.attributions
            for span in (attribution.cue, attribution.content, attribution.source)
            if span is not None
        ]
        inside = {
            token.i
            for token in sentence
            if not token.is_space and not any(start <= token.idx < end for start, end in taken)
        }
        root = sentence.root
        heads = [root, *_own_clauses(root, inside)]
        split = {head.i for head in heads}
        for head in heads:
            tokens = [t for t in _clause_tokens(head, split, inside, self.cues) if not t.is_space]
            clause = _Clause(self.doc, head, tokens)
            if not tokens or not all(rule.passes(clause) for rule in NARRATION_RULES):
                continue
            narrator = Attribution(source=None, cue=(head.idx, head.idx), content=(0, 0), kind="indirect", speaker=None)
            proposition = self._render(clause, narrator, None, direct=False)
            if proposition is not None:
                yield Narration(proposition=proposition, cue=_cue_of_narration(head))


def _named(referent: str) -> str:
    """A referent as the subject or object of a sentence: "authorities" → "the authorities"."""
    first = referent.split(" ", 1)[0].lower() if referent else ""
    if referent[:1].isupper() or first in ("the", "a", "an", "those", "these", "this", "that"):
        return referent
    return f"the {referent}"


def _subject_token(verb: Token) -> Token | None:
    return next((child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")), None)


def _proper_words(token: Token) -> list[Token]:
    words = [t for t in token.subtree if is_proper(t) and t.i <= token.i]
    return words or [token]


AGREEMENT = {"are": "is", "were": "was", "have": "has", "do": "does", "am": "is", "’re": "is"}


def _agree(entries: list[list[Any]], head: Token) -> None:
    """The verb agreeing with a singular subject that replaced "we" or "I": "we're negotiating" → "… is negotiating"."""
    for entry in entries:
        token = entry[0]
        if token is None or not (token.i == head.i or (token.head.i == head.i and token.dep_ in ("aux", "auxpass"))):
            continue
        word = str(entry[1])
        if word.lower() in AGREEMENT:
            entry[1] = AGREEMENT[word.lower()]
            return
        if token.tag_ == "VBP":
            entry[1] = present_of(token.lemma_ or word, plural=False)
            return
        if token.tag_ in ("VBD", "VBZ", "MD"):
            return


def _story_place(sentences: Sequence[object]) -> str | None:
    opening = " ".join(str(sentence) for sentence in list(sentences)[:PLACE_SENTENCES])
    for pattern in PLACE_PATTERNS:
        match = pattern.search(opening)
        if match:
            return match.group(1)
    return None


def _shape_of(cue: Token | None) -> CueShape | None:
    if cue is None:
        return None
    base = CUE_FORMS.get(cue.lower_)
    return next((shape for shape in CUE_SHAPES if base in shape.cues), None)


def _verbal(token: Token) -> bool:
    return (
        token.tag_.startswith("VB") or token.tag_ == "MD" or (token.lower_.endswith("ing") and token.dep_ == "compound")
    )


def _infinitive(token: Token) -> bool:
    return token.tag_ == "VB" and any(child.dep_ == "aux" and child.lower_ == "to" for child in token.children)


def _conjoined(verb: Token) -> Iterator[Token]:
    """Verbs joined to this one that share its subject: "stealing a helicopter and dropping grenades"."""
    for child in verb.children:
        if child.dep_ == "conj":
            if _verbal(child):
                yield child
                yield from _conjoined(child)
            else:
                gerund = [t for t in child.children if t.dep_ == "compound" and t.lower_.endswith("ing")]
                if gerund:
                    yield child  # "dropping grenades", read by the tagger as a noun phrase


def _own_clauses(verb: Token, inside: set[int]) -> Iterator[Token]:
    """Clauses joined to this one with a subject of their own: "…, but they do not want…"."""
    for child in verb.children:
        if child.i not in inside:
            continue
        if child.dep_ in ("conj", "parataxis") and any(
            c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children
        ):
            yield child
            yield from _own_clauses(child, inside)


def _clause_tokens(head: Token, split: set[int], inside: set[int], cues: set[int]) -> list[Token]:
    """The words of one clause: its subtree, without the clauses split off and without attributions of
    their own ("five people who they accuse of…", "a pilot accused of…")."""
    cut: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.i in split:
            cut.update(t.i for t in token.subtree)
            # the "and"/"but" and comma that joined it
            for sibling in token.head.children:
                if sibling.dep_ in ("cc", "punct") and sibling.i < token.i and sibling.i > head.i:
                    cut.add(sibling.i)
        elif token.i in cues and token.i != head.i:
            cut.update(t.i for t in token.subtree)
    kept = [t for t in head.subtree if t.i in inside and t.i not in cut]
    if kept:
        # A closing bracket the parser hung on the sentence: "RPGs [rocket-propelled grenades]".
        closing = head.doc[kept[-1].i + 1] if kept[-1].i + 1 < len(head.doc) else None
        if closing is not None and closing.text in ")]" and closing.i in inside:
            kept.append(closing)
    if head.dep_ == "conj" and head.i not in inside:
        return []
    return kept


def _trim(tokens: list[Token]) -> list[Token]:
    """Without what joins the clause to others: a leading "that", "but", "how", a trailing comma or "and"."""
    while tokens and (tokens[0].lower_ in CLAUSE_OPENERS or tokens[0].text in QUOTE_OPENERS or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and ((tokens[-1].is_punct and tokens[-1].text not in (")", "]")) or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]
    return tokens


def _is_proposition(clause: _Clause, tokens: list[Token]) -> bool:
    """A clause with a verb and someone or something it is said of; not a question, not a fragment."""
    head = clause.head
    sentence_end = head.sent.end - 1
    if head.doc[sentence_end].text == "?" or any(t.text == "?" for t in tokens):
        return False
    # The parser sometimes hangs the subject on the auxiliary: "the budget was gone".
    verbs = [head, *(child for child in head.children if child.dep_ in ("aux", "auxpass"))]
    has_subject = clause.subject is not None or any(
        child.dep_ in ("nsubj", "nsubjpass", "expl") for verb in verbs for child in verb.children
    )
    if not has_subject:
        return False
    if clause.verb_form is not None:
        return True
    if _small_clause(head, tokens):
        return True
    return any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in tokens if t.i == head.i or t.head.i == head.i)


def _small_clause(head: Token, tokens: list[Token]) -> bool:
    """ "(declared) him a terrorist": a subject and what is said of it, without a verb."""
    return not head.tag_.startswith("VB") and any(child.dep_ == "nsubj" for child in head.children)


def _with_copula(head: Token, entries: list[list[Any]]) -> list[list[Any]]:
    subject = next(child for child in head.children if child.dep_ == "nsubj")
    after = max(t.i for t in subject.subtree)
    at = next((i for i, entry in enumerate(entries) if entry[0] is not None and entry[0].i > after), len(entries))
    verb = "are" if _looks_plural(" ".join(str(entry[1]) for entry in entries[:at])) else "is"
    return [*entries[:at], [None, verb, " "], *entries[at:]]


def _present_or_progressive(head: Token) -> bool:
    """A quotation in the present: "they want to kill us", "we're negotiating": it speaks of the story's scene."""
    return (
        head.tag_ in ("VBP", "VBZ")
        or _progressive(head)
        or any(child.dep_ == "aux" and child.tag_ in ("VBP", "VBZ") for child in head.children)
    )


def _progressive(head: Token) -> bool:
    return head.tag_ == "VBG" and any(child.dep_ == "aux" and child.lemma_ == "be" for child in head.children)


def _has_place_or_time(tokens: list[Token]) -> bool:
    for token in tokens:
        if token.lower_ in TIME_WORDS or (
            token.tag_ == "CD" and any(t.lower_ in TIME_WORDS for t in token.head.subtree)
        ):
            return True
        if token.dep_ == "pobj" and token.head.lower_ in PLACE_PREPOSITIONS and is_proper(token):
            return True
    return False


def _plural_subject(head: Token) -> bool:
    subjects = [child for child in head.children if child.dep_ in ("nsubj", "nsubjpass")]
    return bool(subjects) and (subjects[0].tag_ in ("NNS", "NNPS") or subjects[0].lower_ in ("they", "we"))


def _looks_plural(subject: str) -> bool:
    last = subject.split()[-1].lower() if subject.split() else ""
    return last in ("people", "they", "police") or (last.endswith("s") and not last.endswith(("’s", "'s", "ss")))


def _backshifted(head: Token, plural: bool) -> str:
    """ "had opened" → "opened", "had been" → "was"."""
    lemma = head.lemma_ or head.lower_
    if lemma == "be":
        return "were" if plural else "was"
    return past_of(lemma)


def _noun_phrase(token: Token) -> Span:
    start = min(t.i for t in token.subtree if t.dep_ in ("det", "amod", "compound", "nummod") or t.i == token.i)
    return token.doc[start : token.i + 1]


def _phrase_text(token: Token) -> str:
    """A noun with its determiners and modifiers, without relative clauses: "the people of Venezuela"."""
    cut = {
        t.i
        for child in token.children
        if child.dep_ in ("relcl", "acl", "punct", "appos", "advmod")
        for t in child.subtree
    }
    words = [t for t in token.subtree if t.i not in cut and not t.is_space]
    while words and words[-1].is_punct:
        words.pop()
    text = " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s")
    return text


def _cue_of_narration(head: Token) -> tuple[int, int]:
    start = min([head.i] + [c.i for c in head.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < head.i])
    first = head.doc[start]
    return first.idx, head.idx + len(head)


def _joined(entries: Iterable[list[Any]]) -> str:
    text = "".join(f"{entry[1]}{entry[2]}" for entry in entries)
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:—–-")
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


# -- saying the same thing


@dataclass(frozen=True)
class Gist:
    """What a proposition says, for a strict comparison: its content words (lemmas, with their parts of
    speech), names, numbers and whether it is negated. Voice does not change it: "police arrested six"
    and "six were arrested by police" share every content word."""

    words: frozenset[tuple[str, str]]
    names: frozenset[str]
    numbers: frozenset[str]
    negated: bool


LIGHT_VERBS = frozenset({"be", "have", "do", "get"})
WORD_POS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}


def gists_of(texts: Sequence[str]) -> list[Gist]:
    """The gist of each text. Each text is parsed once per process: the join compares every proposition of a
    story with the same few candidate claims, which would otherwise be parsed again for each."""
    with _gists_lock:
        known = {text: _gists[text] for text in texts if text in _gists}
    missing = list(dict.fromkeys(text for text in texts if text not in known))
    parsed = {text: _gist(doc) for text, doc in zip(missing, parse_with_lemmas(missing), strict=True)}
    with _gists_lock:
        for text, gist in parsed.items():
            if len(_gists) >= _GISTS_KEPT:
                _gists.pop(next(iter(_gists)))  # the oldest first
            _gists[text] = gist
    return [known.get(text) or parsed[text] for text in texts]


# Gists of texts already parsed (claims, mostly), oldest first; a few KB each.
_GISTS_KEPT = 4096
_gists: dict[str, Gist] = {}
_gists_lock = threading.Lock()


def _gist(doc: Doc) -> Gist:
    words: set[tuple[str, str]] = set()
    names: set[str] = set()
    numbers: set[str] = set()
    negated = False
    for token in doc:
        if token.like_num or token.tag_ == "CD":
            numbers.add(fold(token.text))  # before the stop words: "five" is one
        elif token.is_punct or token.is_space or (token.is_stop and token.lower_ not in NEGATIONS):
            continue
        elif token.lower_ in NEGATIONS or token.dep_ == "neg":
            negated = not negated
        elif is_proper(token):
            names.add(fold(token.text))
        elif token.pos_ in WORD_POS and token.lemma_.lower() not in LIGHT_VERBS:
            words.add((fold(token.lemma_), WORD_POS[token.pos_]))
    return Gist(frozenset(words), frozenset(names), frozenset(numbers), negated)


def same_gist(first: Gist, second: Gist) -> bool:
    """Whether two propositions say the same: the same names, numbers and negation, and each content word of
    either matched in the other by itself, a synonym, a derivation or a verb for the same act."""
    if (first.names, first.numbers, first.negated) != (second.names, second.numbers, second.negated):
        return False
    return all(_matched(word, second.words) for word in first.words) and all(
        _matched(word, first.words) for word in second.words
    )


def _matched(word: tuple[str, str], others: frozenset[tuple[str, str]]) -> bool:
    lemma, pos = word
    if word in others or any(lemma == other for other, _ in others):
        return True
    near = set(lexicon.synonyms(lemma, pos)) | {derived for derived, _ in lexicon.derivations(lemma, pos)}  # type: ignore[arg-type]
    if any(other in near for other, _ in others):
        return True
    return pos == "v" and any(other_pos == "v" and lexicon.same_act(lemma, other) for other, other_pos in others)
