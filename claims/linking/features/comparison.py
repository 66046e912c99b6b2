"""Two analysed claims compared: the values of `FEATURE_NAMES`, and the conflicts behind them in words a
reviewer can check.

`compare` measures how much the claims share (wording, content words, coverage, topic), then walks `RULES`:
each rule that holds sets its features and, for a conflict, says what a reviewer should look at. A new
kind of conflict, or a new reason why one claim does not restate the other, is one more entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from claims.attribution.lexicon import CUE_VERBS
from claims.linking import lexicon
from claims.linking.features.parsing import BROADER, Analysis, Negation, Quantity, stem

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
)


@dataclass
class Comparison:
    values: dict[str, float]
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    """(feature name, what a reviewer should look at), strongest kinds first."""
    shared: list[str] = field(default_factory=list)
    """Shared content words, as written in the first claim."""


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
    numbers: str
    """The counts that differ, as a reviewer reads them; empty when none do."""
    dates: str


def pair_of(a: Analysis, b: Analysis) -> Pair:
    """What the rules read of `a` and `b`."""
    antonyms = _opposites(a.lemmas, b.lemmas, _ANTONYMS)
    exclusive = _opposites(a.said_of, b.said_of, _EXCLUSIVE_DESCRIPTIONS) + _opposites(
        a.content, b.content, _EXCLUSIVE_TIMES
    )
    uncovered_a = frozenset(word for word in a.content if not _covers(b, word))
    uncovered_b = frozenset(word for word in b.content if not _covers(a, word))
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
            (denying_more if denies_more[id(negating)] else on_fact).append(clash)
        clashes = on_fact
    return Pair(
        a=a,
        b=b,
        uncovered_a=uncovered_a,
        uncovered_b=uncovered_b,
        opposed=opposed,
        replaced=replaced,
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
        "were killed in the raid on the prison' / 'officers were killed'): no contradiction, nor a restatement.",
    ),
    Rule(
        name="roles exchanged",
        holds=lambda pair: pair.frames.exchanged,
        sets={"replaced": _one},
        why="Who did what to whom is exchanged on a predicate both can do to each other ('the president praised "
        "the mayor' / 'the mayor praised the president'): both may be true, but neither restates the other.",
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
    return Comparison(values, conflicts, [word for lemma, word in a.surface.items() if lemma in shared])


# ---------------------------------------------------------------------------------------------- word lists and finders


_ANTONYMS: dict[str, frozenset[str]] = {}
for _first, _second in lexicon.ANTONYMS:
    _ANTONYMS[_first] = _ANTONYMS.get(_first, frozenset()) | {_second}
    _ANTONYMS[_second] = _ANTONYMS.get(_second, frozenset()) | {_first}


def _exclusive_of(groups: Iterable[frozenset[str]]) -> dict[str, frozenset[str]]:
    exclusive: dict[str, frozenset[str]] = {}
    for group in groups:
        for word in group:
            exclusive[word] = exclusive.get(word, frozenset()) | (group - {word})
    return exclusive


_EXCLUSIVE_DESCRIPTIONS = _exclusive_of(lexicon.EXCLUSIVE_DESCRIPTIONS)
_EXCLUSIVE_TIMES = _exclusive_of(lexicon.EXCLUSIVE_TIMES)


def _covers(analysis: Analysis, word: str) -> bool:
    """Whether the claim has the word, a word of its stem, a narrower word ("man" for "person") or a broader one."""
    return (
        word in analysis.content
        or stem(word) in analysis.stems
        or word in analysis.broader
        or not BROADER.get(word, frozenset()).isdisjoint(analysis.content)
    )


def _share_covered(words: frozenset[str], uncovered: Set[str]) -> float:
    return 1 - len(uncovered & words) / len(words) if words else 0.0


def _opposites(
    first: frozenset[str], second: frozenset[str], opposites: Mapping[str, frozenset[str]]
) -> list[tuple[str, str]]:
    only_first, only_second = first - second, second - first
    return sorted((x, y) for x in only_first for y in opposites.get(x, frozenset()) & only_second)


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


def _compare_frames(a: Analysis, b: Analysis) -> _Frames:
    shared = False
    swapped = ""
    other_subject = ""
    other_agents: frozenset[str] = frozenset()
    exchanged = False
    for x in a.frames:
        for y in b.frames:
            if x.predicate != y.predicate:
                continue
            same_agent = bool(x.agent & y.agent)
            same_patient = bool(x.patient & y.patient)
            if same_agent and (same_patient or not x.patient or not y.patient):
                shared = True
            crossed = bool(x.agent & y.patient) or bool(x.patient & y.agent)
            reversible = (
                crossed
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
        shared=shared, swapped=swapped, other_subject=other_subject, exchanged=exchanged, other_agents=other_agents
    )
