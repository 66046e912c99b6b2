"""Attribution extraction against PolNeAR: span P/R/F1 per type (exact and token overlap) and articles/s on one core.

    .venv/bin/python bench/extraction.py [--data DIR] [--limit N] [--errors N]

Scoring rules (bench/README.md has the reasoning):

* Gold spans are the Source, Cue and Content arguments of the brat `E` relations; `Attribution`,
  `Attribution-no-source`, `Discard` and `Discuss` lines are not scored.
* Every annotation file is scored on its own against the same predictions and the counts are summed,
  so an article with k annotators counts k times. Throughput counts each article once.
* Exact match: a predicted span equals a gold span of the same type; each gold span is matched at most
  once. A discontinuous gold span (`start end;start end`) is matched exactly by its min..max extent.
* Token overlap (Citron's measure): tokens are `\\w+|[^\\w\\s]`; a token belongs to a span when its
  characters lie inside it (inside one of its fragments, for a discontinuous gold span). Precision is
  predicted tokens inside gold / predicted tokens, recall is gold tokens inside a prediction / gold tokens,
  each over the set of tokens per article, type and annotation file.
* Predicted spans are de-duplicated per type within an article (gold has one span for a source shared by
  several relations); a source counts only where the prediction has one.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.attribution.types import Attribution


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    SHARED_DATASETS,
    cores_used,
    database_was_used,
    machine,
    pin_to_one_core,
    positive_int,
    setup_django,
)

pin_to_one_core()  # before numpy, spaCy or torch is imported: nothing above imports them

DEFAULT_DATA = SHARED_DATASETS / "polnear/dev"

Span = tuple[int, int]
Fragments = tuple[Span, ...]
"""One span as sorted [start, end) fragments: one fragment for a contiguous span, several for a discontinuous one."""

LABELS = ("source", "cue", "content")
BRAT_LABELS = {"Source": "source", "Cue": "cue", "Content": "content"}
TOKEN_RE = re.compile(r"\w+|[^\w\s]")

# BBC R&D Citron, model en_2021-11-15, PARC 3.0 test split (github.com/bbc/citron, models/en_2021-11-15/README.md).
REFERENCE = "BBC R&D Citron on PARC 3.0 (test): cue F1 0.823, source F1 0.820, content F1 0.593 exact and 0.833 overlap"
REFERENCE_CAVEAT = (
    "a yardstick, not a like-for-like comparison: other corpus, and Citron scores sources and contents per quote"
)


# ---------------------------------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class GoldSpan:
    label: str
    fragments: Fragments
    ann_id: str

    @property
    def extent(self) -> Span:
        return _extent(self.fragments)


@dataclass(frozen=True)
class AnnotationFile:
    path: Path
    annotator: str
    spans: tuple[GoldSpan, ...]
    relations: int
    span_lines: int
    offset_mismatches: tuple[str, ...]
    """One description per T line whose text is not the article text at its offsets."""
    orphans: int
    """Source/Cue/Content T lines that no E relation uses (not scored)."""
    duplicates: int
    """T lines repeating another's type and offsets (scored once)."""
    ignored_lines: int

    def gold(self, label: str) -> list[GoldSpan]:
        return [span for span in self.spans if span.label == label]


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    annotations: tuple[AnnotationFile, ...]


@dataclass(frozen=True)
class Corpus:
    data_dir: Path
    articles: tuple[Article, ...]
    unannotated_texts: int

    @property
    def annotation_files(self) -> list[AnnotationFile]:
        return [ann for article in self.articles for ann in article.annotations]


def _extent(fragments: Fragments) -> Span:
    return min(start for start, _ in fragments), max(end for _, end in fragments)


def parse_ann(path: Path, text: str) -> AnnotationFile:
    """Read one brat standoff file whose offsets point into `text`."""
    span_lines: dict[str, tuple[str, Fragments]] = {}
    arguments: set[str] = set()
    relations = 0
    ignored = 0
    mismatches: list[str] = []
    for lineno, raw in enumerate(path.read_bytes().decode("utf-8").split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        if line.startswith("T"):
            try:
                ann_id, type_and_offsets, annotated = line.split("\t", 2)
                brat_type, offsets = type_and_offsets.split(" ", 1)
                # Fragments come in annotation order (not always ascending); brat joins their texts with a space.
                in_file_order = tuple(_fragment(part) for part in offsets.split(";"))
            except ValueError as exc:
                raise ValueError(f"{where}: malformed span line {line!r}") from exc
            for start, end in in_file_order:
                if not 0 <= start <= end <= len(text):
                    raise ValueError(f"{where}: offsets {start}-{end} outside the text ({len(text)} characters)")
            actual = " ".join(text[start:end] for start, end in in_file_order)
            if actual != annotated:
                mismatches.append(f"{where} {ann_id}: annotated {annotated[:60]!r}, text has {actual[:60]!r}")
            span_lines[ann_id] = (brat_type, tuple(sorted(in_file_order)))
        elif line.startswith("E"):
            _, _, roles = line.partition("\t")
            relations += 1
            # The first argument is the trigger (Attribution / Attribution-no-source); the rest are Source, Cue,
            # Content (and Content2, a second Content span).
            for argument in roles.split()[1:]:
                arguments.add(argument.partition(":")[2])
        else:
            ignored += 1  # A (attributes), R, #, N: nothing this bench scores

    unknown = sorted(arguments - span_lines.keys())
    if unknown:
        raise ValueError(f"{path.name}: relations refer to missing span ids {', '.join(unknown)}")
    spans: dict[tuple[str, Fragments], GoldSpan] = {}
    orphans = duplicates = 0
    for ann_id, (brat_type, fragments) in span_lines.items():
        label = BRAT_LABELS.get(brat_type)
        if label is None:
            continue
        if ann_id not in arguments:
            orphans += 1
        elif (label, fragments) in spans:
            duplicates += 1
        else:
            spans[label, fragments] = GoldSpan(label=label, fragments=fragments, ann_id=ann_id)
    return AnnotationFile(
        path=path,
        annotator=path.stem.rpartition("_")[2],
        spans=tuple(spans.values()),
        relations=relations,
        span_lines=len(span_lines),
        offset_mismatches=tuple(mismatches),
        orphans=orphans,
        duplicates=duplicates,
        ignored_lines=ignored,
    )


def _fragment(part: str) -> Span:
    start, end = part.split()
    return int(start), int(end)


def _read_text(path: Path) -> str:
    # Decoded as-is, with no newline translation and any BOM kept as a character: brat counts offsets in the
    # file's code points, and the extractor must see the same string for its offsets to line up.
    return path.read_bytes().decode("utf-8")


def load_corpus(data_dir: Path, limit: int | None = None) -> Corpus:
    """The annotated articles of a PolNeAR split folder, sorted by name, the first `limit` of them."""
    ann_paths: dict[str, list[Path]] = {}
    for path in sorted((data_dir / "attributions").glob("*.ann")):
        article = path.stem.rpartition("_")[0]  # <article>_<annotator>.ann; article names contain "_" too
        ann_paths.setdefault(article, []).append(path)
    text_paths = {path.stem: path for path in (data_dir / "text").glob("*.txt")}
    missing = sorted(ann_paths.keys() - text_paths.keys())
    if missing:
        raise FileNotFoundError(f"{data_dir / 'text'}: no text for {len(missing)} annotated articles: {missing[0]}, …")
    articles = []
    for name in sorted(ann_paths)[:limit]:
        text = _read_text(text_paths[name])
        annotations = tuple(parse_ann(path, text) for path in ann_paths[name])
        articles.append(Article(name=name, text=text, annotations=annotations))
    return Corpus(
        data_dir=data_dir,
        articles=tuple(articles),
        unannotated_texts=len(text_paths.keys() - ann_paths.keys()),
    )


# ---------------------------------------------------------------------------------------------------- scoring


class Tokens:
    """The article's tokens, for asking which of them lie inside a span."""

    def __init__(self, text: str) -> None:
        matches = list(TOKEN_RE.finditer(text))
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]

    def inside(self, spans: Iterable[Fragments]) -> set[int]:
        """Indexes of the tokens whose characters lie wholly inside one fragment of one of the spans."""
        found: set[int] = set()
        for fragments in spans:
            for start, end in fragments:
                # Tokens are sorted and disjoint, so both their starts and their ends ascend.
                found.update(range(bisect_left(self.starts, start), bisect_right(self.ends, end)))
        return found


@dataclass
class Tally:
    exact_hits: int = 0
    predicted: int = 0
    gold: int = 0
    token_hits: int = 0
    """Predicted tokens inside gold, which is also gold tokens inside a prediction: both are the intersection."""
    predicted_tokens: int = 0
    gold_tokens: int = 0

    def add(self, other: Tally) -> None:
        self.exact_hits += other.exact_hits
        self.predicted += other.predicted
        self.gold += other.gold
        self.token_hits += other.token_hits
        self.predicted_tokens += other.predicted_tokens
        self.gold_tokens += other.gold_tokens

    def exact(self) -> tuple[float, float, float]:
        return _prf(self.exact_hits, self.predicted, self.gold)

    def overlap(self) -> tuple[float, float, float]:
        return _prf(self.token_hits, self.predicted_tokens, self.gold_tokens)


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    # Nothing predicted or nothing to find scores 0, as in Citron's metrics.
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass(frozen=True)
class Miss:
    """A gold span no prediction equals (`kind="miss"`) or a prediction equal to no gold span (`"false positive"`)."""

    kind: str
    label: str
    article: str
    annotator: str
    fragments: Fragments
    nearest: Fragments | None
    """The other side's span of the same type that overlaps it most: a boundary error rather than a wholly missed
    or invented span."""


@dataclass(frozen=True)
class LabelScore:
    tally: Tally
    misses: list[Miss] = field(default_factory=list)


def score_label(
    *,
    tokens: Tokens,
    gold: Sequence[GoldSpan],
    predicted: Collection[Fragments],
    label: str,
    article: str = "",
    annotator: str = "",
) -> LabelScore:
    """Score one type's predicted spans against one annotation file's gold spans of that type."""
    unmatched = Counter(span.extent for span in gold)
    false_positives = []
    hits = 0
    for fragments in sorted(predicted):
        extent = _extent(fragments)
        if unmatched[extent]:
            unmatched[extent] -= 1
            hits += 1
        else:
            false_positives.append(fragments)
    missed = []
    for span in gold:
        if unmatched[span.extent]:
            unmatched[span.extent] -= 1
            missed.append(span.fragments)

    predicted_tokens = tokens.inside(predicted)
    gold_tokens = tokens.inside(span.fragments for span in gold)
    tally = Tally(
        exact_hits=hits,
        predicted=len(predicted),
        gold=len(gold),
        token_hits=len(predicted_tokens & gold_tokens),
        predicted_tokens=len(predicted_tokens),
        gold_tokens=len(gold_tokens),
    )
    gold_fragments = [span.fragments for span in gold]
    misses = [
        Miss("miss", label, article, annotator, fragments, _nearest(fragments, predicted)) for fragments in missed
    ] + [
        Miss("false positive", label, article, annotator, fragments, _nearest(fragments, gold_fragments))
        for fragments in false_positives
    ]
    return LabelScore(tally=tally, misses=misses)


def _nearest(fragments: Fragments, others: Iterable[Fragments]) -> Fragments | None:
    start, end = _extent(fragments)
    best, best_overlap = None, 0
    for other in others:
        other_start, other_end = _extent(other)
        overlap = min(end, other_end) - max(start, other_start)
        if overlap > best_overlap:
            best, best_overlap = other, overlap
    return best


def predicted_spans(attributions: Iterable[Attribution]) -> dict[str, set[Fragments]]:
    """The extractor's spans per type, each once per article."""
    spans: dict[str, set[Fragments]] = {label: set() for label in LABELS}
    for attribution in attributions:
        if attribution.source is not None:
            spans["source"].add((_span(attribution.source),))
        spans["cue"].add((_span(attribution.cue),))
        spans["content"].add((_span(attribution.content),))
    return spans


def _span(span: Span) -> Span:
    start, end = span
    return int(start), int(end)


def invalid_spans(spans: dict[str, set[Fragments]], text: str) -> int:
    return sum(
        1
        for label_spans in spans.values()
        for fragments in label_spans
        for start, end in fragments
        if not 0 <= start < end <= len(text)
    )


# ---------------------------------------------------------------------------------------------------- the run


@dataclass
class Run:
    tallies: dict[str, Tally] = field(default_factory=lambda: {label: Tally() for label in LABELS})
    misses: list[Miss] = field(default_factory=list)
    seconds: float = 0.0
    invalid_spans: int = 0


def load_extractor() -> Callable[[str], list[Attribution]]:
    """Set Django up (no database connection) and import the extractor under test."""
    setup_django()
    from claims.attribution import extract_attributions

    return extract_attributions


def evaluate(corpus: Corpus, extract: Callable[[str], list[Attribution]]) -> Run:
    """Run the extractor over every article once, timing only its calls, and score it against every annotation."""
    run = Run()
    extract(corpus.articles[0].text)  # warm-up: loads models, not timed
    for article in corpus.articles:
        started = time.perf_counter()
        try:
            attributions = extract(article.text)
        except Exception as exc:
            raise RuntimeError(f"extract_attributions failed on {article.name}") from exc
        run.seconds += time.perf_counter() - started

        predicted = predicted_spans(attributions)
        run.invalid_spans += invalid_spans(predicted, article.text)
        tokens = Tokens(article.text)
        for ann in article.annotations:
            for label in LABELS:
                scored = score_label(
                    tokens=tokens,
                    gold=ann.gold(label),
                    predicted=predicted[label],
                    label=label,
                    article=article.name,
                    annotator=ann.annotator,
                )
                run.tallies[label].add(scored.tally)
                run.misses.extend(scored.misses)
    return run


# ---------------------------------------------------------------------------------------------------- the report


def print_report(corpus: Corpus, run: Run, errors: int) -> None:
    annotations = corpus.annotation_files
    gold_lines = sum(ann.span_lines for ann in annotations)
    discontinuous = sum(1 for ann in annotations for span in ann.spans if len(span.fragments) > 1)
    mismatches = [mismatch for ann in annotations for mismatch in ann.offset_mismatches]
    multi = sum(1 for article in corpus.articles if len(article.annotations) > 1)

    print(f"Attribution extraction on {corpus.data_dir}")
    print(
        f"{len(corpus.articles)} articles, {len(annotations)} annotation files, "
        f"{sum(ann.relations for ann in annotations)} relations"
    )
    if multi:
        print(
            f"{multi} articles have several annotation files: each file is scored on its own against the same "
            "predictions and the counts summed"
        )
    print()
    print(f"{'':9}{'spans':>13}   {'exact match':^20}   {'token overlap':^20}")
    print(f"{'type':9}{'gold':>6} {'pred':>6}   {'P':>6} {'R':>6} {'F1':>6}   {'P':>6} {'R':>6} {'F1':>6}")
    for label in LABELS:
        tally = run.tallies[label]
        exact = " ".join(f"{value:6.3f}" for value in tally.exact())
        overlap = " ".join(f"{value:6.3f}" for value in tally.overlap())
        print(f"{label:9}{tally.gold:6d} {tally.predicted:6d}   {exact}   {overlap}")
    print()
    print(
        f"gold: {discontinuous} discontinuous spans (matched exactly by their min..max extent, token-wise by "
        f"fragment); {len(mismatches)} of {gold_lines} span lines differ from the text at their offsets"
    )
    for mismatch in mismatches[:5]:
        print(f"  {mismatch}")
    orphans = sum(ann.orphans for ann in annotations)
    duplicates = sum(ann.duplicates for ann in annotations)
    ignored = sum(ann.ignored_lines for ann in annotations)
    if orphans or duplicates or ignored or corpus.unannotated_texts:
        print(
            f"gold: {orphans} spans outside any relation and {duplicates} duplicate spans not scored, "
            f"{ignored} other lines ignored, {corpus.unannotated_texts} texts without annotations skipped"
        )
    if run.invalid_spans:
        print(f"WARNING: the extractor returned {run.invalid_spans} empty or out-of-range spans")
    if database_was_used():
        print("WARNING: the extractor opened a database connection")
    if errors:
        print_misses(corpus, run.misses, errors)

    per_second = len(corpus.articles) / run.seconds if run.seconds else float("inf")
    print()
    print(
        f"throughput: {len(corpus.articles)} articles in {run.seconds:.2f} s of extraction = {per_second:.2f} "
        f"articles/s ({1000 * run.seconds / len(corpus.articles):.1f} ms each), after one untimed warm-up article"
    )
    print(f"machine: {machine()}, cores used: {cores_used()}, Python {platform.python_version()}")
    print(f"reference: {REFERENCE}; {REFERENCE_CAVEAT}")
    source, cue, content = (run.tallies[label] for label in LABELS)
    print(
        f"source_f1={source.exact()[2]:.3f} cue_f1={cue.exact()[2]:.3f} content_f1={content.exact()[2]:.3f} "
        f"content_overlap_f1={content.overlap()[2]:.3f} articles_per_s={round(per_second)}"
    )


def print_misses(corpus: Corpus, misses: Sequence[Miss], per_kind: int) -> None:
    texts = {article.name: article.text for article in corpus.articles}
    for label in LABELS:
        for kind, plural, nearest_name in (
            ("miss", "misses", "nearest prediction"),
            ("false positive", "false positives", "nearest gold"),
        ):
            found = [miss for miss in misses if miss.label == label and miss.kind == kind]
            boundary = sum(1 for miss in found if miss.nearest is not None)
            print()
            print(f"{label} {plural}: {len(found)} ({boundary} overlap a {nearest_name.split()[1]} span, ", end="")
            print(f"{len(found) - boundary} do not)")
            # Spread the examples over the corpus rather than taking the first article's.
            for index in range(min(per_kind, len(found))):
                miss = found[index * len(found) // min(per_kind, len(found))]
                text = texts[miss.article]
                print(f"  {miss.article}_{miss.annotator} {_offsets(miss.fragments)}: {_snippet(text, miss.fragments)}")
                if miss.nearest is not None:
                    print(f"      {nearest_name} {_offsets(miss.nearest)}: {_snippet(text, miss.nearest)}")


def _offsets(fragments: Fragments) -> str:
    return ";".join(f"{start}-{end}" for start, end in fragments)


def _snippet(text: str, fragments: Fragments, context: int = 30, width: int = 160) -> str:
    start, end = _extent(fragments)
    inner = " … ".join(text[fragment_start:fragment_end] for fragment_start, fragment_end in fragments)
    if len(inner) > width:
        inner = f"{inner[: width // 2]} … {inner[-width // 2 :]}"
    left, right = text[max(0, start - context) : start], text[end : end + context]
    return " ".join(f"…{left}[[{inner}]]{right}…".split())


# ---------------------------------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="DIR",
        help="PolNeAR split folder holding text/ and attributions/ (default: %(default)s)",
    )
    parser.add_argument("--limit", type=positive_int, metavar="N", help="score only the first N articles by name")
    parser.add_argument(
        "--errors",
        type=_non_negative,
        default=0,
        metavar="N",
        help="print N example misses and N false positives per span type, with text snippets",
    )
    args = parser.parse_args(argv)
    if not (args.data / "attributions").is_dir() or not (args.data / "text").is_dir():
        parser.error(f"--data {args.data}: expected text/ and attributions/ folders inside")

    corpus = load_corpus(args.data.resolve(), args.limit)
    if not corpus.articles:
        parser.error(f"--data {args.data}: no annotated articles")
    run = evaluate(corpus, load_extractor())
    print_report(corpus, run, args.errors)
    return 0


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


if __name__ == "__main__":
    sys.exit(main())
