"""What two claims share and where they conflict, as named numbers and as phrases a reviewer can check.

Each text is parsed once (tagger and parser shared with attribution, then the
same model's lemmatizer) and reduced to an `Analysis`: its content words, its
negations, numbers, dates and who-does-what-to-whom frames. Analyses are kept
in a bounded cache, so a claim compared with fifty candidates, or a candidate
met again in the next job, is parsed once. `compare` then turns two analyses
into the values of `FEATURE_NAMES` and the conflicts behind them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from django.conf import settings
from spacy.tokens import Doc, Token

from claims.attribution import ExtractionUnavailable, _parser
from claims.attribution import lexicon as attribution_lexicon
from claims.attribution.lexicon import CUE_VERBS
from claims.linking import lexicon
from core.text import fold

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

_CACHE_SIZE = 8192
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
    """Every broader word of a content lemma (`lexicon.BROADER_GROUPS`), through any number of steps."""

    @property
    def words_only(self) -> frozenset[str]:
        return self.content - self.names


_cache: OrderedDict[str, Analysis] = OrderedDict()
_cache_lock = threading.Lock()


def analyse_many(texts: Sequence[str]) -> list[Analysis]:
    """The analysis of each text, parsing only the distinct texts not analysed before, in one batch."""
    found = analyses_known(texts)
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    if missing:
        nlp = _parser()
        lemmatize = _lemmatizer_steps()
        parsed: dict[str, Analysis] = {}
        for text, doc in zip(missing, nlp.pipe(missing, batch_size=_BATCH_SIZE), strict=True):
            for step in lemmatize:
                doc = step(doc)
            parsed[text] = _analyse(doc)
        analyses_remember(parsed)
        found.update(parsed)
    return [found[text] for text in texts]


def analyses_known(texts: Iterable[str]) -> dict[str, Analysis]:
    """The analyses this process holds of any of these texts."""
    found: dict[str, Analysis] = {}
    with _cache_lock:
        for text in texts:
            if text in _cache:
                _cache.move_to_end(text)
                found[text] = _cache[text]
    return found


def analyses_remember(analyses: Mapping[str, Analysis]) -> None:
    """Keep these analyses for the next comparisons, the least recently used making way."""
    with _cache_lock:
        for text, analysis in analyses.items():
            _cache[text] = analysis
            _cache.move_to_end(text)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


@lru_cache(maxsize=1)
def analyser_version() -> str:
    """What an analysis depends on: the language model, and this module's code and word lists. A stored analysis
    made by another version is not used (`claims.linking.analyses`)."""
    meta = _parser().meta
    code = hashlib.sha256()
    for module in (__file__, lexicon.__file__, attribution_lexicon.__file__):
        code.update(Path(module).read_bytes())
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}/{code.hexdigest()[:12]}"


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as JSON. Mappings become lists of pairs: their order is the text's, and jsonb keeps no order."""
    return {
        "words": list(analysis.words),
        "content": sorted(analysis.content),
        "names": sorted(analysis.names),
        "lemmas": sorted(analysis.lemmas),
        "surface": list(analysis.surface.items()),
        "phrases": list(analysis.phrases.items()),
        "negations": [dataclasses.astuple(negation) for negation in analysis.negations],
        "quantities": [dataclasses.astuple(quantity) for quantity in analysis.quantities],
        "dates": [[kind, list(values.items())] for kind, values in analysis.dates.items()],
        "frames": [
            [sorted(value) if isinstance(value, frozenset) else value for value in dataclasses.astuple(frame)]
            for frame in analysis.frames
        ],
        "gist": analysis.gist,
        "heads": sorted(analysis.heads),
        "said_of": sorted(analysis.said_of),
        "stems": sorted(analysis.stems),
        "broader": sorted(analysis.broader),
    }


def analysis_from_json(data: Mapping[str, Any]) -> Analysis:
    """The analysis `analysis_to_json` wrote."""
    frames = []
    for predicate, verb, light, agent, patient, agent_text, patient_text, named_agent, reciprocal in data["frames"]:
        frames.append(
            Frame(
                predicate=predicate,
                verb=verb,
                light=light,
                agent=frozenset(agent),
                patient=frozenset(patient),
                agent_text=agent_text,
                patient_text=patient_text,
                named_agent=frozenset(named_agent),
                reciprocal=reciprocal,
            )
        )
    return Analysis(
        words=tuple(data["words"]),
        content=frozenset(data["content"]),
        names=frozenset(data["names"]),
        lemmas=frozenset(data["lemmas"]),
        surface=dict(data["surface"]),
        phrases=dict(data["phrases"]),
        negations=tuple(Negation(*values) for values in data["negations"]),
        quantities=tuple(Quantity(*values) for values in data["quantities"]),
        dates={kind: dict(values) for kind, values in data["dates"]},
        frames=tuple(frames),
        gist=data["gist"],
        heads=frozenset(data["heads"]),
        said_of=frozenset(data["said_of"]),
        stems=frozenset(data["stems"]),
        broader=frozenset(data["broader"]),
    )


@lru_cache(maxsize=1)
def _lemmatizer_steps() -> tuple[Callable[[Doc], Doc], ...]:
    # The shared parser leaves the lemmatizer out (attribution reads inflected forms). Linking compares
    # lemmas, so the same model's attribute ruler (tags to parts of speech) and lemmatizer run after it;
    # loading only those two costs a few megabytes, not a second parser.
    name = settings.ATTEST_SPACY_MODEL
    try:
        nlp = spacy.load(name, exclude=["tok2vec", "tagger", "parser", "senter", "ner"])
    except OSError as error:
        raise ExtractionUnavailable(f"The English language model “{name}” is not installed.") from error
    return tuple(step for pipe_name, step in nlp.pipeline if pipe_name in {"attribute_ruler", "lemmatizer"})


def _analyse(doc: Doc) -> Analysis:
    content: set[str] = set()
    names: set[str] = set()
    surface: dict[str, str] = {}
    phrases: dict[str, str] = {}
    lemmas: set[str] = set()
    said_of: set[str] = set()
    heads: set[str] = set()
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
        broader=frozenset(broad for lemma in content for broad in _BROADER.get(lemma, ())),
    )


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
            if pobj.dep_ == "pobj"
        ]
        agent_token = by_agent if passive else subject
        if passive:
            patient_token: Token | None = subject
        elif targets:
            patient_token = targets[0][1]
        else:
            patient_token = None if light else obj
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
        )


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
    noun before the head says what kind of thing it is, not whose.
    """
    tokens = [head]
    for child in head.lefts:
        if child.dep_ == "poss" or (child.dep_ == "compound" and _NAME_TAGS & {child.tag_, head.tag_}):
            tokens.extend(child.subtree)
    return tokens


# ---------------------------------------------------------------------------------------------- two texts


@dataclass
class Comparison:
    values: dict[str, float]
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    """(feature name, what a reviewer should look at), strongest kinds first."""
    shared: list[str] = field(default_factory=list)
    """Shared content words, as written in the first claim."""


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


_BROADER = _broader_of(lexicon.BROADER_GROUPS)


def compare(a: Analysis, b: Analysis) -> Comparison:
    """The features of a pair of analysed claims, with the conflicts found and the words they share."""
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    conflicts: list[tuple[str, str]] = []
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

    antonyms = _opposites(a.lemmas, b.lemmas, _ANTONYMS)
    exclusive = _opposites(a.said_of, b.said_of, _EXCLUSIVE_DESCRIPTIONS) + _opposites(
        a.content, b.content, _EXCLUSIVE_TIMES
    )
    uncovered_a = {word for word in a.content if not _covers(b, word)}
    uncovered_b = {word for word in b.content if not _covers(a, word)}
    values["coverage"] = max(_share_covered(a.content, uncovered_a), _share_covered(b.content, uncovered_b))
    # A word replaced by its opposite still stands in the same place: a conflict, not another topic.
    opposed = {word for pair in antonyms + exclusive for word in pair}
    replaced = bool(uncovered_a - opposed) and bool(uncovered_b - opposed)
    values["replaced"] = float(replaced)
    on_topic = max(
        _share_covered(words_a or a.content, uncovered_a - opposed),
        _share_covered(words_b or b.content, uncovered_b - opposed),
    )

    frames = _compare_frames(a, b)
    values["shared_frame"] = float(frames.shared)
    # Each claim saying something the other does not ("no man is dancing" / "a man is singing") is about
    # another fact, unless the same subject is seen doing the same thing in both.
    topic = max(values["shared_frame"], on_topic / 2 if replaced else on_topic)
    values["topic"] = topic

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
    if not frames.shared:
        on_fact = [(negation, other) for negation, other in clashes if not denies_more[id(b if other is a else a)]]
        if len(on_fact) < len(clashes):
            # Nor does either claim restate the other: one denies what the other says, and more.
            values["replaced"] = 1.0
        clashes = on_fact
    if frames.exchanged:
        # "The president praised the mayor" / "the mayor praised the president": both may be true, but
        # neither restates the other.
        values["replaced"] = 1.0
    if not clashes and not agreed and bool(negations_a) != bool(negations_b):
        # One claim negates something the other does not mention ("there is no evidence that the vote was
        # rigged" / "the vote was rigged"): whatever else they share, one does not restate the other.
        values["replaced"] = 1.0
    antonyms = [pair for pair in antonyms if pair not in agreed]
    negation = bool(clashes)
    values["negation"] = float(negation)
    values["antonym"] = float(bool(antonyms))
    values["polarity"] = float(negation or bool(antonyms))
    values["exclusive"] = float(bool(exclusive))
    numbers = _number_conflict(a.quantities, b.quantities)
    values["numbers"] = float(numbers is not None)
    dates = _date_conflict(a.dates, b.dates)
    values["dates"] = float(dates is not None)
    values["roles"] = float(frames.swapped is not None)
    values["subjects"] = float(frames.other_subject is not None)
    # A number, a date or a doer is one slot of a fact: two claims that differ there and also each say something
    # the other does not ("the price of rice rose 35%" / "the price of petrol rose 31%", "Andina laid off 3,000
    # in Valparaíso" / "Lakeview laid off 400 in Guadalajara") are about two facts, whatever predicate they share.
    slot_topic = 0.0 if replaced else topic
    # Different doers of the same act differ in the doers' words alone: that is the conflict, not another topic.
    doers = frames.other_agents
    other_fact = bool(uncovered_a - opposed - doers) and bool(uncovered_b - opposed - doers)
    subject_topic = 0.0 if other_fact else max(values["shared_frame"], on_topic)
    for name, on_topic_share in (
        ("polarity", topic),
        ("exclusive", topic),
        ("numbers", slot_topic),
        ("dates", slot_topic),
        ("subjects", subject_topic),
    ):
        values[f"{name}_on_topic"] = values[name] * on_topic_share

    if frames.swapped is not None:
        conflicts.append(("roles", frames.swapped))
    if values["polarity"]:
        if negation:
            clash, other = clashes[0]
            counterpart = other.phrases.get(clash.target) or other.gist
            conflicts.append(("polarity_on_topic", f"negation: '{clash.phrase}' vs '{counterpart}'"))
        else:
            x, y = antonyms[0]
            conflicts.append(("polarity_on_topic", f"antonyms: {a.surface.get(x, x)} vs {b.surface.get(y, y)}"))
    if numbers is not None:
        conflicts.append(("numbers_on_topic", numbers))
    if dates is not None:
        conflicts.append(("dates_on_topic", dates))
    if exclusive:
        x, y = exclusive[0]
        conflicts.append(("exclusive_on_topic", f"incompatible: {a.surface.get(x, x)} vs {b.surface.get(y, y)}"))
    if frames.other_subject is not None:
        conflicts.append(("subjects_on_topic", frames.other_subject))
    # `surface` keeps the order of the text, so the shared words read in the first claim's order.
    return Comparison(values, conflicts, [word for lemma, word in a.surface.items() if lemma in shared])


def _covers(analysis: Analysis, word: str) -> bool:
    """Whether the claim has the word, a word of its stem, a narrower word ("man" for "person") or a broader one."""
    return (
        word in analysis.content
        or stem(word) in analysis.stems
        or word in analysis.broader
        or not _BROADER.get(word, frozenset()).isdisjoint(analysis.content)
    )


def _share_covered(words: frozenset[str], uncovered: set[str]) -> float:
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


def _number_conflict(first: Sequence[Quantity], second: Sequence[Quantity]) -> str | None:
    for key in dict.fromkeys(q.key for q in first):
        mine = [q for q in first if q.key == key]
        theirs = [q for q in second if q.key == key]
        if theirs and not any(_consistent(x, y) for x in mine for y in theirs):
            x, y = mine[0], theirs[0]
            return f"numbers differ: {x.describe()} vs {y.describe(with_thing=x.thing != y.thing)}"
    return None


def _consistent(x: Quantity, y: Quantity) -> bool:
    if x.value == y.value:
        return True
    if x.approximate or y.approximate:
        # "at least 30" and "32", "about 100" and "90": close enough not to call a conflict.
        low, high = sorted((x.value, y.value))
        return low > 0 and high / low <= 1.5
    return False


def _date_conflict(first: Mapping[str, Mapping[str, str]], second: Mapping[str, Mapping[str, str]]) -> str | None:
    for kind in ("date", "year", "weekday", "month"):
        mine, theirs = first.get(kind, {}), second.get(kind, {})
        if mine and theirs and not set(mine) & set(theirs):
            return f"dates differ: {next(iter(mine.values()))} vs {next(iter(theirs.values()))}"
    return None


@dataclass(frozen=True)
class _Frames:
    shared: bool = False
    swapped: str | None = None
    other_subject: str | None = None
    exchanged: bool = False
    """The roles are swapped on a predicate that both can do to each other: another fact, but no conflict."""
    other_agents: frozenset[str] = frozenset()
    """The doers' words where different named subjects have the same predicate (`other_subject`)."""


def _compare_frames(a: Analysis, b: Analysis) -> _Frames:
    shared = False
    swapped: str | None = None
    other_subject: str | None = None
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
            elif swapped is None and reversible:
                verb = y.verb if x.light and not y.light else x.verb
                swapped = (
                    f"roles swapped: who {verb} whom ('{x.agent_text}' → '{x.patient_text or '?'}' "
                    f"vs '{y.agent_text}' → '{y.patient_text or '?'}')"
                )
            if (
                other_subject is None
                and x.named_agent
                and y.named_agent
                and not same_agent
                and not crossed
                and (same_patient or (not x.patient and not y.patient))
                and x.predicate not in CUE_VERBS
                and x.predicate not in lexicon.SYMMETRIC_PREDICATES
            ):
                other_subject = f"different subjects: '{x.agent_text}' vs '{y.agent_text}' ({x.verb})"
                other_agents = x.agent | y.agent
    return _Frames(
        shared=shared, swapped=swapped, other_subject=other_subject, exchanged=exchanged, other_agents=other_agents
    )
