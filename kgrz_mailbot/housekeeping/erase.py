"""``erase --person``: pseudonymise one person everywhere they are stored, keeping the report texts (Art. 17).

Where a person is stored: the people mirrored from projects.toml, every text column (senders, recipients,
subjects, reasons, the report texts and the drafts' JSON), the raw text of every mail received or sent, the
Maildir copies of those mails, and the draft files already written. Name and address become the pseudonym
``geloescht-<hash>`` (``@invalid``) in all of them; the status reports stay, because they are the
organisation's record and the next draft quotes them. A raw mail that cannot be rewritten with certainty is
blanked instead. ``dry_run`` computes the same changes in a transaction that is rolled back and writes no file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session as DbSession
from sqlmodel import SQLModel, select

from kgrz_mailbot.housekeeping.pseudonymise import Replacer, Unclean, decoded_header, rewrite_draft_file, rewrite_mail
from kgrz_mailbot.housekeeping.retention import BATCH, UnknownPerson, pseudonym
from kgrz_mailbot.jobs.drafts import content_hash
from kgrz_mailbot.storage.store import Store
from kgrz_mailbot.storage.tables import (
    DraftRow,
    InboundMailRow,
    OutboundMailRow,
    PersonRow,
    ProjectRow,
    StatusUpdateRow,
)

DRAFT_SUFFIXES = (".docx", ".html", ".json")


@dataclass
class EraseResult:
    address: str
    pseudonym: str
    dry_run: bool = False
    names: tuple[str, ...] = ()
    people_removed: int = 0
    inbound_rewritten: int = 0
    outbound_rewritten: int = 0
    blanked: int = 0
    outbound_cancelled: int = 0
    updates_kept: int = 0
    fields_rewritten: int = 0
    files_rewritten: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    files_unclean: list[str] = field(default_factory=list)
    still_configured: list[str] = field(default_factory=list)
    exchange: bool = False

    def summary(self) -> str:
        verb = "würde" if self.dry_run else "wurde"
        names = ", ".join(f"„{n}“" for n in self.names) or "kein Name gespeichert"
        lines = [
            f"{'Probelauf – nichts geändert. ' if self.dry_run else ''}{self.address} ({names}) {verb} überall durch "
            f"das Pseudonym {self.pseudonym} ersetzt:",
            f"  - Datenbank: {self.people_removed} Personeneinträge entfernt, {self.fields_rewritten} Textfelder "
            f"umgeschrieben, Rohtext von {self.inbound_rewritten} eingegangenen und {self.outbound_rewritten} "
            f"versandten Mails pseudonymisiert, {self.blanked} Mails ohne sichere Umschreibung geleert, "
            f"{self.outbound_cancelled} noch nicht versandte Mails storniert",
            f"  - {self.updates_kept} Statusmeldungen bleiben mit ihrem Text erhalten (Absender pseudonymisiert)",
            f"  - Dateien: {len(self.files_rewritten)} umgeschrieben, {len(self.files_removed)} entfernt",
        ]
        lines += [f"      {path}" for path in [*self.files_rewritten, *self.files_removed]]
        for path in self.files_unclean:
            lines.append(f"  - Achtung: {path} enthält die Person noch (nicht sicher umschreibbar); bitte von Hand "
                         "prüfen und bereinigen.")
        if self.exchange:
            lines.append("  - Die Mails im Exchange-Postfach (Verarbeitet, Fehlgeschlagen, Gesendete Elemente) "
                         "ändert dieser Befehl nicht; bitte dort löschen.")
        if self.still_configured:
            lines.append(f"  - Achtung: die Adresse steht noch in projects.toml (Projekte: "
                         f"{', '.join(self.still_configured)}); bitte dort entfernen, sonst legt der nächste Start "
                         "sie wieder an.")
        return "\n".join(lines)


def erase_person(store: Store, address: str, now: datetime, *, maildir: Path | None = None,
                 report_dir: Path | None = None, names: Iterable[str] = (), dry_run: bool = False,
                 exchange: bool = False) -> EraseResult:  # fmt: skip
    """Pseudonymise ``address`` (and the person's full names) in the database, the Maildir and the drafts.

    ``names`` adds names known from the configuration. Raises ``UnknownPerson`` when nothing names the address.
    """
    addr, alias = address.strip().lower(), pseudonym(address)
    result = EraseResult(address=addr, pseudonym=alias, dry_run=dry_run, exchange=exchange)
    with (store.trial() if dry_run else store.write()) as db:
        person = Replacer(addr, _names_of(db, addr, names), alias)
        result.names = person.names
        result.still_configured = sorted(set(db.exec(select(ProjectRow.key).join(PersonRow).where(
            sa.func.lower(PersonRow.address) == addr)).all()))
        result.updates_kept = len(db.exec(select(StatusUpdateRow.id).where(
            sa.func.lower(StatusUpdateRow.sender) == addr)).all())
        found = _erase_raw(db, person, now, result)
        result.people_removed = db.execute(sa.delete(PersonRow).where(
            sa.func.lower(PersonRow.address) == addr)).rowcount  # type: ignore[attr-defined]
        result.fields_rewritten = _rewrite_text_columns(db, person)
        if not (found or result.people_removed or result.fields_rewritten):
            raise UnknownPerson(f"Zu {addr} ist nichts gespeichert; nichts geändert. Bitte die Schreibweise prüfen.")
        draft_files = [Path(p) for row in db.exec(select(DraftRow)).all()
                       for p in (row.json_path, row.html_path, row.docx_path)]
    for path in sorted({*draft_files, *_files_under(report_dir, DRAFT_SUFFIXES)}):
        _rewrite_file(path, person, result, mail=False)
    for path in sorted(_files_under(maildir, None)):
        _rewrite_file(path, person, result, mail=True)
    return result


def _names_of(db: DbSession, addr: str, configured: Iterable[str]) -> tuple[str, ...]:
    """Full names the person goes by: configured, and the display names of their own mails ("Krämer, Sabine")."""
    found = [*configured, *db.exec(select(PersonRow.name).where(sa.func.lower(PersonRow.address) == addr)).all()]
    rows = db.exec(select(InboundMailRow.raw).where(sa.func.lower(InboundMailRow.from_address) == addr)).all()
    parser = BytesHeaderParser(policy=compat32)
    for raw in rows:
        try:
            header = str(parser.parsebytes(raw[:65536]).get("From", ""))
            found += [decoded_header(name) for name, address in getaddresses([header]) if address.lower() == addr]
        except Exception:  # noqa: BLE001,S112 - a broken From header adds no name
            continue
    names = []
    for name in found:
        last, comma, first = name.partition(",")
        name = " ".join(f"{first} {last}".split()) if comma else " ".join(name.split())
        if len(name.split()) >= 2 and name not in names:  # one word ("Sabine") would replace too much
            names.append(name)
    return tuple(names)


def _batches(db: DbSession, table: type[InboundMailRow] | type[OutboundMailRow]) -> Iterator[list]:  # type: ignore[type-arg]
    last = 0
    while rows := db.exec(select(table).where(table.id > last).order_by(table.id).limit(BATCH)).all():
        yield list(rows)
        last = rows[-1].id or last
        db.flush()


def _erase_raw(db: DbSession, person: Replacer, now: datetime, result: EraseResult) -> int:
    """Rewrite every raw mail that names the person; blank the ones that cannot be rewritten with certainty."""
    touched = 0
    for rows in _batches(db, InboundMailRow):
        for row in rows:
            mine = person.address in ((row.from_address or "").lower(), (row.verified_sender or "").lower())
            touched += mine
            if not row.raw:
                continue
            outcome = _rewrite_raw(row, person, result)
            result.inbound_rewritten += outcome == "rewritten"
            if outcome == "blanked" and row.state == "stored":  # nothing left to interpret
                row.state, row.outcome = "quarantine", "quarantine"
                row.error = f"gelöscht am {now:%d.%m.%Y} (Art. 17)"
    for rows in _batches(db, OutboundMailRow):  # type: ignore[assignment]
        for row in rows:
            mine = person.address in {a.strip().lower() for a in row.recipients.split(",")}
            touched += mine
            if mine and row.state in ("pending", "sending"):
                row.state = "cancelled"  # the relay claims only pending rows; the person is to get no more mail
                result.outbound_cancelled += 1
            if row.raw:
                result.outbound_rewritten += _rewrite_raw(row, person, result) == "rewritten"
    return touched


def _rewrite_raw(row: InboundMailRow | OutboundMailRow, person: Replacer, result: EraseResult) -> str:
    try:
        new = rewrite_mail(row.raw, person)
    except Unclean:
        row.raw = b""
        result.blanked += 1
        return "blanked"
    if new == row.raw:
        return "untouched"
    row.raw = new
    return "rewritten"


def _is_text(column: sa.Column) -> bool:  # type: ignore[type-arg]
    """String columns, including SQLModel's AutoString (a TypeDecorator, not an ``sa.String``)."""
    kind = getattr(column.type, "impl", column.type)  # TypeDecorators report the type they store as
    return isinstance(kind, sa.String)


def _rewrite_text_columns(db: DbSession, person: Replacer) -> int:
    """Name and address (any case, any spelling the Replacer knows) become the pseudonym in every text column.

    Names with umlauts defeat SQL's ASCII-only ``lower``/``LIKE``, so rows are read in batches and judged here.
    """
    rewritten = 0
    for table in SQLModel.metadata.sorted_tables:
        key = table.primary_key.columns.values()[0]
        columns = [c for c in table.columns if c is not key and _is_text(c)]
        last = None
        while True:
            query = sa.select(key, *columns).order_by(key).limit(BATCH)
            rows = db.execute(query if last is None else query.where(key > last)).all()
            if not rows:
                break
            for ident, *values in rows:
                changes = {c.name: person.text(v) for c, v in zip(columns, values, strict=True)
                           if isinstance(v, str) and person.names_in(v)}
                if changes:
                    if table.name == DraftRow.__tablename__ and "content_json" in changes:
                        changes["content_hash"] = _draft_hash(changes["content_json"])
                    db.execute(sa.update(table).where(key == ident).values(changes))
                    rewritten += len(changes) - ("content_hash" in changes)
            last = rows[-1][0]
    return rewritten


def _draft_hash(content_json: str) -> str:
    """The hash the compiler compares against, so a pseudonymised version does not count as new content."""
    import json  # noqa: PLC0415

    return content_hash(json.loads(content_json))


def _files_under(folder: Path | None, suffixes: tuple[str, ...] | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and "tmp" not in p.relative_to(folder).parts[-2:-1]
            and not p.name.startswith(".") and (suffixes is None or p.suffix in suffixes)]


def _rewrite_file(path: Path, person: Replacer, result: EraseResult, mail: bool) -> None:
    """Rewrite one file in place (same name, same mode); a stored mail that cannot be cleaned is removed."""
    if not path.is_file():
        return
    data = path.read_bytes()
    try:
        new = rewrite_mail(data, person) if mail else rewrite_draft_file(path.name, data, person)
    except Unclean:
        if not mail:  # a draft is the committee's record: an admin decides
            result.files_unclean.append(str(path))
            return
        result.files_removed.append(str(path))
        if not result.dry_run:
            path.unlink()
        return
    if new == data:
        return
    result.files_rewritten.append(str(path))
    if result.dry_run:
        return
    partial = path.with_name(f".{path.name}.erase")
    partial.write_bytes(new)
    os.chmod(partial, stat.S_IMODE(path.stat().st_mode))
    os.replace(partial, path)
