"""Read a committee's meetings over OParl 1.1: System → Body → Organization → its meeting list, page by page.

Tolerant of what real RIS servers do (the workarounds follow those collected by the meine-stadt-transparent
importer for SessionNet/Somacos, SD.NET/Sternberg and ALLRIS/CC e-gov): objects without the mandatory ``type``,
a percent-encoded ``modified_since`` rejected (sent again unencoded), an empty filtered list answered with 404
and code 802 or with ``[]``, a single Body where the body list belongs, sporadic 500s (``fetch.py`` retries them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from kgrz_mailbot.config.settings import CouncilSource
from kgrz_mailbot.council.fetch import Fetcher, Reply, SourceError
from kgrz_mailbot.council.meetings import Meeting, SourceRead, local_start

MAX_PAGES = 2000  # a loop of next links must end somewhere
Json = dict[str, Any]


def read_oparl(fetcher: Fetcher, source: CouncilSource, zone: ZoneInfo, since: datetime | None) -> SourceRead:
    """The organization's meetings; with ``since`` only those modified since then (deleted ones included)."""
    assert source.oparl is not None and source.organization is not None
    organization, body = _organization(fetcher, source.oparl, source.organization)
    meetings = list(_meetings(fetcher, organization, body, zone, since))
    label = f"„{organization.get('name') or organization['id']}“"
    if body.get("name"):
        label += f" ({body['name']})"
    return SourceRead(tuple(meetings), complete=since is None, source_label=label, requests=fetcher.requests)


def _object(fetcher: Fetcher, url: str) -> Json:
    reply = fetcher.get(url)
    if reply.status != 200:
        raise SourceError(f"{url}: HTTP {reply.status}. Bitte die URL in schedule.toml prüfen.")
    data = reply.json()
    if not isinstance(data, dict):
        raise SourceError(f"{url}: kein OParl-Objekt (JSON-Objekt erwartet).")
    return data


def _items(fetcher: Fetcher, first: str, reply: Reply | None = None) -> Iterator[Json]:
    """Every object of an external list, following ``links.next``; ``reply`` is the first page if already read."""
    url: str | None = first
    seen: set[str] = set()
    while url:
        if url in seen or len(seen) >= MAX_PAGES:
            raise SourceError(f"{first}: die Seiten der Liste verweisen im Kreis ({url}).")
        seen.add(url)
        page = _page(url, reply or fetcher.get(url))
        reply = None
        yield from (item for item in page.get("data", []) if isinstance(item, dict))
        url = (page.get("links") or {}).get("next")


def _page(url: str, reply: Reply) -> Json:
    filtered = "modified_since=" in url
    if reply.status == 404 and filtered and b'"code"' in reply.body and _code(reply.json()) == 802:
        return {"data": []}  # SD.NET: "Die angeforderte Ressource wurde nicht gefunden" for an empty filtered list
    if reply.status != 200:
        raise SourceError(f"{url}: HTTP {reply.status} beim Lesen einer OParl-Liste.")
    data = reply.json()
    if data == [] and filtered:
        return {"data": []}  # SD.NET again: a bare empty array instead of an empty page
    if isinstance(data, dict) and "data" not in data and "id" in data:
        return {"data": [data]}  # a single object where the list belongs (seen for body lists)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise SourceError(f"{url}: keine OParl-Liste (erwartet: ein Objekt mit „data“ und „links“).")
    return data


def _code(data: Any) -> Any:
    return data.get("code") if isinstance(data, dict) else None


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[„“”\"'«»]", "", name)).strip().casefold()


def _organization(fetcher: Fetcher, system_url: str, wanted: str) -> tuple[Json, Json]:
    """The Organization by its id URL, or by its name (or short name) among all bodies of the system."""
    if re.match(r"^https?://", wanted):
        organization = _object(fetcher, wanted)
        body_url = organization.get("body")
        return organization, _object(fetcher, body_url) if isinstance(body_url, str) else {}
    system = _object(fetcher, system_url)
    if not isinstance(system.get("body"), str):
        raise SourceError(f"{system_url}: kein OParl-System (die Liste „body“ fehlt). Bitte die System-URL "
                          "des Ratsinformationssystems angeben (siehe README, „Sitzungstermine aus dem RIS“).")
    found, names = [], []
    for body in _items(fetcher, system["body"]):
        if not isinstance(body.get("organization"), str):
            continue
        for organization in _items(fetcher, body["organization"]):
            if organization.get("deleted"):
                continue
            own = [organization.get("name") or "", organization.get("shortName") or ""]
            names.append(own[0])
            if _norm(wanted) in {_norm(n) for n in own if n}:
                found.append((organization, body))
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(o["id"] for o, _ in found)
        raise SourceError(f"Gremium „{wanted}“ gibt es im Ratsinformationssystem {len(found)}-mal ({ids}); "
                          "bitte in schedule.toml organization = \"<id-URL>\" angeben.")
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = f" Ähnlich: {', '.join(f'„{n}“' for n in close)}." if close else ""
    raise SourceError(f"Gremium „{wanted}“ nicht im Ratsinformationssystem {system_url} gefunden.{hint} "
                      "Bitte den Namen genau wie dort oder die id-URL der Organization angeben.")


def _meetings(fetcher: Fetcher, organization: Json, body: Json, zone: ZoneInfo,
              since: datetime | None) -> Iterator[Meeting]:
    """The organization's own meeting list; where a server lacks it, the body's list filtered to it."""
    own = organization.get("meeting")
    everything = body.get("meeting") if not isinstance(own, str) else None
    if not isinstance(own, str) and not isinstance(everything, str):
        raise SourceError(f"{organization['id']}: weder die Organization noch ihre Körperschaft nennt eine "
                          "Sitzungsliste („meeting“).")
    for item in _filtered(fetcher, own if isinstance(own, str) else str(everything), since):
        if "id" not in item or (item.get("type") and not str(item["type"]).endswith("/Meeting")):
            continue
        if everything and not item.get("deleted") and organization["id"] not in (item.get("organization") or []):
            continue
        yield _meeting(item, zone)


def _filtered(fetcher: Fetcher, url: str, since: datetime | None) -> Iterator[Json]:
    """The list with ``omit_internal`` and, for an incremental read, ``modified_since`` as the spec says
    (percent-encoded); a server that refuses it gets the value once more unencoded (Somacos SessionNet)."""
    base = url + ("&" if "?" in url else "?") + "omit_internal=true"
    if since is None:
        yield from _items(fetcher, base)
        return
    stamp = since.isoformat(timespec="seconds")
    encoded = f"{base}&modified_since={quote(stamp, safe='')}"
    reply = fetcher.get(encoded)
    if reply.status in (200, 404):  # 404: SD.NET's empty list, handled in _page
        yield from _items(fetcher, encoded, reply)
    else:
        yield from _items(fetcher, f"{base}&modified_since={stamp}")


def _meeting(item: Json, zone: ZoneInfo) -> Meeting:
    start = None
    if isinstance(item.get("start"), str):
        try:
            start = local_start(datetime.fromisoformat(item["start"]), zone)
        except ValueError:
            start = None
    return Meeting(source_id=item["id"], name=str(item.get("name") or ""), start=start,
                   cancelled=item.get("cancelled") is True, deleted=item.get("deleted") is True)
