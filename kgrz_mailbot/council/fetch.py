"""HTTP GET for the council sources, with back-off on the sporadic 5xx of RIS servers (the only httpx module here).

httpx rather than requests: a plain synchronous client with explicit timeouts that keeps a URL's query exactly
as given (some RIS servers reject a percent-encoded ``modified_since``, see ``oparl.py``), and the library the
Graph transport uses too, so the project has one HTTP client.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from kgrz_mailbot.errors import MailbotError
from kgrz_mailbot.transports.shared import Backoff

log = logging.getLogger("kgrz_mailbot.council")

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "kgrz-mailbot (Sitzungstermine aus dem Ratsinformationssystem)"


class SourceError(MailbotError):
    """The council source could not be read or understood; the German message says what and where."""


@dataclass(frozen=True)
class Reply:
    url: str
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SourceError(f"{self.url}: Antwort ist kein gültiges JSON ({exc}).") from None


def default_backoff() -> Backoff:
    """A daily job can wait: up to five tries within two minutes."""
    return Backoff(budget_seconds=120.0, base_seconds=2.0, cap_seconds=30.0, max_attempts=5)


class Fetcher:
    """GETs with retries on 429/5xx and on connection failures; other statuses go back to the caller."""

    def __init__(self, *, timeout: float = 30.0, backoff: Callable[[], Backoff] = default_backoff,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = httpx.Client(timeout=timeout, follow_redirects=True,
                                   headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/calendar"})
        self.backoff, self.sleep = backoff, sleep
        self.requests = 0

    def get(self, url: str) -> Reply:
        backoff = self.backoff()
        while True:
            self.requests += 1
            try:
                response = self.client.get(url)
            except httpx.HTTPError as exc:
                problem, retry_after = f"nicht erreichbar ({type(exc).__name__}: {exc})", None
            else:
                if response.status_code not in RETRY_STATUS:
                    return Reply(str(response.url), response.status_code, response.content)
                problem = f"antwortet mit HTTP {response.status_code}"
                retry_after = _seconds(response.headers.get("Retry-After"))
            wait = backoff.next_wait(retry_after)
            if wait is None:
                tries = f"{backoff.attempts} Versuch" + ("en" if backoff.attempts != 1 else "")
                raise SourceError(f"{url}: {problem}, auch nach {tries}. "
                                  "Der Abgleich wird beim nächsten Lauf wiederholt.")
            log.warning("Ratsinformationssystem %s: %s; neuer Versuch in %.1f s", url, problem, wait)
            self.sleep(wait)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: ignore it and back off as usual
