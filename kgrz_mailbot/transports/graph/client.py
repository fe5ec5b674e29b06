"""One HTTP connection pool to Microsoft Graph: bearer token, ImmutableId, one renewal after 401, throttling, $batch.

httpx, not the official Graph SDK (msgraph-sdk): the SDK pulls in hundreds of megabytes of generated models and
takes seconds to import, for the handful of mail endpoints we call; httpx gives one pooled, timed-out HTTP/1.1
client that msal shares for its token requests, so one CA bundle and one pool serve both.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from kgrz_mailbot.config.settings import GraphSettings
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.graph.auth import TokenSource
from kgrz_mailbot.transports.graph.faults import (
    NO_MAILBOX_CODES,
    READ_WRITE,
    RETRY_STATUSES,
    Answer,
    answer_of,
    failure,
    http_failure,
)
from kgrz_mailbot.transports.shared import Backoff

log = logging.getLogger("kgrz_mailbot.transport")
# httpx logs every request (URL with the mailbox address) at INFO; the journal gets our one line per action instead
logging.getLogger("httpx").setLevel(logging.WARNING)

#: every request asks for immutable ids, so an id stays valid when the mail moves between folders
IMMUTABLE = 'IdType="ImmutableId"'
#: Outlook's limit per app and mailbox; we send one request at a time, and Graph runs a $batch 4 in parallel
MAX_CONCURRENT = 4
_SAFE = "$,'()=:@/-._~*"


def query(**params: str | int) -> str:
    """``?$select=id&$top=100`` from ``select="id", top=100`` (OData names keep their ``$``; values escaped)."""
    return "?" + "&".join(f"${key}={quote(str(value), safe=_SAFE)}" for key, value in params.items())


def tls_context(settings: GraphSettings) -> ssl.SSLContext:
    """The system's CAs plus the configured bundle (a TLS-inspecting proxy's CA); verification is never off."""
    context = ssl.create_default_context()
    if settings.ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(settings.ca_bundle))
        except (OSError, ssl.SSLError) as e:
            raise TransportError(f"CA-Zertifikatsdatei {settings.ca_bundle} nicht lesbar ({e}); [mail.graph] "
                                 "ca_bundle prüfen") from e
    return context


class GraphClient:
    """Requests to ``<graph_url>`` as the app, for the one mailbox ``/users/<address>``."""

    def __init__(self, settings: GraphSettings, address: str, environ: Mapping[str, str], *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.address = address
        self.mailbox = f"/users/{quote(address, safe='@')}"
        self._max_wait = settings.max_wait_seconds
        self._sleep = sleep
        self.http = httpx.Client(
            base_url=settings.graph_url, verify=tls_context(settings),
            timeout=httpx.Timeout(settings.timeout_seconds, connect=min(settings.timeout_seconds, 15)),
            limits=httpx.Limits(max_connections=MAX_CONCURRENT, max_keepalive_connections=MAX_CONCURRENT),
            headers={"Prefer": IMMUTABLE, "User-Agent": "kgrz-mailbot"})
        try:
            self.tokens = TokenSource(settings, environ, self.http)
        except Exception:
            self.http.close()
            raise

    def call(self, method: str, url: str, *, what: str, json: Any = None, content: bytes | None = None,
             headers: Mapping[str, str] | None = None) -> Answer:
        """One request, retried with a new token after a 401 (once) and after 429/503/504 within the wait budget.

        Returns the last answer, successful or not: the caller knows which failures are fine (404 on a move).
        """
        backoff = Backoff(budget_seconds=self._max_wait)
        renewed = False
        token = self.tokens.token()
        while True:
            try:
                response = self.http.request(method, url, json=json, content=content,
                                             headers={**(headers or {}), "Authorization": f"Bearer {token}"})
            except httpx.HTTPError as e:
                raise http_failure(e, what) from e
            answer = answer_of(response)
            if answer.status == 401 and not renewed:
                log.debug("graph: 401 on %s, renewing the token once", what)
                token, renewed = self.tokens.renew(), True
                continue
            if answer.status in RETRY_STATUSES:
                wait = backoff.next_wait(answer.retry_after())
                if wait is not None:
                    log.info("Graph: HTTP %s bei %s, warte %.1f s", answer.status, what, wait)
                    self._sleep(wait)
                    continue
            return answer

    def get(self, url: str, *, what: str, role: str = READ_WRITE, missing_ok: bool = False) -> Answer:
        """GET that raises the German error unless successful (or 404 with ``missing_ok``)."""
        answer = self.call("GET", url, what=what)
        if not answer.ok and not (missing_ok and answer.status in (400, 404) and answer.code not in NO_MAILBOX_CODES):
            raise self.failure(answer, what, role)
        return answer

    def failure(self, answer: Answer, what: str, role: str = READ_WRITE) -> Exception:
        return failure(answer, what, address=self.address, role=role, auth_hint=self.tokens.hint)

    def batch(self, requests: Sequence[dict[str, Any]], *, what: str, role: str = READ_WRITE) -> dict[str, Answer]:
        """Run up to 20 requests in one ``$batch``; the answer per request id.

        Requests answered 429/503/504 are sent again (only those) after the longest Retry-After, within the
        wait budget; when it is spent they stay in the result with that status for the caller to report.
        """
        pending = {r["id"]: {**r, "headers": {**r.get("headers", {}), "Prefer": IMMUTABLE}} for r in requests}
        results: dict[str, Answer] = {}
        backoff = Backoff(budget_seconds=self._max_wait)
        while pending:
            answer = self.call("POST", "/$batch", json={"requests": list(pending.values())}, what=what)
            if not answer.ok or not isinstance(answer.body, dict):
                raise self.failure(answer, what, role)
            for item in answer.body.get("responses", []):
                if item.get("id") in pending:
                    results[item["id"]] = Answer(int(item.get("status", 500)), item.get("body"),
                                                 dict(item.get("headers") or {}))
            for missing in pending.keys() - results.keys():  # Graph answers every request; be safe if not
                results[missing] = Answer(503, None, {})
            again = {k: v for k, v in pending.items() if results[k].status in RETRY_STATUSES}
            if not again:
                break
            waits = [results[k].retry_after() or 0.0 for k in again]
            wait = backoff.next_wait(max(waits))
            if wait is None:
                break
            log.info("Graph: %s von %s Anfragen gedrosselt bei %s, warte %.1f s", len(again), len(pending), what, wait)
            self._sleep(wait)
            pending = again
        return results

    def close(self) -> None:
        self.http.close()

