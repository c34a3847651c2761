"""Remote images: downloaded once into a content-addressed cache, with limits.

`build/.cache/remote/objects/<sha256>` holds the bytes, `remote/urls/<sha256 of the URL>` the
key of the bytes a URL gave. A download has a timeout (per read, and overall: a timer shuts the socket
down at the deadline, so a server that drips one byte at a time cannot hold the build), a size
cap and a redirect limit, and refuses loopback, private, link-local and other non-public addresses (every
hop of a redirect is checked, and the connection goes to the address that was checked) unless the
book allows private hosts. Offline, only the cache answers.
"""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..cache import write_atomic
from .resolve import ImageNotFound

USER_AGENT = "Pressroom/0.1 (+book build; images)"


def _cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    root = Path(cache_dir) / "remote"
    return root / "urls" / hashlib.sha256(url.encode("utf-8")).hexdigest(), root / "objects"


def cached(url: str, cache_dir: Path) -> bytes | None:
    index, objects = _cache_paths(cache_dir, url)
    try:
        key = index.read_text().strip()
        data = (objects / key).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == key else None


def fetch(url: str, opts, cache_dir: Path, offline: bool = False) -> bytes:
    """The bytes at `url`, from the cache or the network; ImageNotFound with a reason otherwise."""
    data = cached(url, cache_dir)
    if data is not None:
        return data
    if offline or getattr(opts, "offline", False):
        raise ImageNotFound("remote image not in the cache (offline build)")
    data = download(url, opts)
    key = hashlib.sha256(data).hexdigest()
    index, objects = _cache_paths(cache_dir, url)
    write_atomic(objects / key, data)
    write_atomic(index, key.encode())
    return data


def _public_address(host: str, port: int, allow_private: bool) -> str:
    """An address of `host` to connect to, refusing non-public ones unless allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise ImageNotFound(f"cannot resolve host {host} ({e})") from None
    for info in infos:
        addr = info[4][0]
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not allow_private and not ip.is_global:
            raise ImageNotFound(f"refused: {host} is a private or loopback address ({ip}); "
                                "set [images] allow_private_hosts = true to allow it")
    return infos[0][4][0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _abort(conn, expired: list) -> None:
    """At the deadline: end whatever read or write the download is blocked in."""
    expired.append(True)
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def download(url: str, opts) -> bytes:
    timeout = float(opts.timeout)
    deadline = time.monotonic() + timeout * 3
    too_slow = f"download took longer than {timeout * 3:g} s"
    max_bytes = int(opts.max_bytes)
    for _hop in range(int(opts.max_redirects) + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ImageNotFound(too_slow)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImageNotFound(f"unsupported image URL: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _public_address(parts.hostname, port, opts.allow_private_hosts)
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(parts.hostname, port, address, min(timeout, remaining))
        expired: list = []
        timer = threading.Timer(remaining, _abort, (conn, expired))
        timer.daemon = True
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            timer.start()
            conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*,*/*;q=0.5"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location")
                if not location:
                    raise ImageNotFound(f"HTTP {resp.status} without a Location")
                url = urljoin(url, location)
                continue
            if resp.status != 200:
                raise ImageNotFound(f"HTTP {resp.status} {resp.reason}")
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ImageNotFound(f"remote image larger than {max_bytes} bytes ({length})")
            chunks, total = [], 0
            while True:
                if expired or time.monotonic() > deadline:
                    raise ImageNotFound(too_slow)
                chunk = resp.read1(65536)  # what has arrived: a drip of bytes still meets the deadline
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise ImageNotFound(f"remote image larger than {max_bytes} bytes")
                chunks.append(chunk)
            if expired:  # the shut-down socket looked like the end of the body
                raise ImageNotFound(too_slow)
            return b"".join(chunks)
        except (TimeoutError, socket.timeout):
            raise ImageNotFound(too_slow if expired else f"timed out after {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as e:
            if expired:
                raise ImageNotFound(too_slow) from None
            raise ImageNotFound(f"download failed ({e.__class__.__name__}: {e})") from None
        finally:
            timer.cancel()
            conn.close()
    raise ImageNotFound(f"more than {opts.max_redirects} redirects")
