"""HTTP measurement against one bench server on 127.0.0.1: one request at a time, and
under N connections with a bounded thread pool (standard library only: no client library
to install, and little client CPU on a small machine)."""

from __future__ import annotations

import http.client
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
#: Every request says it came through the TLS proxy, as in production.
CSRF = secrets.token_hex(16)  # 32 characters: Django accepts it as both cookie and token


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    queries: int | None = None
    server_ms: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: int = 0
    wall: float = 0.0

    def add(self, seconds, status, headers, size):
        self.seconds.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 400:
            self.errors += 1
        count = headers.get("x-query-count")
        if count is not None:
            self.queries = int(count)
        if headers.get("x-server-time"):
            self.server_ms.append(float(headers["x-server-time"]))
        self.bytes = size

    def summary(self) -> dict:
        ms = sorted(s * 1000 for s in self.seconds)
        out = {
            "n": len(ms),
            "median_ms": round(statistics.median(ms), 1) if ms else None,
            "p95_ms": round(percentile(ms, 95), 1) if ms else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "queries": self.queries,
            "bytes": self.bytes,
        }
        if self.server_ms:
            out["server_median_ms"] = round(statistics.median(self.server_ms), 1)
        if self.wall:
            out["per_second"] = round(len(ms) / self.wall, 1)
        return out


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


class Client:
    """One keep-alive connection; cookies (the session, CSRF) sent by hand, since the
    production cookies are marked Secure and this is plain HTTP behind a pretend proxy."""

    def __init__(self, port: int, session: str | None = None, timeout: float = 120):
        self.port = port
        self.session = session
        self.timeout = timeout
        self.conn = None
        self.last_body = ""

    def _headers(self, extra=None) -> dict:
        cookies = [f"csrftoken={CSRF}"]
        if self.session:
            cookies.append(f"sessionid={self.session}")
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(cookies),
            "Accept-Language": "zh-hant",
        }
        headers.update(extra or {})
        return headers

    def request(self, method: str, url: str, body: bytes | None = None, headers=None):
        """(seconds, status, headers, body size); the time covers reading the whole body."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, url, body=body, headers=self._headers(headers))
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            self.last_body = data.decode("utf-8", "replace") if len(data) < 20000 else ""
            lower = {k.lower(): v for k, v in response.getheaders()}
            if lower.get("connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return seconds, response.status, lower, len(data)
        raise RuntimeError("unreachable")

    def post_form(self, url: str, fields: dict, htmx: bool = True):
        from urllib.parse import urlencode

        body = urlencode({**fields, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}:{self.port}{url}",
            "X-CSRFToken": CSRF,
        }
        if htmx:
            headers["HX-Request"] = "true"
        return self.request("POST", url, body=body, headers=headers)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def one_at_a_time(port, url, session, *, requests, warmup, time_cap) -> dict:
    client = Client(port, session)
    for _i in range(warmup):
        client.request("GET", url)
    sample = Sample()
    started = time.perf_counter()
    for i in range(requests):
        sample.add(*client.request("GET", url))
        if i >= 4 and time.perf_counter() - started > time_cap:
            break
    client.close()
    return sample.summary()


def concurrent(port, url, session, *, connections, requests, time_cap) -> dict:
    """``connections`` threads, each with its own connection, until ``requests`` requests
    are done or ``time_cap`` seconds have passed (whichever first)."""
    sample = Sample()
    lock = threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + time_cap

    def worker():
        client = Client(port, session)
        try:
            while True:
                with lock:
                    if issued[0] >= requests or time.perf_counter() > deadline:
                        return
                    issued[0] += 1
                try:
                    result = client.request("GET", url)
                except Exception:
                    with lock:
                        sample.errors += 1
                    continue
                with lock:
                    sample.add(*result)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(time_cap + 130)
    sample.wall = time.perf_counter() - started
    return sample.summary()
