"""How well the record supports a claim: a computation over plain facts, with its reasons in plain words.

What counts, and how much:

- Only accepted statements count; suggested ones are named as waiting. A statement that
  asserts the claim counts for it, one that denies it counts against it, one that questions
  it is mentioned and counts neither way.
- Each statement weighs what the outlet that reported it is worth (reliability 1–5 → 0.2–1.0,
  unrated 0.5); relayed second-hand (via another source or statement) it weighs half, and so
  does one the report frames as an accusation, an allegation or a claim ("accused", "claimed").
- Evidence weighs its outlet's worth times its strength (weak 0.5, moderate 1, strong 1.5).
- Independent sources count once each, at the weight of their best item. For statements the
  source is the speaker, with everyone affiliated with them (Cabello and the Venezuelan
  authorities both speak for the Venezuelan government); for evidence it is the outlet's
  ultimate owner, and a copy of a wire story counts as the wire story.
- A confirmed link brings in, one hop and no further, the other claim's own support (its
  statements and evidence, not its links): a duplicate's at full weight and a corroborating
  claim's at half, for; a contradicting claim's at full weight, against. Suggested and
  rejected links count for nothing.

The score is W_for / (W_for + W_against + 1): the one in the denominator stands for what is
not yet known, so one source never makes a certainty and each further one adds less. Levels:

- unsupported: nothing counts for the claim;
- contested: something counts for it, and the weight against is at least half the weight for;
- weak: otherwise, a score below 0.4 (a single second-hand report, or an unrated outlet);
- supported: a score of 0.4 or more, which one first-hand statement reported by an outlet
  rated 4/5 reaches (0.8 / 1.8 = 0.44);
- well supported: a score of 0.6 or more from at least two independent sources, which two
  such statements reach (1.6 / 2.6 = 0.62).

The level is what the record shows, never a verdict: the editors' verdict is theirs.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from claims.models import ClaimLink, Evidence, Stance, SupportLevel

METHOD = "support-1"
RELIABILITY_WEIGHT = {1: 0.2, 2: 0.4, 3: 0.6, 4: 0.8, 5: 1.0}
UNRATED_WEIGHT = 0.5
SECOND_HAND_FACTOR = 0.5
HEDGED_FACTOR = 0.5
STRENGTH_WEIGHT: dict[int, float] = {
    Evidence.Strength.WEAK: 0.5,
    Evidence.Strength.MODERATE: 1.0,
    Evidence.Strength.STRONG: 1.5,
}
LINK_FACTOR = {
    ClaimLink.Relation.DUPLICATES: 1.0,
    ClaimLink.Relation.CORROBORATES: 0.5,
    ClaimLink.Relation.CONTRADICTS: 1.0,
}
SUPPORTED_FROM = 0.4
WELL_SUPPORTED_FROM = 0.6
WELL_SUPPORTED_SOURCES = 2
CONTESTED_RATIO = 0.5
# Reporting verbs by which a report keeps its distance from what it relays.
HEDGES = (
    (re.compile(r"\baccus"), "as an accusation"),
    (re.compile(r"\balleg"), "as an allegation"),
    (re.compile(r"\b(claim|purport)"), "as a claim"),
)
# How many independent sources a side names in the summary; the reasons name them all.
SUMMARY_SOURCES = 3
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass(frozen=True)
class Publisher:
    """The outlet a source appeared in, with the editors' rating of it."""

    name: str
    reliability: int | None

    def describe(self) -> str:
        rating = f"reliability {self.reliability}/5" if self.reliability else "unrated"
        return f"{self.name} ({rating})"


@dataclass(frozen=True)
class Speaker:
    """Who made a statement, and the independent source they count as."""

    name: str
    official: bool
    group: str
    """Independence key: the body the speaker ultimately belongs to."""
    group_name: str


@dataclass(frozen=True)
class StatementFact:
    claim_id: int
    speaker: Speaker
    stance: str
    accepted: bool
    quote: str
    cue: str
    source_title: str
    publisher: Publisher | None
    via: str = ""
    """For a second-hand statement, the channel it was relayed through."""


@dataclass(frozen=True)
class EvidenceFact:
    claim_id: int
    effect: str
    strength: int
    source_title: str
    publisher: Publisher | None
    group: str
    """Independence key: the outlet's ultimate owner (the wire agency's, for a wire copy), or the source."""
    group_name: str
    copy_of: str = ""
    """For a copy of a wire story, the story's title."""


@dataclass(frozen=True)
class LinkFact:
    other_claim_id: int
    other_text: str
    relation: str
    status: str


@dataclass(frozen=True)
class SupportFacts:
    """What the assessment of one claim reads: its statements, evidence and links, and those of linked claims."""

    claim_id: int
    statements: tuple[StatementFact, ...]
    evidence: tuple[EvidenceFact, ...]
    links: tuple[LinkFact, ...]


@dataclass(frozen=True)
class Assessment:
    level: str
    score: float
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Contribution:
    """One item that counts for or against a claim, and the independent source it belongs to."""

    group: str
    source: str
    """The independent source's name: the body a speaker belongs to, an outlet's owner."""
    weight: float
    basis: str
    """statement, evidence or link"""
    verb: str
    details: str
    """A statement's way to the record, the evidence's document, or what backs a linked claim."""
    again: str
    """How it is named when counted once with another item of the same source."""
    speaker: str = ""
    official: bool = False
    link_text: str = ""
    backing_short: str = ""


@dataclass
class Voice:
    """One independent source on one side: its best item counts, the others are named but not counted again."""

    best: Contribution
    others: list[Contribution] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return self.best.weight


def assess(facts: SupportFacts) -> Assessment:
    """The support level, score and explanation of `facts.claim_id`."""
    own = [s for s in facts.statements if s.claim_id == facts.claim_id]
    accepted = [s for s in own if s.accepted]
    evidence = [e for e in facts.evidence if e.claim_id == facts.claim_id]
    counted_links = [
        link for link in facts.links if link.status == ClaimLink.Status.CONFIRMED and link.relation in LINK_FACTOR
    ]

    pros = _statement_items(accepted, Stance.ASSERTS) + _evidence_items(evidence, Evidence.Effect.SUPPORTS)
    cons = _statement_items(accepted, Stance.DENIES) + _evidence_items(evidence, Evidence.Effect.REFUTES)
    unsupported_links = []
    for link in counted_links:
        carried = _linked_support(facts, link)
        if not carried:
            unsupported_links.append(link)
        (cons if link.relation == ClaimLink.Relation.CONTRADICTS else pros).extend(carried)

    for_voices, against_voices = _voices(pros), _voices(cons)
    weight_for = round(sum(voice.weight for voice in for_voices), 3)
    weight_against = round(sum(voice.weight for voice in against_voices), 3)
    score = round(weight_for / (weight_for + weight_against + 1), 3)
    level = _level(weight_for, weight_against, score, len(for_voices))

    reasons = [f"For, weight {voice.weight:.2f}: {_reason(voice)}" for voice in for_voices]
    reasons += [f"Against, weight {voice.weight:.2f}: {_reason(voice)}" for voice in against_voices]
    reasons += _uncounted(own, facts.links, unsupported_links)
    reasons.append(
        f"Score {score:.2f} = weight for {weight_for:.2f} ÷ (weight for + weight against {weight_against:.2f} + 1). "
        f"Supported from {SUPPORTED_FROM:.2f}; well supported from {WELL_SUPPORTED_FROM:.2f} with at least "
        f"{NUMBERS[WELL_SUPPORTED_SOURCES]} independent sources; contested when the weight against is at least "
        "half the weight for."
    )
    explanation = {
        "summary": _summary(level, for_voices, against_voices),
        "reasons": reasons,
        "method": METHOD,
        "weight_for": weight_for,
        "weight_against": weight_against,
        "sources_for": [_structured(voice) for voice in for_voices],
        "sources_against": [_structured(voice) for voice in against_voices],
    }
    return Assessment(level=level, score=score, explanation=explanation)


def _level(weight_for: float, weight_against: float, score: float, sources_for: int) -> str:
    if weight_for <= 0:
        return SupportLevel.UNSUPPORTED
    if weight_against > 0 and weight_against >= CONTESTED_RATIO * weight_for:
        return SupportLevel.CONTESTED
    if score >= WELL_SUPPORTED_FROM and sources_for >= WELL_SUPPORTED_SOURCES:
        return SupportLevel.WELL_SUPPORTED
    if score >= SUPPORTED_FROM:
        return SupportLevel.SUPPORTED
    return SupportLevel.WEAK


def _worth(publisher: Publisher | None) -> float:
    if publisher is None or publisher.reliability is None:
        return UNRATED_WEIGHT
    return RELIABILITY_WEIGHT.get(publisher.reliability, UNRATED_WEIGHT)


def _hedge(cue: str) -> str:
    cue = cue.lower()
    return next((framing for pattern, framing in HEDGES if pattern.search(cue)), "")


def _statement_items(statements: Iterable[StatementFact], stance: str) -> list[Contribution]:
    verb = "asserted by" if stance == Stance.ASSERTS else "denied by"
    items = []
    for statement in statements:
        if statement.stance != stance:
            continue
        hedge = _hedge(statement.cue)
        weight = _worth(statement.publisher)
        weight *= SECOND_HAND_FACTOR if statement.via else 1.0
        weight *= HEDGED_FACTOR if hedge else 1.0
        how = [f"second-hand via “{statement.via}”" if statement.via else "first-hand"]
        if hedge:
            how.append(f"{hedge} (“{statement.cue}”)")
        if statement.publisher is not None:
            how.append(f"reported by {statement.publisher.describe()}")
        else:
            how.append(f"in “{statement.source_title}” (no outlet, unrated)")
        speaker = statement.speaker
        items.append(
            Contribution(
                group=speaker.group,
                source=speaker.group_name,
                weight=round(weight, 3),
                basis="statement",
                verb=verb,
                details=", ".join(how),
                again=f"{speaker.name} again (“{_clip(statement.quote)}”, in “{statement.source_title}”)",
                speaker=speaker.name,
                official=speaker.official,
            )
        )
    return items


def _evidence_items(evidence: Iterable[EvidenceFact], effect: str) -> list[Contribution]:
    verb = "supported by" if effect == Evidence.Effect.SUPPORTS else "refuted by"
    items = []
    for item in evidence:
        if item.effect != effect:
            continue
        strength = Evidence.Strength(item.strength).label.lower()
        published = f"published by {item.publisher.describe()}" if item.publisher else "no outlet, unrated"
        copy = f", a copy of the wire story “{item.copy_of}”" if item.copy_of else ""
        why = "a copy of the same wire story" if item.copy_of else f"same owner, {item.group_name}"
        outlet = f"{item.publisher.name}, " if item.publisher else ""
        items.append(
            Contribution(
                group=item.group,
                source=item.group_name,
                weight=round(_worth(item.publisher) * STRENGTH_WEIGHT.get(item.strength, 1.0), 3),
                basis="evidence",
                verb=verb,
                details=f"{strength} evidence in “{item.source_title}”{copy} ({published})",
                again=f"evidence in “{item.source_title}” ({outlet}{why})",
            )
        )
    return items


def _linked_support(facts: SupportFacts, link: LinkFact) -> list[Contribution]:
    """What a confirmed link carries over: the other claim's own support, at the link's factor."""
    statements = [s for s in facts.statements if s.claim_id == link.other_claim_id and s.accepted]
    evidence = [e for e in facts.evidence if e.claim_id == link.other_claim_id]
    backing = _voices(
        _statement_items(statements, Stance.ASSERTS) + _evidence_items(evidence, Evidence.Effect.SUPPORTS)
    )
    relation = ClaimLink.Relation(link.relation)
    verb = {
        ClaimLink.Relation.CONTRADICTS: "contradicted by",
        ClaimLink.Relation.CORROBORATES: "corroborated by",
        ClaimLink.Relation.DUPLICATES: "restated by",
    }[relation]
    other = _quoted_claim(link.other_text)
    return [
        Contribution(
            group=voice.best.group,
            source=voice.best.source,
            weight=round(voice.weight * LINK_FACTOR[relation], 3),
            basis="link",
            verb=verb,
            details=_phrase(voice),
            again=f"{verb} the confirmed link to {other}",
            official=voice.best.official,
            link_text=other,
            backing_short=(
                f"{voice.best.verb} {_names(voice, tags=False)}" if voice.best.basis == "statement" else _phrase(voice)
            ),
        )
        for voice in backing
    ]


def _voices(items: Sequence[Contribution]) -> list[Voice]:
    """Items grouped by independent source, each source at the weight of its best item, heaviest first."""
    voices: dict[str, Voice] = {}
    # A stable sort, so that the same record always reads the same: heaviest first, then as recorded.
    for item in sorted(items, key=lambda item: -item.weight):
        if item.group in voices:
            voices[item.group].others.append(item)
        else:
            voices[item.group] = Voice(best=item)
    return sorted(voices.values(), key=lambda voice: -voice.weight)


def _names(voice: Voice, tags: bool = True) -> str:
    """The speakers counted as one source: "Diosdado Cabello and Nicolás Maduro (official, affiliated, …)"."""
    statements = [item for item in (voice.best, *voice.others) if item.basis == "statement"]
    names = list(dict.fromkeys(item.speaker for item in statements))
    text = _and(names)
    notes = ["official"] if any(item.official for item in statements) else []
    if len(names) > 1:
        notes.append(f"affiliated, all {voice.best.source}, so one source")
    return f"{text} ({', '.join(notes)})" if notes and tags else text


def _phrase(voice: Voice, *, short: bool = False) -> str:
    best = voice.best
    if best.basis == "statement":
        return f"{best.verb} {_names(voice)}, {best.details}"
    if best.basis == "evidence":
        return f"{best.verb} {best.details}"
    same_links = (item for item in (best, *voice.others) if item.basis == "link" and item.verb == best.verb)
    links = list(dict.fromkeys(item.link_text for item in same_links))
    which = f"{'confirmed links to' if len(links) > 1 else 'a confirmed link to'} {_and(links)}"
    return f"{best.verb} {which}, {best.backing_short if short else best.details}"


def _reason(voice: Voice) -> str:
    best = voice.best
    # Affiliated speakers and further links of the same kind are named in the phrase already.
    again = [
        item.again
        for item in voice.others
        if not (item.basis == best.basis == "statement" and item.speaker != best.speaker)
        and not (item.basis == best.basis == "link" and item.verb == best.verb)
    ]
    text = _phrase(voice) + "."
    if again:
        text += f" Counted once, as the same source ({best.source}): {_and(again)}."
    return text


def _summary(level: str, for_voices: list[Voice], against_voices: list[Voice]) -> str:
    pros = _listed(for_voices)
    cons = _listed(against_voices)
    count = len(for_voices)
    sources = f"{_number(count)} independent source{'s' if count != 1 else ''}"
    if level == SupportLevel.UNSUPPORTED:
        text = "Unsupported: nothing recorded counts for it"
        return f"{text}; {cons}." if cons else f"{text} yet."
    if level == SupportLevel.CONTESTED:
        return f"Contested: {pros}; {cons}."
    if level == SupportLevel.WEAK:
        text = f"Weak: {sources}, too little to call it supported: {pros}"
    elif level == SupportLevel.SUPPORTED:
        text = f"Supported by {sources}{' only' if count == 1 else ''}: {pros}"
    else:
        text = f"Well supported by {sources}: {pros}"
    return f"{text}; against it, {cons}." if cons else f"{text}."


def _listed(voices: list[Voice]) -> str:
    phrases = [_phrase(voice, short=True) for voice in voices[:SUMMARY_SOURCES]]
    if len(voices) > SUMMARY_SOURCES:
        more = len(voices) - SUMMARY_SOURCES
        phrases.append(f"and {_number(more)} more independent source{'s' if more != 1 else ''}")
    return "; ".join(phrases)


def _uncounted(own: list[StatementFact], links: tuple[LinkFact, ...], unsupported: list[LinkFact]) -> list[str]:
    notes = []
    questioning = list(dict.fromkeys(s.speaker.name for s in own if s.accepted and s.stance == Stance.QUESTIONS))
    if questioning:
        notes.append(f"Questioned by {_and(questioning)}: a question counts neither for nor against.")
    suggested = sum(1 for s in own if not s.accepted)
    if suggested:
        plural = suggested != 1
        notes.append(
            f"Not counted: {_number(suggested)} suggested statement{'s' if plural else ''}, "
            f"until an editor accepts {'them' if plural else 'it'}."
        )
    waiting = [link for link in links if link.status == ClaimLink.Status.SUGGESTED]
    if waiting:
        named = [f"{_quoted_claim(link.other_text)} ({link.relation})" for link in waiting[:SUMMARY_SOURCES]]
        if len(waiting) > SUMMARY_SOURCES:
            named.append(f"{_number(len(waiting) - SUMMARY_SOURCES)} more")
        which = "suggested links to" if len(waiting) > 1 else "a suggested link to"
        notes.append(
            f"Not counted until a reviewer confirms {'them' if len(waiting) > 1 else 'it'}: {which} {_and(named)}."
        )
    for link in unsupported:
        notes.append(
            f"Not counted: the confirmed link to {_quoted_claim(link.other_text)} ({link.relation}), "
            "which has no support of its own."
        )
    for link in links:
        if link.status == ClaimLink.Status.CONFIRMED and link.relation == ClaimLink.Relation.REFINES:
            notes.append(
                f"Not counted: the confirmed link to {_quoted_claim(link.other_text)} (refines), "
                "which neither supports nor refutes it."
            )
    return notes


def _structured(voice: Voice) -> dict[str, Any]:
    return {
        "source": voice.best.source,
        "basis": voice.best.basis,
        "weight": voice.weight,
        "official": voice.best.official,
        "detail": _phrase(voice),
        "counted_once_with": len(voice.others),
    }


def _quoted_claim(text: str) -> str:
    return f"“{text.rstrip('.')}”"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(count: int) -> str:
    return NUMBERS[count] if count < len(NUMBERS) else str(count)


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
