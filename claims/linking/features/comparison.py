"""Two analysed claims compared: the values of `FEATURE_NAMES`, and the conflicts behind them in words a
reviewer can check.

`compare` measures how much the claims share (wording, content words, coverage, topic), then walks `RULES`:
each rule that holds sets its features and, for a conflict, says what a reviewer should look at. A new
kind of conflict, or a new reason why one claim does not restate the other, is one more entry there.

Which words name one act, one thing or opposite ones comes from the general lexicon (`claims.lexicon`, built
from Open English WordNet), asked once per lemma, and from the hand lists of `claims.linking.lexicon` where
the lexicon lacks what news needs (confirm / deny, arrest / release).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from claims import lexicon as general
from claims.attribution.lexicon import CUE_VERBS
from claims.linking import lexicon
from claims.linking.features.parsing import Analysis, Frame, Negation, Quantity, broader_words, stem

# The fixed list of features, in order. A calibrated classifier reweights exactly these, so a name here
# is a promise: add new ones at the end, and change what an existing one measures only with a new detector
# version (FeatureClassifier.version), since a calibration applies to the version it was fitted on.
FEATURE_NAMES: tuple[str, ...] = (
    "same_wording",  # 1 when the words are the same once case, accents and punctuation are ignored
    "sequence",  # difflib ratio of the two word sequences: near 1 for the same sentence lightly edited
    "jaccard",  # shared content lemmas / all content lemmas (names included; synonyms count as one)
    "containment",  # shared content lemmas / content lemmas of the claim that has fewer
    "word_containment",  # the same without proper names, so "Oscar Pérez" alone does not make two claims alike
    "shared_frame",  # 1 when a predicate has the same subject in both (and objects that do not differ)
    "topic",  # how far the claims are about the same thing: max(shared_frame, coverage of the words other than
    # names, counting antonyms and incompatible words as covered, halved when a word is replaced); conflicts
    # count in proportion to it
    "negation",  # 1 when one claim negates a word that the other asserts: "no confirmed links" / "ties"
    "antonym",  # 1 when one claim has a word whose opposite is in the other (rose / fell), unless the word
    # is negated: "did not rise" and "fell" agree
    "polarity",  # negation or antonym
    "exclusive",  # 1 when the claims give incompatible descriptions of a slot: man / woman, morning / night
    "numbers",  # 1 when the same thing is counted differently: two officers / three officers
    "dates",  # 1 when the claims give different years, days, weekdays or months
    "roles",  # 1 when who did what to whom is reversed for the same predicate
    "subjects",  # 1 when different named subjects have the same predicate and object
    "polarity_on_topic",  # polarity × topic
    "exclusive_on_topic",  # exclusive × topic
    "numbers_on_topic",  # numbers × topic, 0 when each claim also has a word the other does not cover
    "dates_on_topic",  # dates × topic, 0 likewise: another number or date on another fact is no conflict
    "subjects_on_topic",  # subjects × topic, where only the doers' words may differ (topic not halved for them)
    "coverage",  # the share of the better-covered claim's content words that the other has, a word counting as
    # had when the other has it, a synonym, a broader or narrower word or a word of the same stem
    # (man / person, dancing / dance)
    "replaced",  # 1 when each claim has a content word that the other does not cover: one thing said in place
    # of another ("on the lawn" / "on the road"), so neither claim restates the other; also when one claim
    # denies what the other asserts and more ("no man is dancing on the road" / "a man is dancing"), or
    # negates something the other does not mention, or who does what to whom is exchanged
    "same_proposition",  # 1 when a predicate of each names one act, with the same doer and the same target (where
    # both name one), and no conflict: the same proposition, whatever detail each adds ("the authority opened the
    # spillway at 2 a.m." / "the authority opened the spillway in the middle of the night")
)


@dataclass
class Comparison:
    values: dict[str, float]
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    """(feature name, what a reviewer should look at), strongest kinds first."""
    shared: list[str] = field(default_factory=list)
    """Shared content words, as written in the first claim."""
    same: str = ""
    """The proposition both state, as each words it, when they state one (`same_proposition`)."""


# ---------------------------------------------------------------------------------------------- what the rules read


# Read, never changed, by the rules; not frozen all the same, since a frozen dataclass sets each field through
# object.__setattr__, which made a comparison a sixth slower.
@dataclass(slots=True)
class Pair:
    """What the rules read of two analysed claims: what each has that the other lacks, and what stands opposed."""

    a: Analysis
    b: Analysis
    uncovered_a: frozenset[str]
    """The content words of `a` that `b` does not cover (`_covers`)."""
    uncovered_b: frozenset[str]
    opposed: frozenset[str]
    """The words of either claim that stand opposite a word of the other: antonyms, incompatible words."""
    replaced: bool
    """Each claim has a content word, not an opposite, that the other does not cover."""
    in_place: bool
    """Such words stand in the same place in both ("doing backbends in the gym" / "in the park"): one said in place
    of the other, not a detail that one report adds."""
    coverage: float
    on_topic: float
    """The better share of a claim's words other than names that the other covers, opposites counting."""
    topic: float
    frames: _Frames
    antonyms: list[tuple[str, str]]
    """Antonyms (a's word, b's word), less those a negation turns into agreement ("did not rise" / "fell")."""
    exclusive: list[tuple[str, str]]
    negations_a: list[Negation]
    """The negations of `a`, less those whose cue is a word of an antonym pair of the two ("denied" / "confirmed")."""
    negations_b: list[Negation]
    clashes: list[tuple[Negation, Analysis]]
    """Negations of what the other claim asserts, each with that claim."""
    denying_more: list[tuple[Negation, Analysis]]
    """Negations that deny more than the other claim says, on no shared frame: no conflict (`clashes` has none)."""
    agreed: set[tuple[str, str]]
    act_clashes: list[str]
    """Negations of the same act in other words ("is not shooting" / "opened fire on police"), as a reviewer
    reads them."""
    act_numbers: str
    """Targets of the same act counted differently, in the active or the passive, as a reviewer reads them."""
    states: str
    """A state against its opposite ("were killed" / "are alive"), as a reviewer reads it."""
    numbers: str
    """The counts that differ, as a reviewer reads them; empty when none do."""
    dates: str


def pair_of(a: Analysis, b: Analysis) -> Pair:
    """What the rules read of `a` and `b`."""
    antonyms = sorted(set(_opposites(a.lemmas, b.lemmas, _ANTONYMS.get) + _content_antonyms(a, b)))
    exclusive = _opposites(a.said_of, b.said_of, _EXCLUSIVE_DESCRIPTIONS.get) + _opposites(
        a.content, b.content, _EXCLUSIVE_TIMES.get
    )
    uncovered_a = frozenset(word for word in a.content if not _covers(b, word, a.pos.get(word, "")))
    uncovered_b = frozenset(word for word in b.content if not _covers(a, word, b.pos.get(word, "")))
    coverage = max(_share_covered(a.content, uncovered_a), _share_covered(b.content, uncovered_b))
    # A word replaced by its opposite still stands in the same place: a conflict, not another topic.
    opposed = frozenset(word for pair in antonyms + exclusive for word in pair)
    replaced = bool(uncovered_a - opposed) and bool(uncovered_b - opposed)
    on_topic = max(
        _share_covered(a.words_only or a.content, uncovered_a - opposed),
        _share_covered(b.words_only or b.content, uncovered_b - opposed),
    )
    frames = _compare_frames(a, b)
    # Each claim saying something the other does not ("no man is dancing" / "a man is singing") is about
    # another fact, unless the same subject is seen doing the same thing in both.
    topic = max(float(frames.shared), on_topic / 2 if replaced else on_topic)

    opposite_words = {word for pair in antonyms for word in pair}
    negations_a = [n for n in a.negations if n.cue not in opposite_words]
    negations_b = [n for n in b.negations if n.cue not in opposite_words]
    clashes, agreed = _negation_clashes((a, negations_a), (b, negations_b), antonyms)
    # "No man is dancing on the road" denies more than "a man is dancing" says: it contradicts only a claim
    # that has the whole of what it denies, a modifier aside ("a cute panda"), or the same subject and predicate.
    denies_more = {
        id(a): bool((uncovered_a & a.heads) - opposed),
        id(b): bool((uncovered_b & b.heads) - opposed),
    }
    denying_more: list[tuple[Negation, Analysis]] = []
    if not frames.shared:
        on_fact: list[tuple[Negation, Analysis]] = []
        for clash in clashes:
            negating = b if clash[1] is a else a
            other_doer = _doers_differ(negating, clash[1], clash[0].target)
            (denying_more if denies_more[id(negating)] or other_doer else on_fact).append(clash)
        clashes = on_fact
    return Pair(
        a=a,
        b=b,
        uncovered_a=uncovered_a,
        uncovered_b=uncovered_b,
        opposed=opposed,
        replaced=replaced,
        in_place=replaced and _in_place(a, uncovered_a - opposed, b, uncovered_b - opposed),
        coverage=coverage,
        on_topic=on_topic,
        topic=topic,
        frames=frames,
        antonyms=[pair for pair in antonyms if pair not in agreed],
        exclusive=exclusive,
        negations_a=negations_a,
        negations_b=negations_b,
        clashes=clashes,
        denying_more=denying_more,
        agreed=agreed,
        act_clashes=[] if clashes else _act_clashes(a, b),
        act_numbers=_act_numbers(a, b),
        states=_state_conflict(a, b),
        numbers=_number_conflict(a.quantities, b.quantities),
        dates=_date_conflict(a.dates, b.dates),
    )


# ---------------------------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class Rule:
    name: str
    """What a reviewer calls it; a conflict's words start with it ("negation: …")."""
    holds: Callable[[Pair], bool]
    sets: Mapping[str, Callable[[Pair], float]]
    """The features it sets when it holds, each to its share (`_one`, `_topic`, …); the highest rule's stands."""
    why: str
    """Why the rule holds, for whoever maintains it."""
    conflict: str | None = None
    """The feature its conflict is reported under, which the classifier weighs towards "contradicts"; the first
    rule that holds reports it."""
    says: Callable[[Pair], str] | None = None
    """What a reviewer should look at, after the name."""


def _one(pair: Pair) -> float:
    return 1.0


def _topic(pair: Pair) -> float:
    return pair.topic


def _slot_topic(pair: Pair) -> float:
    # A number, a date or a doer is one slot of a fact: two claims that differ there and also each say something
    # the other does not ("the price of rice rose 35%" / "the price of petrol rose 31%", "Andina laid off 3,000
    # in Valparaíso" / "Lakeview laid off 400 in Guadalajara") are about two facts, whatever predicate they share.
    return 0.0 if pair.replaced else pair.topic


def _subject_topic(pair: Pair) -> float:
    # Different doers of the same act differ in the doers' words alone: that is the conflict, not another topic.
    doers = pair.frames.other_agents
    other_fact = bool(pair.uncovered_a - pair.opposed - doers) and bool(pair.uncovered_b - pair.opposed - doers)
    return 0.0 if other_fact else max(float(pair.frames.shared), pair.on_topic)


def _act_topic(pair: Pair) -> float:
    # A count on the same act needs only the words other than names to agree: one report names the place
    # ("in the clearance of the Puerto Marisol terminal") and another the group ("of the Dockworkers' Federation").
    # The predicates themselves name one act in other words ("drowned" / "died"), which is the rule's condition.
    predicates = {frame.predicate for frame in (*pair.a.frames, *pair.b.frames)}
    other_fact = bool(pair.uncovered_a - pair.a.names - pair.opposed - predicates) and bool(
        pair.uncovered_b - pair.b.names - pair.opposed - predicates
    )
    return 0.0 if other_fact else 1.0


def _in_conflict(pair: Pair) -> bool:
    """Whether the claims conflict, or one denies or negates what the other does not."""
    return bool(
        bool(pair.negations_a) != bool(pair.negations_b)
        or pair.denying_more
        or pair.frames.swapped
        or pair.frames.other_subject
        or pair.clashes
        or pair.act_clashes
        or pair.states
        or pair.antonyms
        or pair.numbers
        or pair.act_numbers
        or pair.dates
        or pair.exclusive
    )


def _negation_says(pair: Pair) -> str:
    clash, other = pair.clashes[0]
    return f"'{clash.phrase}' vs '{other.phrases.get(clash.target) or other.gist}'"


def _words_say(words: Sequence[tuple[str, str]], pair: Pair) -> str:
    x, y = words[0]
    return f"{pair.a.surface.get(x, x)} vs {pair.b.surface.get(y, y)}"


# Conflicts are reported in this order, which is also the order the classifier's rationale falls back on.
RULES: tuple[Rule, ...] = (
    Rule(
        name="roles swapped",
        holds=lambda pair: bool(pair.frames.swapped),
        sets={"roles": _one},
        conflict="roles",
        says=lambda pair: pair.frames.swapped,
        why="Who did what to whom is reversed for the same predicate: found only on a shared predicate, so it needs "
        "no share of topic.",
    ),
    Rule(
        name="negation",
        holds=lambda pair: bool(pair.clashes),
        sets={"negation": _one, "polarity": _one, "polarity_on_topic": _topic},
        conflict="polarity_on_topic",
        says=_negation_says,
        why="One claim negates a word that the other asserts and does not negate: 'no confirmed links' / 'ties'.",
    ),
    Rule(
        name="negation of the same act",
        holds=lambda pair: bool(pair.act_clashes),
        sets={"negation": _one, "polarity": _one, "polarity_on_topic": _topic},
        conflict="polarity_on_topic",
        says=lambda pair: pair.act_clashes[0],
        why="One claim negates an act that the other asserts in other words, by the same doer: 'is not shooting' / "
        "'opened fire on police' (shoot, fire and open fire are one act in the general lexicon).",
    ),
    Rule(
        name="opposite states",
        holds=lambda pair: bool(pair.states),
        sets={"antonym": _one, "polarity": _one, "polarity_on_topic": _one},
        conflict="polarity_on_topic",
        says=lambda pair: pair.states,
        why="The same people are left in opposite states: 'two officers were killed' / 'the two officers are alive' "
        "(killing causes dying, and the dead are the opposite of the living). Found only on the same bearer, so it "
        "needs no share of topic.",
    ),
    Rule(
        name="antonyms",
        holds=lambda pair: bool(pair.antonyms),
        sets={"antonym": _one, "polarity": _one, "polarity_on_topic": _topic},
        conflict="polarity_on_topic",
        says=lambda pair: _words_say(pair.antonyms, pair),
        why="One claim has a word whose opposite is in the other (rose / fell), unless the word is negated: "
        "'did not rise' and 'fell' agree.",
    ),
    Rule(
        name="numbers differ",
        holds=lambda pair: bool(pair.numbers),
        sets={"numbers": _one, "numbers_on_topic": _slot_topic},
        conflict="numbers_on_topic",
        says=lambda pair: pair.numbers,
        why="The same thing is counted differently, beyond what 'about' or 'at least' allows: two officers / three "
        "officers. Another count on another fact is no conflict.",
    ),
    Rule(
        name="numbers on the same act",
        holds=lambda pair: bool(pair.act_numbers),
        sets={"numbers": _one, "numbers_on_topic": _act_topic},
        conflict="numbers_on_topic",
        says=lambda pair: pair.act_numbers,
        why="The targets of the same act are counted differently, whatever the voice and whatever each calls them: "
        "'six members … were arrested' / 'police arrested five people'. Another count on another fact is no "
        "conflict.",
    ),
    Rule(
        name="dates differ",
        holds=lambda pair: bool(pair.dates),
        sets={"dates": _one, "dates_on_topic": _slot_topic},
        conflict="dates_on_topic",
        says=lambda pair: pair.dates,
        why="The claims give different days, years, weekdays or months. Another date on another fact is no conflict.",
    ),
    Rule(
        name="incompatible",
        holds=lambda pair: bool(pair.exclusive),
        sets={"exclusive": _one, "exclusive_on_topic": _topic},
        conflict="exclusive_on_topic",
        says=lambda pair: _words_say(pair.exclusive, pair),
        why="The claims describe one slot in ways that cannot both hold: the suspect is a man / a woman, in the "
        "morning / at night.",
    ),
    Rule(
        name="different subjects",
        holds=lambda pair: bool(pair.frames.other_subject),
        sets={"subjects": _one, "subjects_on_topic": _subject_topic},
        conflict="subjects_on_topic",
        says=lambda pair: pair.frames.other_subject,
        why="Different named subjects have the same predicate and object: 'Andina laid off 3,000' / 'Lakeview laid "
        "off 3,000'. Saying who said something (a cue verb) or a predicate both can share is no conflict.",
    ),
    Rule(
        name="another word in place",
        holds=lambda pair: pair.replaced,
        sets={"replaced": _one},
        why="Each claim has a content word that the other does not cover: one thing said in place of another "
        "('on the lawn' / 'on the road'), so neither restates the other.",
    ),
    Rule(
        name="denies more",
        holds=lambda pair: bool(pair.denying_more),
        sets={"replaced": _one},
        why="With no subject and predicate in common, one claim denies what the other says, and more ('no officers "
        "were killed in the raid on the prison' / 'officers were killed'), or denies it of another doer ('they do "
        "not want us to surrender' / 'we want to surrender'): no contradiction, nor a restatement.",
    ),
    Rule(
        name="roles exchanged",
        holds=lambda pair: pair.frames.exchanged,
        sets={"replaced": _one},
        why="Who did what to whom is exchanged on a predicate both can do to each other ('the president praised "
        "the mayor' / 'the mayor praised the president'): both may be true, but neither restates the other.",
    ),
    Rule(
        name="same proposition",
        holds=lambda pair: pair.frames.same_proposition and not pair.in_place and not _in_conflict(pair),
        sets={"same_proposition": _one},
        why="A predicate of each claim names one act, by the same doer on the same target: the same proposition, "
        "whatever detail each adds ('opened the spillway at 2 a.m.' / 'opened the spillway in the middle of the "
        "night'), unless one says something in place of the other ('in the gym' / 'in the park'). Saying who said "
        "something is not a proposition of its own.",
    ),
    Rule(
        name="not a proposition",
        holds=lambda pair: not pair.a.frames or not pair.b.frames,
        sets={"replaced": _one},
        why="A claim with no doer and no predicate ('Dead.', 'him dead') says nothing that another claim can bear "
        "out, whatever word they share.",
    ),
    Rule(
        name="another act",
        holds=lambda pair: (
            bool(pair.a.frames and pair.b.frames)
            and not pair.frames.common_act
            and (pair.frames.other_roles or not _predicates_covered(pair))
        ),
        sets={"replaced": _one},
        why="No predicate of one claim names the act of a predicate of the other with the same doer and target, "
        "and the acts they share are done by others or to others ('the officers shot two strikers' / 'the strikers "
        "shot two officers' aside, 'police are dead' / 'the gunman is dead'), or no predicate of either is "
        "in the other at all ('two officers were killed' / 'two officers were injured'): sharing the words "
        "around them, they are two propositions.",
    ),
    Rule(
        name="negates the unmentioned",
        holds=lambda pair: not pair.clashes and not pair.agreed and bool(pair.negations_a) != bool(pair.negations_b),
        sets={"replaced": _one},
        why="One claim negates something the other does not mention ('there is no evidence that the vote was "
        "rigged' / 'the vote was rigged'): whatever else they share, one does not restate the other.",
    ),
)


# ---------------------------------------------------------------------------------------------- comparing


def compare(a: Analysis, b: Analysis) -> Comparison:
    """The features of a pair of analysed claims, with the conflicts found and the words they share."""
    pair = pair_of(a, b)
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    shared = a.content & b.content
    union = a.content | b.content
    same_wording = bool(a.words) and a.words == b.words
    values["same_wording"] = float(same_wording)
    values["sequence"] = SequenceMatcher(None, a.words, b.words, autojunk=False).ratio() if a.words or b.words else 0.0
    values["jaccard"] = len(shared) / len(union) if union else float(same_wording)
    fewer = min(len(a.content), len(b.content))
    values["containment"] = len(shared) / fewer if fewer else 0.0
    words_a, words_b = a.words_only, b.words_only
    fewer_words = min(len(words_a), len(words_b))
    values["word_containment"] = len(words_a & words_b) / fewer_words if fewer_words else 0.0
    values["coverage"] = pair.coverage
    values["shared_frame"] = float(pair.frames.shared)
    values["topic"] = pair.topic

    conflicts: list[tuple[str, str]] = []
    for rule in RULES:
        if not rule.holds(pair):
            continue
        for name, share in rule.sets.items():
            values[name] = max(values[name], share(pair))
        if rule.conflict is not None and rule.says is not None and all(rule.conflict != c for c, _ in conflicts):
            conflicts.append((rule.conflict, f"{rule.name}: {rule.says(pair)}"))
    # `surface` keeps the order of the text, so the shared words read in the first claim's order.
    return Comparison(
        values,
        conflicts,
        [word for lemma, word in a.surface.items() if lemma in shared],
        pair.frames.same_words if values["same_proposition"] else "",
    )


# ---------------------------------------------------------------------------------------------- word lists and finders


_ANTONYMS: dict[str, frozenset[str]] = {}
for _first, _second in lexicon.ANTONYMS:
    _ANTONYMS[_first] = _ANTONYMS.get(_first, frozenset()) | {_second}
    _ANTONYMS[_second] = _ANTONYMS.get(_second, frozenset()) | {_first}


def _canonical(words: Iterable[str]) -> frozenset[str]:
    return frozenset(lexicon.SYNONYMS.get(word, word) for word in words if " " not in word)


_PARTS_OF_SPEECH: tuple[general.Pos, ...] = ("n", "v", "a", "r")

# Lookups in the general lexicon cost about ten microseconds each and a claim's words recur in every comparison
# of it, so each is cached per lemma (or pair of lemmas). A content lemma's part of speech is not kept, so each
# asks every part of speech the lexicon could file the word under.


@lru_cache(maxsize=65536)
def _general_antonyms(lemma: str, pos: str = "") -> frozenset[str]:
    """The lemma's antonyms as a verb or an adjective ("open" / "close", "legal" / "illegal"), as the part of
    speech given if it is one of those, and the hand list's; not as a noun, where WordNet opposes "man" to
    "woman", which is another person, not a conflict, and "end" (a goal) to "beginning"."""
    parts = tuple(part for part in _PARTS_OF_SPEECH[1:3] if not pos or part == pos)
    return _canonical(word for part in parts for word in general.antonyms(lemma, part)) | _ANTONYMS.get(
        lemma, frozenset()
    )


def _content_antonyms(a: Analysis, b: Analysis) -> list[tuple[str, str]]:
    """Antonyms among the content words, each as the part of speech it has in its claim: "rose" / "fell"."""
    only_a, only_b = a.content - b.content, b.content - a.content
    return [
        (x, y)
        for x in only_a
        for y in _general_antonyms(x, a.pos.get(x, "")) & only_b
        if b.pos.get(y, "") == a.pos.get(x, "")
    ]


@lru_cache(maxsize=65536)
def _synonyms(lemma: str, pos: str = "") -> frozenset[str]:
    """Single-word synonyms of the lemma's first senses, as the part of speech given, else as a noun, a verb or an
    adjective."""
    parts = tuple(part for part in _PARTS_OF_SPEECH if part == pos) or _PARTS_OF_SPEECH[:3]
    # Not mapped to the hand groups' first words, which are for one part of speech: "cop" the verb is no "police".
    return frozenset(word for part in parts for word in general.synonyms(lemma, part) if " " not in word) - {lemma}


@lru_cache(maxsize=65536)
def _same_act(first: str, second: str) -> str:
    """Why two predicates name one act ("to open fire is a way to shoot: …"), or "" when they do not."""
    if first == second:
        return first
    match = general.same_act(first, second)
    if match is not None:
        return str(match)
    return f"{first} / {second}" if second in _synonyms(first) else ""


@lru_cache(maxsize=65536)
def _states(lemma: str) -> frozenset[str]:
    """The lemma and the states it leaves its bearer in: "kill" → "die" (what killing causes) → "dead"."""
    found = {lemma} | _canonical(general.causes(lemma))
    return frozenset(found | {lexicon.RESULT_STATES[word] for word in found if word in lexicon.RESULT_STATES})


def _exclusive_of(groups: Iterable[frozenset[str]]) -> dict[str, frozenset[str]]:
    exclusive: dict[str, frozenset[str]] = {}
    for group in groups:
        for word in group:
            exclusive[word] = exclusive.get(word, frozenset()) | (group - {word})
    return exclusive


_EXCLUSIVE_DESCRIPTIONS = _exclusive_of(lexicon.EXCLUSIVE_DESCRIPTIONS)
_EXCLUSIVE_TIMES = _exclusive_of(lexicon.EXCLUSIVE_TIMES)


def _covers(analysis: Analysis, word: str, pos: str = "") -> bool:
    """Whether the claim has the word, a word of its stem, a synonym, a narrower word ("man" for "person") or a
    broader one; `pos` is the word's part of speech in its own claim, if known."""
    return (
        word in analysis.content
        or stem(word) in analysis.stems
        or word in analysis.broader
        or not broader_words(word, pos).isdisjoint(analysis.content)
        or not _synonyms(word, pos).isdisjoint(analysis.content)
    )


def _predicates_covered(pair: Pair) -> bool:
    """Whether a predicate of either claim is in the other, in its words or in other words (`_covers`)."""
    return any(_covers(pair.b, frame.predicate, pair.a.pos.get(frame.predicate, "")) for frame in pair.a.frames) or any(
        _covers(pair.a, frame.predicate, pair.b.pos.get(frame.predicate, "")) for frame in pair.b.frames
    )


def _in_place(a: Analysis, only_a: Set[str], b: Analysis, only_b: Set[str]) -> bool:
    """Whether a word of each that the other lacks stands in the same place (`Analysis.slots`)."""
    places = {a.slots[word] for word in only_a if word in a.slots}
    return any(b.slots.get(word) in places for word in only_b)


def _roles_meet(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two doers or targets can be the same: either is unsaid, they share a word or a stem ("striking" /
    "strikers"), or a word of one is a synonym, a broader or a narrower word of a word of the other ("members" /
    "people")."""
    return (
        not first
        or not second
        or bool(first & second)
        or not {stem(x) for x in first}.isdisjoint(stem(y) for y in second)
        or any(
            y in broader_words(x, "n") or x in broader_words(y, "n") or y in _synonyms(x, "n")
            for x in first
            for y in second
        )
    )


def _same_participants(x: Frame, y: Frame) -> bool:
    """Whether two frames can be about the same doer and target: none differs, and one is said in both, or the
    target of one is the doer of the other where each leaves the other role unsaid ("the spillway opened" / "the
    spillway was opened")."""
    if x.agent and y.agent and x.patient and y.patient:
        return _roles_meet(x.agent, y.agent) and _roles_meet(x.patient, y.patient)
    said = [(p, q) for p, q in ((x.agent, y.agent), (x.patient, y.patient)) if p and q]
    if said:
        return all(_roles_meet(p, q) for p, q in said)
    crossed = [(p, q) for p, q in ((x.agent, y.patient), (x.patient, y.agent)) if p and q]
    return bool(crossed) and all(_roles_meet(p, q) for p, q in crossed)


def _frame_words(analysis: Analysis, frame: Frame) -> str:
    """A frame in the claim's own words: "Oscar Pérez opened fire on police", "two officers … killed"."""
    verb = frame.verb
    predicate = analysis.surface.get(frame.predicate, frame.predicate)
    if frame.light and predicate not in verb:
        verb = f"{verb} {predicate}"
    if not frame.agent_text:  # a passive without its doer: "two officers were killed"
        return f"{frame.patient_text} … {verb}".strip(" …")
    return f"{frame.agent_text} {verb} {frame.patient_text}".strip()


def _doers_differ(negating: Analysis, other: Analysis, predicate: str) -> bool:
    """Whether the negated predicate has a doer in both claims and never one that can be the same: "they do not
    want us to surrender" denies nothing of "we want to surrender"."""
    ours = [frame.agent for frame in negating.frames if frame.predicate == predicate and frame.agent]
    theirs = [frame.agent for frame in other.frames if frame.predicate == predicate and frame.agent]
    return bool(ours and theirs) and not any(_roles_meet(x, y) for x in ours for y in theirs)


def _negated(analysis: Analysis, lemma: str) -> bool:
    return any(negation.target == lemma for negation in analysis.negations)


def _act_clashes(a: Analysis, b: Analysis) -> list[str]:
    """Negations of an act that the other claim asserts in other words, by a doer that can be the same."""
    found: list[str] = []
    for negating, other in ((a, b), (b, a)):
        for negation in negating.negations:
            negated = [frame for frame in negating.frames if frame.predicate == negation.target]
            for frame in other.frames:
                if frame.predicate == negation.target or _negated(other, frame.predicate):
                    continue
                why = _same_act(negation.target, frame.predicate)
                ours = next(
                    (
                        mine
                        for mine in negated
                        if _roles_meet(mine.agent, frame.agent)
                        and bool(mine.patient) == bool(frame.patient)
                        and _roles_meet(mine.patient, frame.patient)
                    ),
                    None,
                )
                if why and ours is not None:
                    # "Nobody" alone says little: the negated frame in full, "Nobody telephoned San Ilario".
                    phrase = negation.phrase if " " in negation.phrase else _frame_words(negating, ours)
                    found.append(f"'{phrase}' vs '{_frame_words(other, frame)}' ({why})")
    return found


def _act_numbers(a: Analysis, b: Analysis) -> str:
    """Targets of the same act counted differently ("six members … arrested" / "arrested five people")."""
    for x in a.frames:
        for y in b.frames:
            if x.count is None or y.count is None or _consistent(x.count, y.count):
                continue
            if x.agent and y.agent and not _roles_meet(x.agent, y.agent):
                continue
            if _roles_meet(x.patient, y.patient) and _same_act(x.predicate, y.predicate):
                counted_x, counted_y = x.patient_text or x.agent_text, y.patient_text or y.agent_text
                return f"'{counted_x}' vs '{counted_y}' ({_frame_words(a, x)} / {_frame_words(b, y)})"
    return ""


def _state_conflict(a: Analysis, b: Analysis) -> str:
    """A state against its opposite for the same bearer: "two officers were killed" / "the officers are alive"."""
    for x in a.frames:
        for y in b.frames:
            if _negated(a, x.predicate) or _negated(b, y.predicate):
                continue
            if x.count is not None and y.count is not None and not _consistent(x.count, y.count):
                continue
            bearer_x, bearer_y = _bearer(a, x), _bearer(b, y)
            if not (bearer_x and bearer_y and _roles_meet(bearer_x, bearer_y)):
                continue
            ours, theirs = _states(x.predicate), _states(y.predicate)
            # Opposite predicates as such ("are dead" / "are alive") are the antonyms rule's.
            ours_caused, theirs_caused = ours - {x.predicate}, theirs - {y.predicate}
            if any(not _general_antonyms(state).isdisjoint(theirs_caused) for state in ours) or any(
                not _general_antonyms(state).isdisjoint(theirs) for state in ours_caused
            ):
                return f"'{_frame_words(a, x)}' vs '{_frame_words(b, y)}'"
    return ""


def _bearer(analysis: Analysis, frame: Frame) -> frozenset[str]:
    """Who is left in the state a frame says: its target if it has one ("killed two officers"), else its doer
    ("the officers are alive"); by its words other than names, so "the Los Arcos reservoir" and "the Los Arcos
    spillway" are two things."""
    words = frame.patient or frame.agent
    return (words - analysis.names) or words


def _share_covered(words: frozenset[str], uncovered: Set[str]) -> float:
    return 1 - len(uncovered & words) / len(words) if words else 0.0


def _opposites(
    first: frozenset[str], second: frozenset[str], opposites: Callable[[str], frozenset[str] | None]
) -> list[tuple[str, str]]:
    only_first, only_second = first - second, second - first
    return sorted((x, y) for x in only_first for y in (opposites(x) or frozenset()) & only_second)


def _negation_clashes(
    first: tuple[Analysis, list[Negation]], second: tuple[Analysis, list[Negation]], antonyms: list[tuple[str, str]]
) -> tuple[list[tuple[Negation, Analysis]], set[tuple[str, str]]]:
    """Negations of what the other claim asserts, each with that claim, and the antonym pairs that a negation
    turns into agreement ("did not rise" and "fell").

    A negation counts against the other claim only where that claim has the negated word and does not negate
    it too, so "no shirt" does not clash with "shirtless", nor "not hopping" with "not wearing tights"."""
    clashes: list[tuple[Negation, Analysis]] = []
    agreed: set[tuple[str, str]] = set()
    for (_, negations), (other, other_negations), side in ((first, second, 0), (second, first, 1)):
        negated_there = {negation.target for negation in other_negations}
        for negation in negations:
            if negation.target in lexicon.STOP_LEMMAS:
                # "is not", "did not" with nothing more specific: the claim as a whole is negated.
                if not other_negations:
                    clashes.append((negation, other))
            elif negation.target in other.lemmas:
                if negation.target not in negated_there:
                    clashes.append((negation, other))
            else:
                agreed.update(pair for pair in antonyms if pair[side] == negation.target)
    return clashes, agreed


def _number_conflict(first: Sequence[Quantity], second: Sequence[Quantity]) -> str:
    for key in dict.fromkeys(q.key for q in first):
        mine = [q for q in first if q.key == key]
        theirs = [q for q in second if q.key == key]
        if theirs and not any(_consistent(x, y) for x in mine for y in theirs):
            x, y = mine[0], theirs[0]
            return f"{x.describe()} vs {y.describe(with_thing=x.thing != y.thing)}"
    return ""


def _consistent(x: Quantity, y: Quantity) -> bool:
    if x.value == y.value:
        return True
    if x.approximate or y.approximate:
        # "at least 30" and "32", "about 100" and "90": close enough not to call a conflict.
        low, high = sorted((x.value, y.value))
        return low > 0 and high / low <= 1.5
    return False


def _date_conflict(first: Mapping[str, Mapping[str, str]], second: Mapping[str, Mapping[str, str]]) -> str:
    for kind in ("date", "year", "weekday", "month"):
        mine, theirs = first.get(kind, {}), second.get(kind, {})
        if mine and theirs and not set(mine) & set(theirs):
            return f"{next(iter(mine.values()))} vs {next(iter(theirs.values()))}"
    return ""


@dataclass(frozen=True)
class _Frames:
    shared: bool = False
    swapped: str = ""
    other_subject: str = ""
    exchanged: bool = False
    """The roles are swapped on a predicate that both can do to each other: another fact, but no conflict."""
    other_agents: frozenset[str] = frozenset()
    """The doers' words where different named subjects have the same predicate (`other_subject`)."""
    other_roles: bool = False
    """A predicate of each names one act, by other doers or to other targets."""
    same_proposition: bool = False
    same_words: str = ""
    """The first such pair of predicates in the claims' own words, for a reviewer."""
    """A predicate of each names one act, with doers said in both that can be the same, and targets that can be
    the same where both say one."""
    common_act: bool = False
    """A predicate of one claim names the act of a predicate of the other (`_same_act`), with doers and targets
    that can be the same (`_roles_meet`)."""


def _compare_frames(a: Analysis, b: Analysis) -> _Frames:
    shared = False
    swapped = ""
    other_subject = ""
    other_agents: frozenset[str] = frozenset()
    exchanged = False
    common_act = False
    other_roles = False
    for x in a.frames:
        for y in b.frames:
            if not _same_act(x.predicate, y.predicate):
                continue
            if _same_participants(x, y):
                common_act = True
            else:
                other_roles = True
            same_agent = bool(x.agent & y.agent)
            same_patient = bool(x.patient & y.patient)
            if same_agent and (same_patient or not x.patient or not y.patient):
                shared = True
            crossed = bool(x.agent & y.patient) or bool(x.patient & y.agent)
            # A passive without its doer ("the spillway was opened") or a verb without its target ("the spillway
            # opened") says nothing of who did it to whom.
            complete = bool(x.agent and x.patient and y.agent and y.patient)
            reversible = (
                crossed
                and complete
                and not same_agent
                and not same_patient
                and not (x.reciprocal or y.reciprocal)
                and x.predicate not in lexicon.SYMMETRIC_PREDICATES
            )
            if reversible and x.predicate in lexicon.MUTUAL_PREDICATES:
                exchanged = True
            elif not swapped and reversible:
                verb = y.verb if x.light and not y.light else x.verb
                swapped = (
                    f"who {verb} whom ('{x.agent_text}' → '{x.patient_text or '?'}' "
                    f"vs '{y.agent_text}' → '{y.patient_text or '?'}')"
                )
            if (
                not other_subject
                and x.named_agent
                and y.named_agent
                and not same_agent
                and not crossed
                and (same_patient or (not x.patient and not y.patient))
                and x.predicate not in CUE_VERBS
                and x.predicate not in lexicon.SYMMETRIC_PREDICATES
            ):
                other_subject = f"'{x.agent_text}' vs '{y.agent_text}' ({x.verb})"
                other_agents = x.agent | y.agent
    return _Frames(
        shared=shared,
        swapped=swapped,
        other_subject=other_subject,
        exchanged=exchanged,
        other_agents=other_agents,
        common_act=common_act,
        other_roles=other_roles,
        same_proposition=bool(same_words := _same_proposition(a, b)),
        same_words=same_words,
    )


def _same_proposition(a: Analysis, b: Analysis) -> str:
    """The claims' common proposition in each one's words, when every predicate of the claim with fewer has its
    act in the other with the same doer and target ("two children are lying in the snow and drawing angels" is
    not "two people are lying in the snow and making snow angels"); "" when not."""
    ours, theirs = _propositions(a), _propositions(b)
    if not ours or not theirs:
        return ""
    fewer_first = len(ours) <= len(theirs)
    fewer, more = (ours, theirs) if fewer_first else (theirs, ours)
    matches = [(x, next((y for y in more if _same_participants_said(x, y)), None)) for x in fewer]
    if any(y is None for _, y in matches):
        return ""
    x, y = matches[0]
    assert y is not None
    first, second = (x, y) if fewer_first else (y, x)
    return f"'{_frame_words(a, first)}' / '{_frame_words(b, second)}'"


def _propositions(analysis: Analysis) -> list[Frame]:
    # Saying who said something is not a proposition of its own.
    return [frame for frame in analysis.frames if frame.predicate not in CUE_VERBS and (frame.agent or frame.patient)]


def _same_participants_said(x: Frame, y: Frame) -> bool:
    return (
        bool(_same_act(x.predicate, y.predicate))
        and bool((x.agent and y.agent) or (x.patient and y.patient))
        and _roles_meet(x.agent, y.agent)
        and _roles_meet(x.patient, y.patient)
    )
