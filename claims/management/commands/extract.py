import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.attribution import ExtractionUnavailable, extract_attributions
from claims.ingestion import clean_pasted_text
from claims.management.files import read_utf8


class Command(BaseCommand):
    help = "Print the attributions found in a text file (who said what), without storing anything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8 text file.")
        parser.add_argument(
            "--json", action="store_true", help="One JSON object per line per attribution, with character offsets."
        )

    def handle(self, *args: Any, file: Path, json: bool, **options: Any) -> None:
        text = read_text_file(file)
        try:
            attributions = extract_attributions(text)
        except ExtractionUnavailable as error:
            raise CommandError(str(error)) from error
        for attribution in attributions:
            if json:
                self.stdout.write(_as_json(attribution, text))
            else:
                source = _text(text, attribution.source) or f"({attribution.speaker or 'unknown'})"
                self.stdout.write(
                    f"{source} [{_text(text, attribution.cue)}] → {attribution.speaker or '?'} "
                    f"({attribution.kind}): {_text(text, attribution.content)}"
                )


def read_text_file(path: Path) -> str:
    """The file's text, exactly (offsets count from it), or a CommandError saying why it is not a story."""
    text = read_utf8(path)
    try:
        clean_pasted_text(text)
    except Exception as error:
        raise CommandError(f"{path}: {' '.join(getattr(error, 'messages', [str(error)]))}") from error
    return text


def _text(text: str, span: tuple[int, int] | None) -> str | None:
    return text[span[0] : span[1]] if span else None


def _as_json(attribution: Any, text: str) -> str:
    return json.dumps(
        {
            "source": list(attribution.source) if attribution.source else None,
            "source_text": _text(text, attribution.source),
            "cue": list(attribution.cue),
            "cue_text": _text(text, attribution.cue),
            "content": list(attribution.content),
            "content_text": _text(text, attribution.content),
            "kind": attribution.kind,
            "actor": attribution.speaker,
            "actor_kind": attribution.speaker_kind,
            "channel": attribution.channel,
        },
        ensure_ascii=False,
    )
