"""What must hold after any crash (``always``) and once the cycle has run to its end (``final``)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass

from kgrz_mailbot.transports.maildir.transport import sent_name
from tests.crash.scenario import ANSWERED_BY, MAIL_NAMES, MESSAGE_ID, World


@dataclass(frozen=True)
class Outcome:
    """What a world ended with, comparable between a crashed and an undisturbed run."""

    mails: Counter[tuple[str, str]]  # (kind, recipients) of every outbox row
    inbound: dict[str, tuple[str, str]]  # file name → (state, outcome with ids blanked)
    draft_versions: int


def _db(world: World) -> sqlite3.Connection:
    # Not read-only: the first reader after a SIGKILL may have to recover the WAL index, which writes.
    db = sqlite3.connect(world.database, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def _rows(world: World, query: str) -> list[sqlite3.Row]:
    if not world.database.exists():
        return []
    db = _db(world)
    try:
        return db.execute(query).fetchall()
    except sqlite3.OperationalError as exc:  # killed before the schema was created
        if "no such table" in str(exc):
            return []
        raise
    finally:
        db.close()


def always(world: World) -> list[str]:
    """Invariants that no crash at any instant may break."""
    problems: list[str] = []
    outbox = _rows(world, "SELECT id, business_key, message_id, kind, state, inbound_mail_id, status_request_id,"
                          " session_id FROM outbound_mail")
    by_message_id = {r["message_id"]: r for r in outbox}
    files = Counter()
    for where, raw in world.sent_mails():
        match = MESSAGE_ID.search(raw)
        mid = match[1].decode() if match else f"<ohne Message-ID: {where}>"
        files[mid] += 1
        if mid not in by_message_id:
            problems.append(f"versandte Mail {where} hat keine Zeile im Postausgang ({mid})")
        elif world.transport == "maildir" and where.split(":2,")[0] != sent_name(mid):
            problems.append(f"versandte Mail {where} trägt eine fremde Message-ID {mid}")
    problems += [f"Mail {mid} {n}-mal versandt" for mid, n in files.items() if n > 1]
    for row in outbox:
        if row["state"] == "sent" and files[row["message_id"]] != 1:
            problems.append(f"{row['business_key']} gilt als versandt, liegt aber {files[row['message_id']]}-mal vor")
        if row["state"] == "unknown":
            problems.append(f"{row['business_key']} ist 'unknown', obwohl {world.transport} den Versand belegen kann")
    problems += _semantic_duplicates(outbox)
    updates = _rows(world, "SELECT inbound_mail_id, count(*) AS n FROM status_update GROUP BY inbound_mail_id")
    problems += [f"Mail #{r['inbound_mail_id']} {r['n']}-mal als Statusmeldung verbucht" for r in updates if r["n"] > 1]
    inbound = _rows(world, "SELECT source_key FROM inbound_mail")
    keys = Counter(r["source_key"] for r in inbound)
    problems += [f"{key} {n}-mal gespeichert" for key, n in keys.items() if n > 1]
    for name in MAIL_NAMES:
        places = world.places_of(name)
        if len(places) > 1:
            problems.append(f"eingegangene Mail {name} liegt {len(places)}-mal vor: {places}")
        if places and places[0].kind == "processed" and world.key_of(name) not in keys:
            problems.append(f"{name} wurde als verarbeitet verschoben, ohne gespeichert zu sein")
    return problems


def _semantic_duplicates(outbox: list[sqlite3.Row]) -> list[str]:
    """The same business fact mailed twice under two different keys (a unique index cannot catch that)."""
    facts = Counter()
    for row in outbox:
        if row["kind"] == "request":
            facts[("Statusabfrage", row["status_request_id"])] += 1
        elif row["kind"] == "reminder":
            facts[("Erinnerung " + row["business_key"].rsplit("/", 1)[-1], row["status_request_id"])] += 1
        elif row["kind"] == "escalation":
            facts[("Fristmeldung", row["session_id"])] += 1
        elif row["inbound_mail_id"] is not None:
            facts[("Antwort auf Mail", row["inbound_mail_id"])] += 1
    return [f"{what} für #{ref} {n}-mal im Postausgang" for (what, ref), n in facts.items() if n > 1]


def final(world: World) -> list[str]:
    """After a clean end: nothing lost, nothing pending, every answer once, the draft complete."""
    problems = always(world)
    inbound = {r["source_key"]: r for r in _rows(world, "SELECT * FROM inbound_mail")}
    for name in MAIL_NAMES:
        row, places = inbound.get(world.key_of(name) or ""), world.places_of(name)
        if row is None:
            problems.append(f"eingegangene Mail {name} ist verloren (keine Zeile)")
            continue
        if row["state"] == "stored" or not row["acked"]:
            problems.append(f"{name} ist nach dem Lauf noch '{row['state']}', quittiert={row['acked']}")
        set_aside = row["state"] in ("failed", "quarantine")
        if len(places) != 1 or places[0].kind != ("failed" if set_aside else "processed"):
            problems.append(f"{name} liegt nicht (einmal) bei den verarbeiteten bzw. fehlgeschlagenen Mails: "
                            f"{[p.kind for p in places]}")
        elif places[0].raw != row["raw"]:
            problems.append(f"{name}: gespeicherte Rohdaten weichen von der Datei ab")
    outbox = _rows(world, "SELECT * FROM outbound_mail")
    problems += [f"{r['business_key']} blieb '{r['state']}'" for r in outbox if r["state"] != "sent"]
    confirmations = Counter(r["inbound_mail_id"] for r in outbox if r["kind"] == "confirmation")
    updates = Counter(r["inbound_mail_id"] for r in _rows(world, "SELECT inbound_mail_id FROM status_update"))
    for row in inbound.values():
        if row["outcome"] == "accepted" and (updates[row["id"]], confirmations[row["id"]]) != (1, 1):
            problems.append(f"{row['source_key']} angenommen, aber {updates[row['id']]} Meldungen und "
                            f"{confirmations[row['id']]} Bestätigungen")
    problems += _draft_complete(world)
    return problems


def _draft_complete(world: World) -> list[str]:
    drafts = _rows(world, "SELECT version, content_json, json_path FROM draft ORDER BY version")
    if not drafts:
        return ["kein Entwurf erstellt"]
    latest = json.loads(drafts[-1]["content_json"])
    answered = {p["key"]: p["answered_by"] for p in latest["projects"] if p["answered"]}
    problems = [] if answered == ANSWERED_BY else [f"Entwurf unvollständig: {answered} statt {ANSWERED_BY}"]
    with open(drafts[-1]["json_path"], encoding="utf-8") as handle:
        if json.load(handle)["version"] != drafts[-1]["version"]:
            problems.append("die JSON-Datei des Entwurfs passt nicht zu seiner Zeile")
    return problems


def outcome(world: World) -> Outcome:
    outbox = _rows(world, "SELECT kind, recipients FROM outbound_mail")
    inbound = _rows(world, "SELECT source_key, state, outcome FROM inbound_mail")
    return Outcome(
        mails=Counter((r["kind"], r["recipients"]) for r in outbox),
        inbound={world.name_of(r["source_key"]): (r["state"], re.sub(r"#\d+", "#N", r["outcome"] or ""))
                 for r in inbound},
        draft_versions=len(_rows(world, "SELECT id FROM draft")),
    )


def differences(got: Outcome, reference: Outcome) -> list[str]:
    """How a crashed world ended differently from the undisturbed reference run."""
    problems = []
    if got.mails != reference.mails:
        problems.append(f"andere Mails als ohne Absturz: zu viel {dict(got.mails - reference.mails)}, "
                        f"fehlend {dict(reference.mails - got.mails)}")
    problems += [f"{name}: {got.inbound.get(name)} statt {want}" for name, want in reference.inbound.items()
                 if got.inbound.get(name) != want]
    if got.draft_versions != reference.draft_versions:
        problems.append(f"{got.draft_versions} Entwurfsversionen statt {reference.draft_versions}")
    return problems


def windows(world: World) -> list[str]:
    """Which crash windows a kill left open: proof that the kills land where it matters."""
    outbox = _rows(world, "SELECT message_id, state FROM outbound_mail WHERE state IN ('pending', 'sending')")
    sent = {m[1].decode() for _, raw in world.sent_mails() if (m := MESSAGE_ID.search(raw))}
    found = []
    if any(r["state"] == "sending" and r["message_id"] in sent for r in outbox):
        found.append("versandt, nicht markiert")
    if any(r["state"] == "sending" and r["message_id"] not in sent for r in outbox):
        found.append("beansprucht, nicht versandt")
    if any(r["state"] == "pending" for r in outbox):
        found.append("im Postausgang wartend")
    inbound = _rows(world, "SELECT state, acked FROM inbound_mail")
    if any(r["state"] == "stored" for r in inbound):
        found.append("gespeichert, nicht ausgewertet")
    if any(r["state"] != "stored" and not r["acked"] for r in inbound):
        found.append("ausgewertet, nicht quittiert")
    return found
