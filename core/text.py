"""Text normalisation shared by lookups, search and hashing.

PostgreSQL's `unaccent` is not available on every server Attest runs on, so
accent-insensitive matching compares folded copies that the service layer
stores beside the original text.
"""

import hashlib
import string
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

# Typographic characters that editors and extracted text use interchangeably
# with their plain forms.
_PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)

# What a web address keeps as it is: ASCII's printable characters, escapes already made among them.
_URI_SAFE = string.punctuation


def fold(text: str) -> str:
    """The case- and accent-insensitive form of `text`.

    Typographic quotes and dashes become plain ones and white space is
    collapsed; other punctuation is kept.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_PUNCTUATION))
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(without_marks.casefold().split())


def canonical_text(text: str) -> str:
    """The form in which a source's text is stored: NFC, Unix line endings."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def content_hash(text: str) -> str:
    """SHA-256 of a source's canonical text, so an identical text is stored once."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


def canonical_link(url: str) -> str:
    """The form in which a web address is stored and compared: a valid `uri`, all ASCII.

    A site name that is not ASCII is written in its IDNA (punycode) form and other characters that are not
    ASCII are percent-encoded, as browsers send them, so `https://bücher.example/brücke` and
    `https://xn--bcher-kva.example/br%C3%BCcke` are one address. An address whose site name cannot be so
    written is left as it is, for validation to refuse.
    """
    if url.isascii():
        return url
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return url
    return urlunsplit(
        (
            parts.scheme,
            f"{quote(userinfo, safe=_URI_SAFE)}{at}{host}{colon}{port}",
            quote(parts.path, safe=_URI_SAFE),
            quote(parts.query, safe=_URI_SAFE),
            quote(parts.fragment, safe=_URI_SAFE),
        )
    )
