"""``compile``: assemble the session's draft, keep versions, write the files, mail it to the Werkleitung."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.domain.changes import EarlierVersion, VersionChanges, content_key, version_changes
from kgrz_mailbot.domain.drafting import DEFAULT_UNTERRICHTUNG, Draft, Organisation, assemble_draft, draft_contract
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.reports.files import DraftFiles, write_draft_files
from kgrz_mailbot.storage import draftdata

if TYPE_CHECKING:
    from kgrz_mailbot.app import App
    from kgrz_mailbot.storage.readmodel import ReadModel

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
    change lines), so the files on disk always match the mail that was or will be sent. Without sending, on a
    current SQLite file, the work runs on the stdlib driver (``App.quick_write``): the same SQL, one transaction.
    """
    now = app.clock.now()
    if not send and not action_key:
        with app.quick_write() as reader:
            if reader is not None:
                sid = reader.sessions()[(session.committee, session.date)]  # open_quick saw them all mirrored
                return _compile(app, reader, session, sid, now).result
    from kgrz_mailbot.storage import drafts, requests  # noqa: PLC0415 - SQLAlchemy's modules: the Store's path
    from kgrz_mailbot.storage.db import reader_of  # noqa: PLC0415
    from kgrz_mailbot.storage.store import session_id  # noqa: PLC0415

    with app.store.write() as db:
        sid = session_id(db, session)
        done = _compile(app, reader_of(db), session, sid, now)
        result = done.result
        if send:
            # the mail's modules (composing, the outbox) only when sending: ``compile`` alone stays quick (issue 15)
            from kgrz_mailbot.jobs.draft_mail import queue_draft_mail  # noqa: PLC0415

            result.sent = queue_draft_mail(app, db, session, sid, result.draft, result.files, done.changes,
                                           any(e.sent for e in done.earlier))  # fmt: skip
            if done.record.sent_at is None:
                drafts.mark_draft_sent(db, done.record.id, now)
        if action_key:
            requests.mark_action(db, sid, action_key, now, note=f"Version {result.draft.version}")
    if send:
        from kgrz_mailbot.outbox import relay  # noqa: PLC0415

        relay.flush(app)
    return result


@dataclass(frozen=True)
class _Compiled:
    result: CompileResult
    record: draftdata.DraftRecord
    earlier: list[EarlierVersion]
    changes: VersionChanges


def _compile(app: App, reader: ReadModel, session: Session, sid: int, now: datetime) -> _Compiled:
    """Assemble, write the files, record a new version (inside the caller's transaction, on either driver)."""
    candidate, latest, digest = _candidate(app, reader, session, sid)
    new_version = latest is None or latest.content_hash != digest
    earlier = [_earlier(d) for d in draftdata.drafts_of_session(reader, sid) if d.version < candidate.version]
    changes = version_changes(earlier, draft_contract(candidate))
    files = write_draft_files(candidate, app.config.report.output, app.renderer, changes.lines, changes.since,
                              created=now if new_version or latest is None else latest.created_at)
    crashpoint("draft-files")  # files written, version not yet committed: rewritten on the next run
    if latest is None or new_version:
        record = draftdata.add_draft(reader, sid=sid, version=candidate.version, now=now, content_hash=digest,
                                     content_json=json.dumps(draft_contract(candidate), ensure_ascii=False),
                                     paths=(str(files.json), str(files.html), str(files.docx)))  # fmt: skip
    else:
        record = latest
    log.debug("draft session=%s version=%s new=%s", session.date, candidate.version, new_version)
    return _Compiled(CompileResult(candidate, files, new_version, list(changes.lines), changes.since), record,
                     earlier, changes)  # fmt: skip


def _candidate(app: App, reader: ReadModel, session: Session,
               sid: int) -> tuple[Draft, draftdata.DraftRecord | None, str]:  # fmt: skip
    """The draft as the answers stand: the next version if its content differs, else the latest one again."""
    committee = app.config.committee(session.committee)
    answers = draftdata.answers_of_session(reader, sid)
    previous = draftdata.previous_answers(reader, session.committee, session.date)
    latest = draftdata.latest_draft(reader, sid)

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


def _earlier(record: draftdata.DraftRecord) -> EarlierVersion:
    return EarlierVersion(record.version, record.sent_at is not None, record.approved_at is not None,
                          json.loads(record.content_json))  # fmt: skip
