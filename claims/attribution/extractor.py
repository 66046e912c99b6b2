"""Attributions found from the dependency parse: a cue, its source and its content.

The rules cover the shapes reporting language takes:
- SOURCE CUE (that) CONTENT: "Cabello tweeted that Mr Pérez had opened fire"
- "CONTENT," SOURCE CUE: "“They're shooting at us,” he said", quotes over several sentences included
- CONTENT, SOURCE CUE: "Two officers have been killed, officials say"
- SOURCE CUE X of/to CONTENT: "accused him of stealing", "urged them not to lose hope"
- ..., CUE-ing: CONTENT: "adding: “Now we're negotiating”" (the source is implied)
- according to SOURCE, CONTENT
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from claims.attribution.lexicon import (
    CHANNEL_CUES,
    CHANNEL_WORDS,
    CONTENT_PREPOSITIONS,
    CUE_FORMS,
    INVERTING_VERBS,
    PHRASAL_CUES,
    QUOTE_CLOSERS,
    QUOTE_OPENERS,
)
from claims.attribution.speakers import Speaker, SpeakerResolver
from claims.attribution.types import Attribution, Kind

CLAUSE_COMPLEMENTS = frozenset({"ccomp", "xcomp"})
OBJECT_COMPLEMENTS = frozenset({"dobj", "oprd", "attr"})
# Verbs whose object alone can be what was said: "declared him a terrorist",
# "denied the allegations"; "added five points" is not an attribution.
OBJECT_CONTENT_VERBS = frozenset(
    """
    accuse acknowledge admit advocate allege announce applaud attack blame blast call cite claim condemn
    confirm criticise criticize declare demand deny describe dismiss dispute echo emphasise emphasize
    endorse mention oppose praise predict promise propose question recommend reject report reveal slam
    stress suggest tout urge want warn
    """.split()
)
# Participle clauses that continue the main verb's subject: "..., adding", "..., accusing him of".
IMPLIED_SUBJECT_DEPS = frozenset({"advcl", "conj", "xcomp", "acl"})
QUOTE_PAIR = re.compile(r"[“\"]([^“”\"]+)[”\"]")
EDGE_PUNCTUATION = ",;:—–-\x00"
# A line that opens with a short name and a colon: "Pat Caddell: Democrat voters worried".
HEADLINE_QUOTE = re.compile(
    r"^(?P<source>[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,3}): (?P<content>[^\n]{8,300})$", re.MULTILINE
)
SIGNED_QUOTE = re.compile(
    r"(?P<content>[“\"][^“”\"\n]{8,}[”\"])\s*(?P<cue>[―—])\s*(?P<source>[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,3})"
)
# Words that open such a line without naming a speaker.
NOT_SPEAKERS = frozenset(
    "the a an update updated watch analysis opinion exclusive breaking video live poll review editor photos "
    "read related note correction clarification".split()
)


@dataclass
class Reading:
    """One text being read: its quotations, who has spoken so far, and where the parsed sentence starts."""

    text: str
    quotes: list[tuple[int, int]]
    speakers: SpeakerResolver
    offset: int = 0
    sentence: int = 0

    def at(self, token: Token) -> int:
        return self.offset + token.idx

    def end_of(self, token: Token) -> int:
        return self.offset + token.idx + len(token)

    def span(self, words: Span) -> tuple[int, int]:
        return self.offset + words.start_char, self.offset + words.end_char


def attributions_in(
    text: str, sentences: Iterable[tuple[int, int, Span]], all_sentences: Iterable[tuple[int, int, str]]
) -> list[Attribution]:
    """Every attribution in `text`, in reading order.

    `sentences` are the parsed ones, as (shift into the text, sentence number, sentence); `all_sentences`
    are every sentence as (start, number, text), for the names they use.
    """
    marked = plain_quotes(text)
    reading = Reading(text=marked, quotes=_quote_spans(marked), speakers=SpeakerResolver())
    reading.speakers.learn_names(all_sentences)
    found: dict[tuple[tuple[int, int], tuple[int, int]], Attribution] = {}
    for offset, number, sentence in sentences:
        reading.offset, reading.sentence = offset, number
        for token in sentence:
            if token.dep_ in ("nsubj", "nsubjpass") and CUE_FORMS.get(token.head.lower_) is None:
                reading.speakers.note_subject(token, offset, number)
            for attribution in _attributions_at(token, reading):
                found.setdefault((attribution.cue, attribution.content), attribution)
    for attribution in (*_headline_attributions(reading), *_signed_quotes(reading)):
        found.setdefault((attribution.cue, attribution.content), attribution)
    in_order = sorted(found.values(), key=lambda attribution: (attribution.cue[0], attribution.content[0]))
    return list(_channels_carried(in_order))


def _headline_attributions(reading: Reading) -> Iterator[Attribution]:
    """Headlines and standfirsts of the form “Sanders: Clinton needs to get away from...”."""
    for line in HEADLINE_QUOTE.finditer(reading.text):
        name = line.group("source")
        if name.split()[0].lower() in NOT_SPEAKERS:
            continue
        content = _trimmed(line.start("content"), line.end("content"), reading.text)
        if content is None:
            continue
        speaker = reading.speakers.resolve_name(name, line.start("source"))
        yield Attribution(
            source=(line.start("source"), line.end("source")),
            cue=(line.end("source"), line.end("source") + 1),
            content=content,
            kind=_kind(content, reading.quotes),
            speaker=speaker.name,
            speaker_kind=speaker.kind,  # type: ignore[arg-type]
        )


def _signed_quotes(reading: Reading) -> Iterator[Attribution]:
    """A quotation signed with a dash: “It's the opinion of a Mexican-Peruvian.” ― Karen Bobadilla."""
    for signed in SIGNED_QUOTE.finditer(reading.text):
        name = signed.group("source")
        if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
            name = name[:-1]  # the full stop after the name, not an initial
        speaker = reading.speakers.resolve_name(name, signed.start("source"))
        yield Attribution(
            source=(signed.start("source"), signed.start("source") + len(name)),
            cue=(signed.start("cue"), signed.end("cue")),
            content=(signed.start("content"), signed.end("content")),
            kind="direct",
            speaker=speaker.name,
            speaker_kind=speaker.kind,  # type: ignore[arg-type]
        )


def _channels_carried(attributions: list[Attribution]) -> Iterator[Attribution]:
    """A speaker's run of statements keeps the channel named at its start: the quotes that follow
    "In footage posted on social media, Mr Pérez said..." come from the same footage."""
    channel, speaker = None, None
    for attribution in attributions:
        if attribution.speaker != speaker:
            channel, speaker = None, attribution.speaker
        if attribution.channel is not None:
            channel = attribution.channel
        yield replace(attribution, channel=channel) if attribution.speaker and channel else attribution


def _attributions_at(token: Token, reading: Reading) -> Iterator[Attribution]:
    doc = token.doc
    if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        attribution = _according_to(token, reading)
        if attribution is not None:
            yield attribution
        return
    base = CUE_FORMS.get(token.lower_)
    if (
        base is None
        or not (token.tag_.startswith("VB") or token.tag_ == "MD")
        or _inside_quote(reading.at(token), reading.quotes)
        or any(child.dep_ == "prt" and child.lower_ != "out" for child in token.children)
        or (token.dep_ == "acl" and base == "call")  # "a group called Lashkar-e-Taiba" names, it does not say
    ):
        # A cue inside a quotation ("We said we'd turn ourselves in") is the
        # quoted speaker's own reporting, already carried by the quotation.
        return
    content = _content_of(token, base, reading)
    if content is None:
        return
    subject, implied = _subject_of(token)
    if subject is None:
        speaker = Speaker(None, "unknown")
    else:
        speaker = reading.speakers.resolve(_source_span(_antecedent(subject)), reading.offset, reading.sentence)
    yield Attribution(
        source=None if subject is None or implied else _source_extent(subject, reading),
        cue=_cue_extent(token, base, reading),
        content=content,
        kind=_kind(content, reading.quotes),
        speaker=speaker.name,
        speaker_kind=speaker.kind,  # type: ignore[arg-type]
        speaker_description=speaker.description,
        channel=_channel(token, base),
    )


def _according_to(token: Token, reading: Reading) -> Attribution | None:
    to = token.doc[token.i + 1]
    objects = [child for child in to.children if child.dep_ == "pobj"]
    if not objects:
        return None
    source_words = _source_span(objects[0])
    sentence = token.sent
    if token.i - sentence.start > sentence.end - source_words.end:
        content_words = sentence.doc[sentence.start : token.i]
    else:
        content_words = sentence.doc[source_words.end : sentence.end]
    start, end = reading.span(content_words)
    content = _finished(start, end, reading)
    if content is None:
        return None
    speaker = reading.speakers.resolve(source_words, reading.offset, reading.sentence)
    return Attribution(
        source=reading.span(source_words),
        cue=(reading.at(token), reading.end_of(to)),
        content=content,
        kind=_kind(content, reading.quotes),
        speaker=speaker.name,
        speaker_kind=speaker.kind,  # type: ignore[arg-type]
        speaker_description=speaker.description,
        channel=None,
    )


def _subject_of(verb: Token) -> tuple[Token | None, bool]:
    """The verb's subject, and whether it is only implied (borrowed from the clause it continues)."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child, False
        if child.dep_ == "agent":
            objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
            if objects:
                return objects[0], False
    if verb.dep_ in IMPLIED_SUBJECT_DEPS and verb.head is not verb:
        subject, _ = _subject_of(verb.head)
        return subject, True
    return None, False


def _antecedent(subject: Token) -> Token:
    """Who a relative pronoun stands for: in "the governor, who said…", the governor; any other subject itself."""
    verb = subject.head
    if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head is not verb:
        return verb.head
    return subject


def _source_span(subject: Token) -> Span:
    """The subject's words, without a relative clause ("officials, who asked not to be named")."""
    cut = {child.i for child in subject.children if child.dep_ == "relcl"}
    words = [
        word
        for word in subject.subtree
        if word.i not in cut and not any(ancestor.i in cut for ancestor in word.ancestors)
    ]
    start = min(word.i for word in words)
    end = max(word.i for word in words) + 1
    doc = subject.doc
    opened = sum(token.text == "(" for token in doc[start:end]) > sum(token.text == ")" for token in doc[start:end])
    while end - 1 > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc"):
        if doc[end - 1].text == ")" and not opened:
            break  # "Sen. Lindsey Graham (R-S.C.)" keeps its closing bracket
        end -= 1
    while start < end - 1 and doc[start].is_punct:
        start += 1
    return doc[start:end]


def _source_extent(subject: Token, reading: Reading) -> tuple[int, int]:
    """The source's characters; a name with an aside keeps the comma that closes it, as corpora mark it:
    "Rep. Adam Schiff, the top Democrat on the committee, called on..."."""
    words = _source_span(subject)
    start, end = reading.span(words)
    if "," in reading.text[start:end] and reading.text[end : end + 1] == ",":
        end += 1
    return start, end


def _cue_extent(verb: Token, base: str, reading: Reading) -> tuple[int, int]:
    """The cue's characters: with a phrasal preposition ("called for"), and a colon that introduces a quote."""
    start, end = reading.span(_cue_span(verb))
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if following is not None and (base, following.lower_) in PHRASAL_CUES:
        end = reading.end_of(following)
    if reading.text[end : end + 1] == ":":
        end += 1
    return start, end


def _cue_span(verb: Token) -> Span:
    """The verb with its auxiliaries, negation and particle: "has learned", "pointed out"."""
    start = end = verb.i
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass", "neg") and child.i < verb.i and verb.i - child.i <= 3:
            start = min(start, child.i)
        if child.dep_ == "prt" and child.i == end + 1:
            end = child.i
    return verb.doc[start : end + 1]


def _content_of(verb: Token, base: str, reading: Reading) -> tuple[int, int] | None:
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if following is not None and (base, following.lower_) in PHRASAL_CUES and verb.right_edge.i > following.i:
        # "called for the nominee to be taken...": all that follows the phrase.
        return _finished(reading.end_of(following), reading.end_of(verb.right_edge), reading)
    complements = [
        child
        for child in verb.children
        if child.dep_ in CLAUSE_COMPLEMENTS
        or (child.dep_ == "prep" and base in CONTENT_PREPOSITIONS.get(child.lower_, ()) and any(child.children))
    ]
    if complements and not any(child.dep_ == "ccomp" for child in complements):
        # "urged supporters to monitor polling places", "accused him of stealing":
        # the object is part of what was said; in "told reporters that..." it is not.
        complements += [child for child in verb.children if child.dep_ == "dobj" and child.i > verb.i]
    if not complements and base in OBJECT_CONTENT_VERBS:
        complements = [child for child in verb.children if child.dep_ in OBJECT_COMPLEMENTS]
    if complements:
        start = min(reading.at(child.left_edge) for child in complements)
        if all(child.i > verb.i for child in complements):
            # What a following complement's subtree holds before the verb is a
            # relative pronoun ("who he urged not to..."), not what was said.
            start = max(start, reading.end_of(verb))
        last = max((_content_end(child) for child in complements), key=lambda token: token.i)
        content = _finished(start, reading.end_of(last), reading)
        if content is not None and all(child.i < verb.i for child in complements):
            return _quotes_continued(content, reading.end_of(verb), reading)
        return content
    colon_quote = _quote_after_colon(verb, reading)
    if colon_quote is not None:
        return colon_quote
    if base in INVERTING_VERBS and verb.dep_ in ("parataxis", "ccomp", "conj", "advcl") and verb.head is not verb:
        sentence_start, sentence_end = reading.span(verb.sent)
        clause_start = min(reading.at(token) for token in verb.subtree)
        clause_end = max(reading.end_of(token) for token in verb.subtree)
        if reading.text[clause_end:sentence_end].strip(' .!?"”\x00'):
            # "But to prevent problems, he said, local officials should...": the whole sentence around the aside.
            return _finished(sentence_start, sentence_end, reading)
        # "Two officers have been killed, officials say": the clause the cue follows.
        return _finished(sentence_start, clause_start, reading)
    return None


def _content_end(complement: Token) -> Token:
    """The last word of a complement, stopping before a conjoined attribution of its own:
    in "Machado promised to continue supporting Clinton and said she would...", the content of
    "promised" ends at "Clinton"."""
    for child in complement.children:
        if child.dep_ == "conj" and child.i > complement.i and child.lower_ in CUE_FORMS:
            before = [token for token in complement.subtree if token.i < child.left_edge.i]
            while before and (before[-1].dep_ == "cc" or before[-1].is_punct):
                before.pop()
            if before:
                return before[-1]
    return complement.right_edge


def _quotes_continued(content: tuple[int, int], cue_end: int, reading: Reading) -> tuple[int, int]:
    """A quotation split by its attribution runs on: “It is small,” he said. “Just 9 percent said so.”

    Quotations that follow the cue in the same paragraph, with nothing but
    the cue's own clause before them, are the same speaker's words.
    """
    start, end = content
    if reading.text[start] not in QUOTE_OPENERS:
        return content
    position = cue_end
    for quote_start, quote_end in reading.quotes:
        if quote_start <= position:
            continue
        between = reading.text[position : quote_start - 1]
        joined_by_cue_clause = position == cue_end and len(between) < 80 and "\n" not in between
        if not (between.strip(" \x00") == "" or (joined_by_cue_clause and _clause_then_stop(between))):
            break
        end = _closing_mark_after(reading.text, quote_end) or quote_end
        position = end
    return start, end


def _clause_then_stop(between: str) -> bool:
    """Whether the text between a cue and the next quotation only ends the cue's clause: ", he said. "."""
    stripped = between.strip()
    return not any(mark in stripped for mark in QUOTE_OPENERS + QUOTE_CLOSERS) and (
        stripped.endswith((".", ",", ":")) or stripped == ""
    )


def _finished(start: int, end: int, reading: Reading) -> tuple[int, int] | None:
    content = _trimmed(start, end, reading.text)
    if content is None:
        return None
    return _trimmed(*_whole_quote(content, reading.quotes), reading.text)


def _inside_quote(position: int, quotes: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in quotes)


def _quote_after_colon(verb: Token, reading: Reading) -> tuple[int, int] | None:
    after_verb = reading.end_of(verb)
    following = reading.text[after_verb : after_verb + 4]
    if not following.lstrip().startswith(":"):
        return None
    colon = after_verb + following.index(":")
    for start, end in reading.quotes:
        if 0 < start - colon <= 3:
            return _trimmed(start, end, reading.text)
    return None


def _whole_quote(content: tuple[int, int], quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """Content that starts or ends inside a quotation takes in the whole of it, over several sentences if need be."""
    start, end = content
    for quote_start, quote_end in quotes:
        if quote_start < start < quote_end or quote_start < end < quote_end:
            start, end = min(start, quote_start), max(end, quote_end)
    return start, end


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """The insides of quotation marks, as character spans."""
    return [(match.start(1), match.end(1)) for match in QUOTE_PAIR.finditer(text)]


def plain_quotes(text: str) -> str:
    """`text` with typewriter quotation marks made one character (''…'' as "…"), keeping every offset."""
    return text.replace("''", '\x00"').replace("``", '\x00"')


def _trimmed(start: int, end: int, text: str) -> tuple[int, int] | None:
    """Without surrounding white space and edge punctuation, and with its quotation marks balanced.

    A quotation keeps its marks, and the comma before a closing mark with
    them, as attribution corpora mark it: “We can’t afford this,” he said.
    """
    while start < end and (text[start].isspace() or text[start] in EDGE_PUNCTUATION):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in EDGE_PUNCTUATION):
        end -= 1
    if end - start < 2:
        return None
    opened = sum(text.count(mark, start, end) for mark in "“«") - sum(text.count(mark, start, end) for mark in "”»")
    straight_open = text.count('"', start, end) % 2 == 1
    if opened > 0 or (straight_open and text[start] == '"'):
        # The quotation runs past the content: take in its close, with a comma or stop inside the marks.
        end = _closing_mark_after(text, end) or end
    elif opened < 0 or (straight_open and text[end - 1] == '"'):
        # It closes a quotation opened just before it.
        if start > 0 and text[start - 1] in QUOTE_OPENERS:
            start -= 1
    elif start > 0 and text[start - 1] in QUOTE_OPENERS:
        # The whole of a quotation, found without its marks.
        close = _closing_mark_after(text, end)
        if close is not None:
            start, end = start - 1, close
    if start > 0 and text[start - 1] == "\x00":
        start -= 1  # the first half of a typewriter '' mark
    return start, end


def _closing_mark_after(text: str, end: int) -> int | None:
    """Just past the closing quotation mark that follows `end`, allowing a comma or stop before it."""
    close = end
    while close < len(text) and close - end <= 3 and text[close] in ",.;!? \x00":
        close += 1
    return close + 1 if close < len(text) and text[close] in QUOTE_CLOSERS else None


def _kind(content: tuple[int, int], quotes: list[tuple[int, int]]) -> Kind:
    start, end = content
    inside = [(q_start, q_end) for q_start, q_end in quotes if q_start < end and start < q_end]
    if not inside:
        return "indirect"
    # Direct when the content is quotations and what joins them: “...,” he said, “...”.
    if inside[0][0] <= start + 1 and inside[-1][1] >= end - 2:
        return "direct"
    return "mixed"


def _channel(verb: Token, base: str) -> str | None:
    """The medium of a second-hand statement, from the cue ("tweeted") or the sentence ("in footage posted")."""
    if base in CHANNEL_CUES:
        return CHANNEL_CUES[base]
    for token in verb.sent:
        if token.i >= verb.i:
            break
        channel = CHANNEL_WORDS.get(token.lower_)
        if channel is not None and token.tag_.startswith("NN"):
            return channel
    return None
