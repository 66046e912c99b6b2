"""HTTP to addresses that people type (an article's link, a webhook's receiver), never reaching inside our network.

Every address, and every address a redirect points to, is checked before
Attest connects: only http and https, no credentials, the standard ports, and
a host whose every resolved IP is on the public internet. Attest then connects
to the IP it checked rather than to the name: resolving the name a second time
would let a DNS answer that changes between check and connection (rebinding)
send the request to a private address.

Settings, each optional:

- ``ATTEST_FETCH_TIMEOUT``: seconds for the whole fetch, redirects and body included (default 10).
- ``ATTEST_FETCH_MAX_BYTES``: the largest page body Attest reads (default 5 MB).
- ``ATTEST_FETCH_ALLOWED_HOSTS``: "host:port" pairs exempt from the address check, for tests
  and intranet deployments, e.g. ``{"127.0.0.1:8000", "wiki.intranet:443", "[::1]:8080"}``.
  Only the exact pair is exempt: the same host on another port is still refused.
"""

import http.client
import ipaddress
import socket
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import urllib3
from django.conf import settings

USER_AGENT = "Attest/1 (+claim and attribution tracker)"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
# A server that has not accepted the connection in this time is down; the rest of the budget is for reading.
CONNECT_SECONDS = 5.0
STANDARD_PORTS = {"http": 80, "https": 443}
ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
# On a network with NAT64, an IPv6 address in this prefix reaches the IPv4 address in its last 32 bits.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(Exception):
    """Attest could not fetch the article; the message is a sentence an editor can read."""


class UnsafeAddress(FetchError):
    """The address, or one a redirect points to, is not a public web page."""


class UnknownHost(FetchError):
    """The site's name does not resolve (now): a typo, or a name server that is down."""


class FetchTimeout(FetchError):
    """The site did not answer, or did not send the page, in time."""


class TooLarge(FetchError):
    """The page is larger than Attest reads."""


class NotAnArticle(FetchError):
    """The address serves something other than a web page, or a page without article text."""


class TooManyRedirects(FetchError):
    """The address redirects too many times, or in a loop."""


@dataclass(frozen=True)
class _Budget:
    deadline: float  # on the time.monotonic() clock
    seconds: float
    max_bytes: int

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timed_out(self, url: str) -> FetchTimeout:
        return FetchTimeout(f"{url} did not answer within {self.seconds:g} seconds; try again later.")


@dataclass(frozen=True)
class _Target:
    """An address that passed the check, with the IPs Attest may connect to."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, as sent in the Host header and for TLS
    port: int
    path: str
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == STANDARD_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class Page:
    """A web page as received: the address it came from (after redirects), its body and what its headers say."""

    url: str
    body: bytes
    charset: str | None
    content_language: str | None


def page_get(url: str, *, timeout: float | None = None, max_bytes: int | None = None) -> Page:
    """The web page at `url`, redirects followed, each address checked first; refuses anything off the public web."""
    seconds = timeout if timeout is not None else float(getattr(settings, "ATTEST_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    limit = max_bytes if max_bytes is not None else int(getattr(settings, "ATTEST_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    budget = _Budget(deadline=time.monotonic() + seconds, seconds=seconds, max_bytes=limit)
    return _download(url.strip(), budget)


def _download(url: str, budget: _Budget) -> Page:
    current, previous = url, None
    seen = {_without_fragment(url)}
    redirects = 0
    while True:
        try:
            target = _vet(current, budget)
        except FetchError as error:
            if previous is None:
                raise
            # Say where the redirect came from: the editor pasted a different address.
            raise type(error)(f"{previous} redirects to {current}. {error}") from error
        with _response(target, budget) as response:
            location = _redirect_location(response, current)
            if location is None:
                return _page(current, response, budget)
        if _without_fragment(location) in seen:
            raise TooManyRedirects(f"{current} redirects in a loop back to {location}; Attest cannot reach the page.")
        if redirects == MAX_REDIRECTS:
            raise TooManyRedirects(
                f"{url} redirects more than {MAX_REDIRECTS} times; Attest stopped following at {location}."
            )
        seen.add(_without_fragment(location))
        previous, current = current, location
        redirects += 1


def _vet(url: str, budget: _Budget, allowed_hosts: frozenset[str] | None = None) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(f"{url} is not a web address Attest can read ({error}).") from error
    if not parts.scheme:
        raise UnsafeAddress(f"{url} is not a full web address; paste it with its https:// or http:// start.")
    if parts.scheme not in STANDARD_PORTS:
        raise UnsafeAddress(
            f"{url} is not a web page address (it starts with {parts.scheme}:);"
            " Attest fetches only http and https pages."
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddress(
            "The address contains a user name or password; Attest fetches only public web pages,"
            " so paste the address without them."
        )
    if not parts.hostname:
        raise FetchError(f"{url} has no site name; paste the page's full address.")
    host = _ascii_host(parts.hostname, url)
    port = port or STANDARD_PORTS[parts.scheme]
    allowed = _host_and_port(host, port) in (_allowed_hosts() if allowed_hosts is None else allowed_hosts)
    if not allowed and port not in STANDARD_PORTS.values():
        raise UnsafeAddress(
            f"The address uses port {port}; Attest fetches only public web pages on the standard ports 80 and 443."
        )
    addresses = _resolve(host, port, budget, url)
    if not allowed:
        for address in addresses:
            reason = _why_not_public(address)
            if reason:
                raise UnsafeAddress(
                    f"The address points to {reason} ({address}); Attest fetches only public web pages."
                )
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return _Target(url=url, scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)


def _ascii_host(hostname: str, url: str) -> str:
    if _is_ip(hostname):
        return hostname
    try:
        host = hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchError(f"{url} does not contain a valid site name.") from error
    if not host or not all(char.isalnum() or char in ".-_" for char in host):
        raise FetchError(f"{url} does not contain a valid site name.")
    return host


def _is_ip(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _host_and_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _allowed_hosts() -> frozenset[str]:
    return _exempt(getattr(settings, "ATTEST_FETCH_ALLOWED_HOSTS", ()))


def _resolve(host: str, port: int, budget: _Budget, url: str) -> tuple[str, ...]:
    # getaddrinfo takes no timeout, so it runs in a worker that the deadline can abandon.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attest-resolve")
    try:
        future = executor.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        results = future.result(timeout=max(budget.remaining(), 0))
    except TimeoutError as error:
        raise budget.timed_out(url) from error
    except (OSError, UnicodeError) as error:
        raise UnknownHost(f"Attest could not find the site {host}; check the address.") from error
    finally:
        executor.shutdown(wait=False)
    # The first element of a sockaddr is the IP as text for both IPv4 and IPv6.
    addresses = tuple(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in results))
    if not addresses:
        raise UnknownHost(f"Attest could not find the site {host}; check the address.")
    return addresses


def _why_not_public(address: str) -> str | None:
    """What the address reaches when it is not the public internet, in an editor's words; None when public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone such as %eth0
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in NAT64_PREFIX:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "this server itself"
    if ip.is_link_local:
        return "a link-local address, such as a cloud metadata service"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private network"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "an address outside the public internet"
    return None


@contextmanager
def _response(
    target: _Target,
    budget: _Budget,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[urllib3.BaseHTTPResponse]:
    """The response from the first of the target's vetted IPs that accepts a connection."""
    failure: urllib3.exceptions.HTTPError | None = None
    for address in target.addresses:
        remaining = budget.remaining()
        if remaining <= 0:
            raise budget.timed_out(target.url)
        timeout = urllib3.Timeout(connect=min(CONNECT_SECONDS, remaining), read=remaining)
        with _pool(target, address, timeout) as pool, _transport_errors(target.url, budget):
            try:
                response = pool.urlopen(
                    method,
                    target.path,
                    body=body,
                    headers={
                        "Host": target.host_header,
                        "User-Agent": USER_AGENT,
                        **(
                            headers
                            or {
                                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                                "Accept-Encoding": "gzip, deflate",
                            }
                        ),
                    },
                    retries=False,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=True,
                )
            except urllib3.exceptions.ConnectTimeoutError as error:
                # Also NewConnectionError, its subclass: this IP is unreachable, the next one may not be.
                failure = error
                continue
            try:
                yield response
            finally:
                response.close()
            return
    if isinstance(failure, urllib3.exceptions.NewConnectionError) or failure is None:
        raise FetchError(f"Attest could not connect to {target.host}; the site may be down.") from failure
    raise budget.timed_out(target.url) from failure


def _pool(target: _Target, address: str, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, maxsize=1, retries=False)


@contextmanager
def _transport_errors(url: str, budget: _Budget) -> Iterator[None]:
    """Turn the network's exceptions into FetchErrors an editor can read."""
    host = urlsplit(url).hostname or url
    try:
        yield
    except urllib3.exceptions.NewConnectionError as error:
        # Checked before timeouts: urllib3 makes a refused connection a subclass of ConnectTimeoutError.
        raise FetchError(f"Attest could not connect to {host}; the site may be down.") from error
    except (urllib3.exceptions.TimeoutError, TimeoutError) as error:
        raise budget.timed_out(url) from error
    except urllib3.exceptions.SSLError as error:
        raise FetchError(
            f"The secure connection to {host} failed, so Attest cannot trust the page ({error})."
        ) from error
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as error:
        raise FetchError(f"The connection to {host} failed while fetching {url} ({error}).") from error


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float, allowed_hosts: Iterable[str] = ()) -> int:
    """POST `body` to `url`, checked as a fetch is (public addresses only, the vetted IP pinned); returns the status.

    Redirects are not followed: a receiver that moves must be registered again. `allowed_hosts` are the
    "host:port" pairs exempt from the address check.
    """
    budget = _Budget(deadline=time.monotonic() + timeout, seconds=timeout, max_bytes=0)
    target = _vet(url.strip(), budget, _exempt(allowed_hosts))
    with _response(target, budget, method="POST", body=body, headers=headers) as response:
        return int(response.status)


def address_check(url: str, *, timeout: float, allowed_hosts: Iterable[str] = ()) -> None:
    """Refuse `url` as `post` would, without sending anything: its name is resolved and every address checked.

    Raises UnsafeAddress for an address off the public internet, UnknownHost for a name that does not resolve,
    FetchTimeout when resolving takes longer than `timeout`, and FetchError for what is not a web address.
    """
    _vet(
        url.strip(), _Budget(deadline=time.monotonic() + timeout, seconds=timeout, max_bytes=0), _exempt(allowed_hosts)
    )


def _exempt(allowed_hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(entry.strip().lower() for entry in allowed_hosts)


def _redirect_location(response: urllib3.BaseHTTPResponse, url: str) -> str | None:
    """The absolute address a redirect points to, or None when the response is not a redirect."""
    if response.status not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location", "").strip()
    if not location:
        raise FetchError(f"{url} answered with a redirect ({response.status}) but did not say where to.")
    return urljoin(url, location)


def _page(url: str, response: urllib3.BaseHTTPResponse, budget: _Budget) -> Page:
    if not 200 <= response.status < 300:
        reason = f" {response.reason}" if response.reason else ""
        raise FetchError(f"{url} answered {response.status}{reason}; Attest could not read the page.")
    media_type, charset = _content_type(response.headers.get("Content-Type"))
    if media_type not in ARTICLE_TYPES:
        served = media_type or "a document of unknown type"
        raise NotAnArticle(f"{url} serves {served}, not a web page; Attest reads only HTML articles.")
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > budget.max_bytes:
        raise TooLarge(_too_large(url, budget))
    return Page(
        url=url,
        body=_body(url, response, budget),
        charset=charset,
        content_language=response.headers.get("Content-Language"),
    )


def _content_type(header: str | None) -> tuple[str, str | None]:
    """The media type, lower case, and the charset when the header names one."""
    media_type, *parameters = (header or "").split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'")
    return media_type.strip().lower(), charset


def _body(url: str, response: urllib3.BaseHTTPResponse, budget: _Budget) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with _transport_errors(url, budget):
        while True:
            _bound_next_read(response, budget, url)
            # read1 makes at most one read from the socket, so the deadline is checked between reads
            # even when a server drips the page a byte at a time. Sizes count decompressed bytes.
            chunk = response.read1(CHUNK_BYTES)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > budget.max_bytes:
                raise TooLarge(_too_large(url, budget))
            chunks.append(chunk)


def _bound_next_read(response: urllib3.BaseHTTPResponse, budget: _Budget, url: str) -> None:
    remaining = budget.remaining()
    if remaining <= 0:
        raise budget.timed_out(url)
    connection = response.connection if isinstance(response, urllib3.HTTPResponse) else None
    if connection is not None and connection.sock is not None:
        connection.sock.settimeout(remaining)


def _too_large(url: str, budget: _Budget) -> str:
    return f"{url} is larger than {_size(budget.max_bytes)}; Attest reads only pages up to that size."


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:g} MB"
    if count >= 1_000:
        return f"{count / 1_000:g} KB"
    return f"{count} bytes"


def _without_fragment(url: str) -> str:
    return urlsplit(url)._replace(fragment="").geturl()
