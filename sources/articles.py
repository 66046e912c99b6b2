"""Reading a news article: its text and metadata, from a page fetched (core.http) or HTML an editor pasted."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from core.dates import day_moment
from core.http import STANDARD_PORTS, NotAnArticle, Page, page_get
from sources.models import LANGUAGE_TAG_PATTERN


@dataclass(frozen=True)
class FetchedArticle:
    """An article as fetched: where it was asked for and found, and what it says."""

    url: str  # the address asked for
    final_url: str  # the address the article came from, after redirects
    canonical_url: str | None  # the address the page names as its own (link rel=canonical, og:url), if any
    title: str
    text: str  # the article body as plain text, paragraphs a blank line apart
    author: str
    published_at: datetime | None  # the publication day, at the time core.dates gives a bare day
    language: str | None  # a tag such as "en" or "pt-BR", from the page or its headers
    site_name: str


def article_from_html(html: str, *, url: str = "") -> FetchedArticle:
    """The article in HTML an editor pasted: read the way a fetched page is, without fetching anything."""
    return _article(url, Page(url=url, body=html.encode("utf-8"), charset="utf-8", content_language=None))


def fetch_article(url: str, *, timeout: float | None = None, max_bytes: int | None = None) -> FetchedArticle:
    """Fetch the article at `url` and extract its text and metadata; refuse any address off the public web."""
    page = page_get(url, timeout=timeout, max_bytes=max_bytes)
    return _article(url, page)


def _article(url: str, page: Page) -> FetchedArticle:
    try:
        tree = trafilatura.load_html(_decoded(page))
        document = None
        if tree is not None:
            document = trafilatura.bare_extraction(tree, url=page.url, with_metadata=True, include_comments=False)
        text = _plain_text(document) if isinstance(document, Document) else ""
    except Exception as error:
        # trafilatura and its parsers raise many kinds of errors on hostile HTML; each means "no article".
        raise NotAnArticle(f"Attest could not read an article from {page.url} ({error}).") from error
    if tree is None or not isinstance(document, Document) or not text:
        raise NotAnArticle(f"{page.url} has no article text that Attest can extract.")
    return FetchedArticle(
        url=url,
        final_url=page.url,
        canonical_url=_canonical_url(tree, page.url),
        title=document.title or "",
        text=text,
        author=document.author or "",
        published_at=_published_at(document.date),
        language=_language(tree, page.content_language),
        site_name=document.sitename or "",
    )


def _decoded(page: Page) -> str | bytes:
    """The page as text in the charset its headers name; as bytes, for trafilatura to guess, when they name none."""
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            return page.body  # a charset Python does not know
    return page.body


def _plain_text(document: Document) -> str:
    # trafilatura's own text output ends each paragraph with a single newline, so a line break
    # inside a paragraph and the end of a paragraph look the same. Rendering each block of the
    # extracted body on its own keeps paragraphs apart with a blank line.
    blocks = (xmltotxt(block, include_formatting=False).strip() for block in document.body)
    return "\n\n".join(block for block in blocks if block)


def _canonical_url(tree: HtmlElement, base: str) -> str | None:
    # Not trafilatura's Document.url: it falls back to the address fetched, and counts <base href>
    # as canonical, so it cannot tell whether the page named a canonical address at all.
    candidates = [
        link.get("href", "")
        for link in tree.iterfind(".//link[@rel][@href]")
        if "canonical" in link.get("rel", "").lower().split()
    ]
    candidates += [meta.get("content", "") for meta in tree.iterfind(".//meta[@property='og:url'][@content]")]
    for candidate in candidates:
        absolute = urljoin(base, candidate.strip())
        if candidate.strip() and urlsplit(absolute).scheme in STANDARD_PORTS:
            return absolute
    return None


def _published_at(day: str | None) -> datetime | None:
    # htmldate gives the publication day only (YYYY-MM-DD).
    if not day:
        return None
    try:
        published = date.fromisoformat(day)
    except ValueError:
        return None
    return day_moment(published)


def _language(tree: HtmlElement, content_language: str | None) -> str | None:
    # trafilatura fills Document.language only when asked to filter by language, so read the page's own tags.
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    candidates += [
        meta.get("content")
        for meta in tree.iterfind(".//meta[@http-equiv][@content]")
        if meta.get("http-equiv", "").lower() == "content-language"
    ]
    candidates.append(content_language)
    for candidate in candidates:
        tag = _language_tag(candidate)
        if tag:
            return tag
    return None


def _language_tag(value: str | None) -> str | None:
    """A tag such as "en" or "pt-BR" from a value such as "pt_BR" or "EN, fr"; None when it is not one."""
    if not value:
        return None
    primary, _, rest = value.split(",")[0].strip().replace("_", "-").partition("-")
    tag = f"{primary.lower()}-{rest}" if rest else primary.lower()
    return tag if re.fullmatch(LANGUAGE_TAG_PATTERN, tag) else None
