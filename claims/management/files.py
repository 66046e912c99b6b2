"""Reading the text files management commands are given."""

from pathlib import Path

from django.core.management.base import CommandError


def read_utf8(path: Path) -> str:
    """The file's text, exactly as stored (offsets count from it), or a CommandError saying why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not UTF-8 text (byte {error.start} cannot be read).") from error
