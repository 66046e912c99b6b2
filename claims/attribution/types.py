"""What attribution extraction finds in a text."""

from dataclasses import dataclass
from typing import Literal

Span = tuple[int, int]
Kind = Literal["direct", "indirect", "mixed"]


@dataclass(frozen=True)
class Attribution:
    """One attribution: who (source), the words that attribute (cue), and what was attributed (content).

    Spans are [start, end) character offsets into the analysed text. `source`
    is None where the speaker is only implied (“..., adding: ‘Now we're
    negotiating’”); `speaker` is then the resolved name all the same.
    """

    source: Span | None
    cue: Span
    content: Span
    kind: Kind
    speaker: str | None
    """The speaker's name as resolved within the text: "he" and "Mr Pérez" become "Oscar Pérez"."""
    speaker_kind: Literal["person", "organisation", "group", "unknown"] = "unknown"
    speaker_description: str | None = None
    """What the text calls the speaker besides their name: "opposition lawmaker", "Pedro Lima’s mother"."""
    channel: str | None = None
    """The medium of a second-hand statement: "tweeted" → "tweet", "In footage posted online" → "video"."""
