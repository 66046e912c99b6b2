"""Fetching the article behind a pasted address, and refusing addresses off the public web.

Every page comes from a server on 127.0.0.1, and every name is answered by a
stand-in resolver: no test reaches or looks up an outside address.
"""

import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import certifi
import pytest
from pytest_django.fixtures import Settings

from core.http import USER_AGENT, FetchError, FetchTimeout, NotAnArticle, TooLarge, TooManyRedirects, UnsafeAddress
from sources.articles import FetchedArticle, fetch_article

Page = Callable[[BaseHTTPRequestHandler], None]

ARTICLE = b"""<!doctype html>
<html lang="en-GB">
<head>
  <title>Minister denies budget cut | Daily Bugle</title>
  <meta property="og:site_name" content="Daily Bugle">
  <meta name="author" content="Jane Reporter">
  <link rel="canonical" href="https://bugle.example/politics/minister-denies-cut">
  <meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
  <script>var tracker = "SCRIPT-IN-HEAD";</script>
  <style>.STYLE-RULE { color: red }</style>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
  <article>
    <h1>Minister denies budget cut</h1>
    <p>The finance minister said on Tuesday that the health budget would not be cut,
       contradicting a report published last week by the opposition.</p>
    <script>document.write("SCRIPT-IN-BODY")</script>
    <p>"We have never said we would reduce spending on hospitals," the minister told
       reporters outside parliament, adding that figures would follow.</p>
    <p>The opposition's spokesperson replied that the government's own documents showed
       a reduction of four percent over two years.</p>
  </article>
  <footer>Copyright 2024 Daily Bugle</footer>
</body>
</html>"""

# The headline, then each paragraph, a blank line apart, with the source's line breaks undone.
ARTICLE_TEXT = (
    "Minister denies budget cut\n\n"
    "The finance minister said on Tuesday that the health budget would not be cut,"
    " contradicting a report published last week by the opposition.\n\n"
    '"We have never said we would reduce spending on hospitals," the minister told'
    " reporters outside parliament, adding that figures would follow.\n\n"
    "The opposition's spokesperson replied that the government's own documents showed"
    " a reduction of four percent over two years."
)

NO_ARTICLE = b"""<!doctype html>
<html><head><title>Sign in</title><script>var article = "SCRIPT-ONLY";</script></head>
<body><img src="/logo.png" alt=""></body></html>"""


# A self-signed certificate for bugle.example, valid until 2126, and its key: the HTTPS tests trust it.
BUGLE_CERTIFICATE = """-----BEGIN CERTIFICATE-----
MIIBojCCAUegAwIBAgIUDw7PTdPwOBoLUI0bObYVhH5NcHcwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNYnVnbGUuZXhhbXBsZTAgFw0yNjExMjYwNTM5MzJaGA8yMTI2
MTEwMjA1MzkzMlowGDEWMBQGA1UEAwwNYnVnbGUuZXhhbXBsZTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABPFtdMzBVHeuMNtwZw2b3XhZsg26Utbiu1Dd4rv6LsmB
oPgbCjFRGkjj6oZQ2xEyWJkqXs5WbhFi4xdAlWcHwAWjbTBrMB0GA1UdDgQWBBQA
EVLA14PxJumCeNvc9vIrbB9m7zAfBgNVHSMEGDAWgBQAEVLA14PxJumCeNvc9vIr
bB9m7zAYBgNVHREEETAPgg1idWdsZS5leGFtcGxlMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDSQAwRgIhAKICZ8mDaqd9RnI/cXvmN4UAqzkp5WPMLCJDOpFt
NJ3eAiEA2K2zzfQ6rRFMK3zFKf+28uHY6QdJ+416/tXUwv6sdb0=
-----END CERTIFICATE-----
"""
BUGLE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgV+Pn6o0DtYPiHx1s
Yv3rtWUEYaNMgWO+vUIHUSakMgihRANCAATxbXTMwVR3rjDbcGcNm914WbINulLW
4rtQ3eK7+i7JgaD4GwoxURpI4+qGUNsRMliZKl7OVm4RYuMXQJVnB8AF
-----END PRIVATE KEY-----
"""


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Attest hangs up on purpose (too large, too slow); the server need not report it.
        pass


class NewsroomSite:
    """A web server on 127.0.0.1 whose pages are registered by path."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.scheme = "https" if tls else "http"
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                site.pages.get(self.path, not_found)(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = LocalServer(("127.0.0.1", 0), Handler)
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host_port}{path}"

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def respond(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes = b"") -> None:
    request.send_response(status)
    for name, value in {"Content-Length": str(len(body)), "Connection": "close", **headers}.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def page(body: bytes, content_type: str = "text/html; charset=utf-8") -> Page:
    return lambda request: respond(request, 200, {"Content-Type": content_type}, body)


def redirect(location: str, status: int = 302) -> Page:
    return lambda request: respond(request, status, {"Location": location})


def not_found(request: BaseHTTPRequestHandler) -> None:
    respond(request, 404, {"Content-Type": "text/html"}, b"<html><body>Not here</body></html>")


def chunked(body: bytes, chunk_size: int = 500) -> Page:
    def send(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Transfer-Encoding", "chunked")
        request.send_header("Connection", "close")
        request.end_headers()
        for start in range(0, len(body), chunk_size):
            chunk = body[start : start + chunk_size]
            request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        request.wfile.write(b"0\r\n\r\n")

    return send


@pytest.fixture(scope="module")
def site() -> Iterator[NewsroomSite]:
    site = NewsroomSite()
    site.pages.update(
        {
            "/politics/minister-denies-cut": page(ARTICLE),
            "/politics/old-address": redirect("minister-denies-cut", status=301),
            "/no-article": page(NO_ARTICLE),
            "/report.bin": page(b"\x00\x01" * 100, content_type="application/octet-stream"),
            "/chart.png": page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png"),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/to-metadata-service": redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-localhost": redirect("http://localhost/admin"),
            "/to-loopback": redirect("http://127.0.0.1/admin"),
            **{f"/hops/{count}": redirect(f"/hops/{count - 1}") for count in range(1, 7)},
            "/hops/0": page(ARTICLE),
        }
    )
    yield site
    site.close()


@pytest.fixture
def allowed_site(site: NewsroomSite, settings: Settings) -> NewsroomSite:
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {site.host_port}
    site.requests.clear()
    return site


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The resolver's answers by name; IP literals resolve as themselves and other names are unknown."""
    answers = {"localhost": ["127.0.0.1", "::1"]}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host in answers:
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
                if ":" in address
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in answers[host]
            ]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_article_text_and_metadata_are_extracted(allowed_site: NewsroomSite) -> None:
    url = allowed_site.url("/politics/minister-denies-cut")

    article = fetch_article(url)

    assert article == FetchedArticle(
        url=url,
        final_url=url,
        canonical_url="https://bugle.example/politics/minister-denies-cut",
        title="Minister denies budget cut",
        text=ARTICLE_TEXT,
        author="Jane Reporter",
        published_at=datetime(2024, 3, 5, 12, tzinfo=UTC),
        language="en-GB",
        site_name="Daily Bugle",
    )


def test_scripts_styles_and_page_furniture_stay_out_of_the_text(allowed_site: NewsroomSite) -> None:
    text = fetch_article(allowed_site.url("/politics/minister-denies-cut")).text

    assert "SCRIPT-IN" not in text
    assert "STYLE-RULE" not in text
    assert "Copyright" not in text
    assert "Home" not in text


@pytest.mark.parametrize(
    ("head", "canonical_path"),
    [
        (b"", None),
        (b'<meta property="og:url" content="/politics/minister-denies-cut">', "/politics/minister-denies-cut"),
    ],
    ids=["none-named", "relative-og-url"],
)
def test_canonical_url_is_only_the_one_the_page_names(
    allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch, head: bytes, canonical_path: str | None
) -> None:
    copy = ARTICLE.replace(b'<link rel="canonical" href="https://bugle.example/politics/minister-denies-cut">', head)
    monkeypatch.setitem(allowed_site.pages, "/politics/copy", page(copy))

    article = fetch_article(allowed_site.url("/politics/copy"))

    assert article.canonical_url == (allowed_site.url(canonical_path) if canonical_path else None)


def test_request_names_attest_and_the_host(allowed_site: NewsroomSite) -> None:
    fetch_article(allowed_site.url("/politics/minister-denies-cut"))

    [(_, headers)] = allowed_site.requests
    assert headers["User-Agent"] == USER_AGENT == "Attest/1 (+claim and attribution tracker)"
    assert headers["Host"] == allowed_site.host_port


def test_page_decoded_with_the_charset_its_headers_name(
    allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    latin = ARTICLE.replace(b"The finance minister", "Nicolás Pérez, the finance minister,".encode("latin-1"))
    monkeypatch.setitem(allowed_site.pages, "/latin", page(latin, content_type="text/html; charset=ISO-8859-1"))

    article = fetch_article(allowed_site.url("/latin"))

    assert "Nicolás Pérez, the finance minister, said" in article.text


def test_xhtml_page_is_an_article(allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(allowed_site.pages, "/xhtml", page(ARTICLE, content_type="application/xhtml+xml"))

    assert fetch_article(allowed_site.url("/xhtml")).title == "Minister denies budget cut"


def test_relative_redirect_is_followed_on_the_allowed_server(allowed_site: NewsroomSite) -> None:
    article = fetch_article(allowed_site.url("/politics/old-address"))

    assert article.url == allowed_site.url("/politics/old-address")
    assert article.final_url == allowed_site.url("/politics/minister-denies-cut")
    assert article.text == ARTICLE_TEXT


def test_five_redirects_are_followed(allowed_site: NewsroomSite) -> None:
    article = fetch_article(allowed_site.url("/hops/5"))

    assert article.final_url == allowed_site.url("/hops/0")


def test_more_than_five_redirects_are_refused(allowed_site: NewsroomSite) -> None:
    with pytest.raises(TooManyRedirects, match="more than 5 times"):
        fetch_article(allowed_site.url("/hops/6"))


def test_redirect_loop_is_refused(allowed_site: NewsroomSite) -> None:
    with pytest.raises(TooManyRedirects, match="in a loop"):
        fetch_article(allowed_site.url("/loop-a"))

    assert [path for path, _ in allowed_site.requests] == ["/loop-a", "/loop-b"]


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        ("/to-metadata-service", "link-local address, such as a cloud metadata service (169.254.169.254)"),
        ("/to-localhost", "this server itself"),
        ("/to-loopback", "this server itself (127.0.0.1)"),
    ],
)
def test_redirect_off_the_allowed_server_is_refused(allowed_site: NewsroomSite, path: str, refusal: str) -> None:
    with pytest.raises(UnsafeAddress) as refused:
        fetch_article(allowed_site.url(path))

    assert str(refused.value).startswith(f"{allowed_site.url(path)} redirects to ")
    assert refusal in str(refused.value)


def test_redirect_to_another_port_on_the_allowed_host_is_refused(
    allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = NewsroomSite()
    try:
        other.pages["/politics/minister-denies-cut"] = page(ARTICLE)
        monkeypatch.setitem(allowed_site.pages, "/to-other-port", redirect(other.url("/politics/minister-denies-cut")))

        with pytest.raises(UnsafeAddress, match="port"):
            fetch_article(allowed_site.url("/to-other-port"))

        assert other.requests == []
    finally:
        other.close()


def test_connection_goes_to_the_address_that_was_checked(
    site: NewsroomSite, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name first resolves to the allowed server, then to a private address (DNS rebinding):
    # Attest must connect to the address it checked, not look the name up again.
    port = site.server.server_port
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {f"bugle.example:{port}"}
    answers = iter([["127.0.0.1"], ["10.0.0.5"], ["10.0.0.5"]])
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "bugle.example":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in next(answers)]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    site.requests.clear()

    article = fetch_article(f"http://bugle.example:{port}/politics/minister-denies-cut")

    assert article.title == "Minister denies budget cut"
    assert lookups == ["bugle.example"]
    [(_, headers)] = site.requests
    assert headers["Host"] == f"bugle.example:{port}"


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://127.0.0.1/", "points to this server itself (127.0.0.1)"),
        ("http://localhost/", "points to this server itself"),
        ("http://10.0.0.5/", "points to a private network (10.0.0.5)"),
        ("http://192.168.1.20/admin", "points to a private network (192.168.1.20)"),
        ("http://169.254.169.254/latest/meta-data/", "points to a link-local address"),
        ("http://[::1]/", "points to this server itself (::1)"),
        ("http://[::ffff:127.0.0.1]/", "points to this server itself (::ffff:127.0.0.1)"),
        ("http://[::ffff:10.0.0.5]/", "points to a private network (::ffff:10.0.0.5)"),
        ("http://0.0.0.0/", "points to an unspecified address"),
        ("http://100.64.0.1/", "points to an address outside the public internet"),
        ("ftp://bugle.example/report.txt", "starts with ftp:"),
        ("file:///etc/passwd", "starts with file:"),
        ("bugle.example/politics", "not a full web address"),
        ("http://editor:secret@bugle.example/", "user name or password"),
        ("https://bugle.example:8443/", "port 8443"),
    ],
)
def test_address_off_the_public_web_is_refused(url: str, refusal: str) -> None:
    with pytest.raises(UnsafeAddress) as refused:
        fetch_article(url)

    assert refusal in str(refused.value)


def test_local_server_is_refused_unless_its_host_and_port_are_allowed(site: NewsroomSite) -> None:
    with pytest.raises(UnsafeAddress, match="port"):
        fetch_article(site.url("/politics/minister-denies-cut"))


def test_allowing_one_port_does_not_allow_the_host(site: NewsroomSite, settings: Settings) -> None:
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {"127.0.0.1:1"}

    with pytest.raises(UnsafeAddress, match="this server itself"):
        fetch_article("http://127.0.0.1/")
    with pytest.raises(UnsafeAddress):
        fetch_article(site.url("/politics/minister-denies-cut"))


@pytest.mark.parametrize(
    ("addresses", "shown"),
    [
        (["10.0.0.5"], "a private network (10.0.0.5)"),
        (["93.184.215.14", "192.168.0.7"], "a private network (192.168.0.7)"),
        (["::ffff:127.0.0.1"], "this server itself (::ffff:127.0.0.1)"),
        (["fd00::5"], "a private network (fd00::5)"),
        (["64:ff9b::a00:5"], "a private network (64:ff9b::a00:5)"),
    ],
    ids=["private", "one-of-several-private", "ipv4-mapped-loopback", "ipv6-unique-local", "nat64-private"],
)
def test_public_looking_name_resolving_to_a_private_address_is_refused(
    dns: dict[str, list[str]], addresses: list[str], shown: str
) -> None:
    dns["news.bugle.example"] = addresses

    with pytest.raises(UnsafeAddress) as refused:
        fetch_article("https://news.bugle.example/politics/minister-denies-cut")

    assert str(refused.value) == f"The address points to {shown}; Attest fetches only public web pages."


@pytest.fixture
def secure_site(tmp_path: Path) -> Iterator[NewsroomSite]:
    (tmp_path / "bugle.pem").write_text(BUGLE_KEY + BUGLE_CERTIFICATE)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "bugle.pem")
    site = NewsroomSite(tls)
    site.pages["/politics/minister-denies-cut"] = page(ARTICLE)
    yield site
    site.close()


@pytest.fixture
def trusted_bugle_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "trusted.pem").write_text(BUGLE_CERTIFICATE)
    monkeypatch.setattr(certifi, "where", lambda: str(tmp_path / "trusted.pem"))


@pytest.mark.usefixtures("trusted_bugle_certificate")
def test_https_page_is_fetched_from_the_checked_address_with_the_name_verified(
    secure_site: NewsroomSite, dns: dict[str, list[str]], settings: Settings
) -> None:
    port = secure_site.server.server_port
    dns["bugle.example"] = ["127.0.0.1"]
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {f"bugle.example:{port}"}

    article = fetch_article(f"https://bugle.example:{port}/politics/minister-denies-cut")

    assert article.text == ARTICLE_TEXT
    [(_, headers)] = secure_site.requests
    assert headers["Host"] == f"bugle.example:{port}"


@pytest.mark.parametrize("trusted", [True, False], ids=["certificate-for-another-name", "untrusted-certificate"])
def test_https_certificate_that_does_not_prove_the_name_is_refused(
    secure_site: NewsroomSite,
    dns: dict[str, list[str]],
    settings: Settings,
    request: pytest.FixtureRequest,
    trusted: bool,
) -> None:
    if trusted:
        request.getfixturevalue("trusted_bugle_certificate")
    name = "wire.example" if trusted else "bugle.example"
    port = secure_site.server.server_port
    dns[name] = ["127.0.0.1"]
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {f"{name}:{port}"}

    with pytest.raises(FetchError, match=f"secure connection to {name} failed"):
        fetch_article(f"https://{name}:{port}/politics/minister-denies-cut")

    assert secure_site.requests == []


def test_name_that_takes_too_long_to_look_up_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    answered = threading.Event()

    def slow_getaddrinfo(*args: Any, **kwargs: Any) -> list[Any]:
        answered.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    try:
        with pytest.raises(FetchTimeout):
            fetch_article("https://bugle.example/", timeout=0.3)
    finally:
        answered.set()


def test_unknown_name_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=r"could not find the site nowhere\.bugle\.example"):
        fetch_article("https://nowhere.bugle.example/")


def test_slow_server_times_out(allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch) -> None:
    def sleeping(request: BaseHTTPRequestHandler) -> None:
        allowed_site.stopping.wait(5)
        respond(request, 200, {"Content-Type": "text/html"}, ARTICLE)

    monkeypatch.setitem(allowed_site.pages, "/slow", sleeping)

    with pytest.raises(FetchTimeout, match=r"within 0\.5 seconds"):
        fetch_article(allowed_site.url("/slow"), timeout=0.5)


def test_server_dripping_the_page_times_out(allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each byte arrives well within any read timeout; only the deadline for the whole fetch stops it.
    def dripping(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        while not allowed_site.stopping.wait(0.05):
            request.wfile.write(b"<")
            request.wfile.flush()

    monkeypatch.setitem(allowed_site.pages, "/drip", dripping)

    with pytest.raises(FetchTimeout):
        fetch_article(allowed_site.url("/drip"), timeout=0.5)


@pytest.mark.parametrize(
    "large_page",
    [page(b"<html>" + b"x" * 5000 + b"</html>"), chunked(b"<html>" + b"x" * 5000 + b"</html>")],
    ids=["with-content-length", "chunked"],
)
def test_page_larger_than_the_limit_is_refused(
    allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch, large_page: Page
) -> None:
    monkeypatch.setitem(allowed_site.pages, "/large", large_page)

    with pytest.raises(TooLarge, match="larger than 1 KB"):
        fetch_article(allowed_site.url("/large"), max_bytes=1000)


def test_page_declaring_a_size_above_the_limit_is_refused_before_its_body_arrives(
    allowed_site: NewsroomSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def announcing(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", "10000000")
        request.end_headers()
        request.wfile.flush()
        allowed_site.stopping.wait(5)

    monkeypatch.setitem(allowed_site.pages, "/announced", announcing)

    with pytest.raises(TooLarge, match="larger than 1 MB"):
        fetch_article(allowed_site.url("/announced"), timeout=5, max_bytes=1_000_000)


def test_limit_comes_from_settings(
    allowed_site: NewsroomSite, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ATTEST_FETCH_MAX_BYTES = 1000
    monkeypatch.setitem(allowed_site.pages, "/large", chunked(b"<html>" + b"x" * 5000 + b"</html>"))

    with pytest.raises(TooLarge):
        fetch_article(allowed_site.url("/large"))


@pytest.mark.parametrize("path", ["/report.bin", "/chart.png"])
def test_document_that_is_not_a_web_page_is_refused(allowed_site: NewsroomSite, path: str) -> None:
    with pytest.raises(NotAnArticle, match="not a web page"):
        fetch_article(allowed_site.url(path))


def test_page_without_article_text_is_refused(allowed_site: NewsroomSite) -> None:
    with pytest.raises(NotAnArticle, match="no article text"):
        fetch_article(allowed_site.url("/no-article"))


def test_missing_page_is_a_fetch_error(allowed_site: NewsroomSite) -> None:
    with pytest.raises(FetchError, match="answered 404 Not Found"):
        fetch_article(allowed_site.url("/gone"))


def test_server_that_refuses_the_connection_is_a_fetch_error(settings: Settings) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {f"127.0.0.1:{port}"}

    with pytest.raises(FetchError, match=r"could not connect to 127\.0\.0\.1") as refused:
        fetch_article(f"http://127.0.0.1:{port}/")

    assert type(refused.value) is FetchError
