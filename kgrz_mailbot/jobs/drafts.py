"""``compile``: assemble the session's draft, keep versions, write the files, mail it to the Werkleitung."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.domain.changes import EarlierVersion, VersionChanges, content_key, version_changes
from kgrz_mailbot.domain.drafting import DEFAULT_UNTERRICHTUNG, Draft, Organisation, assemble_draft, draft_contract
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.mail.compose import Attachment
from kgrz_mailbot.outbox import letters, relay
from kgrz_mailbot.reports.files import DraftFiles, write_draft_files
from kgrz_mailbot.reports.vorlage_html import render_text
from kgrz_mailbot.storage import drafts, mailrows, requests
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.drafts")


@dataclass
class CompileResult:
    """The version compiled, its files, whether it is new, what its mail reports, and whether it was sent."""

    draft: Draft
    files: DraftFiles
    new_version: bool
    changes: list[str]
    changes_since: int | None = None
    sent: bool = False


def organisation(app: App) -> Organisation:
    org, report = app.config.organisation, app.config.report
    return Organisation(
        name=org.name,
        short=org.short,
        unit=org.unit,
        az=org.az,
        vorlage_number=report.vorlage_number,
        unterrichtung=report.unterrichtung or DEFAULT_UNTERRICHTUNG,
    )


def compile_draft(app: App, session: Session, send: bool = False, action_key: str | None = None) -> CompileResult:
    """A new version only when the content changed; sending a version twice sends nothing twice.

    Compiling an unchanged session rewrites the files of the latest version as they were (its date, its
    change lines), so the files on disk always match the mail that was or will be sent.
    """
    now = app.clock.now()
    with app.store.write() as db:
        sid = session_id(db, session)
        candidate, latest, digest = _candidate(app, db, session, sid)
        new_version = latest is None or latest.content_hash != digest
        earlier = [_earlier(d) for d in drafts.drafts_of_session(db, sid) if d.version < candidate.version]
        changes = version_changes(earlier, draft_contract(candidate))
        files = write_draft_files(candidate, app.config.report.output, app.renderer, changes.lines, changes.since,
                                  created=now if new_version or latest is None else latest.created_at)
        crashpoint("draft-files")  # files written, version not yet committed: rewritten on the next run
        if latest is None or new_version:
            record = drafts.add_draft(db, sid=sid, version=candidate.version, now=now, content_hash=digest,
                                      content_json=json.dumps(draft_contract(candidate), ensure_ascii=False),
                                      paths=(str(files.json), str(files.html), str(files.docx)))  # fmt: skip
        else:
            record = latest
        result = CompileResult(candidate, files, new_version, list(changes.lines), changes.since)
        if send:
            result.sent = _queue_mail(app, db, session, sid, candidate, files, changes, any(e.sent for e in earlier))
            if record.sent_at is None:
                drafts.mark_draft_sent(db, record.id, now)
        if action_key:
            requests.mark_action(db, sid, action_key, now, note=f"Version {candidate.version}")
    if send:
        relay.flush(app)
    log.debug("draft session=%s version=%s new=%s sent=%s", session.date, candidate.version, new_version, result.sent)
    return result


def _candidate(app: App, db: DbSession, session: Session, sid: int) -> tuple[Draft, drafts.DraftRecord | None, str]:
    """The draft as the answers stand: the next version if its content differs, else the latest one again."""
    committee = app.config.committee(session.committee)
    answers = requests.answers_of_session(db, sid)
    previous = requests.previous_answers(db, session.committee, session.date)
    latest = drafts.latest_draft(db, sid)

    def assemble(version: int, day: date) -> Draft:
        return assemble_draft(organisation(app), committee, session.date, day, version, app.config.projects,
                              answers, previous)  # fmt: skip

    # today in the organisation's zone (not inbox.matching.today: compile needs nothing else of the inbox)
    candidate = assemble((latest.version if latest else 0) + 1, app.clock.now().astimezone(app.zone).date())
    digest = content_hash(draft_contract(candidate))
    if latest is not None and latest.content_hash == digest:
        # unchanged: the latest version again, with the date it was made on
        candidate = assemble(latest.version, latest.created_at.astimezone(app.zone).date())
    return candidate, latest, digest


def content_hash(contract: dict[str, object]) -> str:
    """What decides whether a compile makes a new version: the C5 content without version and date."""
    return hashlib.sha256(json.dumps(content_key(contract), sort_keys=True).encode()).hexdigest()


def _earlier(record: drafts.DraftRecord) -> EarlierVersion:
    return EarlierVersion(record.version, record.sent_at is not None, record.approved_at is not None,
                          json.loads(record.content_json))  # fmt: skip


def _queue_mail(app: App, db: DbSession, session: Session, sid: int, draft: Draft, files: DraftFiles,
                changes: VersionChanges, follows_a_mail: bool) -> bool:  # fmt: skip
    """Record the draft mail in the outbox once per version; the HTML body is the file just written."""
    committee = app.config.committee(session.committee)
    key = f"{session.committee}/{session.date.isoformat()}/draft/{draft.version}"
    if mailrows.outgoing_exists(db, key):
        return False
    # "Nachtrag" only when the Werkleitung already has an earlier version; the version number always shows
    label = f"Entwurf Version {draft.version}" if draft.version > 1 else "Entwurf"
    label = f"Nachtrag: {label}" if follows_a_mail else label
    subject = (
        f"{label} – Unterrichtungsvorlage „Stand der Projekte“ – {letters.committee_short(committee.name)} "
        f"{session.date:%d.%m.%Y}"
    )
    mail = letters.build(
        app,
        business_key=key,
        kind="draft",
        to=[("", a) for a in committee.draft_to],
        subject=subject,
        text=render_text(draft, app.renderer, changes.lines, changes.since),
        html=Path(files.html).read_text(encoding="utf-8"),
        session_id=sid,
        expects_answer=True,
        attachments=[Attachment(Path(files.docx).name, Path(files.docx).read_bytes())],
    )
    mailrows.record_outgoing(db, mail, app.clock.now())
    return True
