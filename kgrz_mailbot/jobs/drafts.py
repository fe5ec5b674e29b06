"""``compile``: assemble the session's draft, keep versions, write the files, mail it to the Werkleitung."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.changes import content_key, describe_changes
from kgrz_mailbot.domain.drafting import DEFAULT_UNTERRICHTUNG, Draft, Organisation, assemble_draft, draft_contract
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.jobs import mails
from kgrz_mailbot.jobs.matching import today
from kgrz_mailbot.mail import outbox
from kgrz_mailbot.mail.compose import Attachment
from kgrz_mailbot.reports.files import DraftFiles, write_draft_files
from kgrz_mailbot.reports.vorlage_html import render_html, render_text
from kgrz_mailbot.storage import drafts, mailrows, requests
from kgrz_mailbot.storage.store import session_id

if TYPE_CHECKING:
    from kgrz_mailbot.app import App

log = logging.getLogger("kgrz_mailbot.drafts")


@dataclass
class CompileResult:
    draft: Draft
    files: DraftFiles
    new_version: bool
    changes: list[str] = field(default_factory=list)
    sent: bool = False


def organisation(app: App) -> Organisation:
    org, report = app.config.organisation, app.config.report
    return Organisation(
        name=org.name, short=org.short, unit=org.unit, az=org.az, vorlage_number=report.vorlage_number,
        unterrichtung=report.unterrichtung or DEFAULT_UNTERRICHTUNG,
    )


def compile_draft(app: App, session: Session, send: bool = False, action_key: str | None = None) -> CompileResult:
    """A new version only when the content changed; sending a version twice sends nothing twice."""
    committee = app.config.committee(session.committee)
    now = app.clock.now()
    with app.store.write() as db:
        sid = session_id(db, session)
        answers = requests.answers_of_session(db, sid)
        previous = requests.previous_answers(db, session.committee, session.date)
        latest = drafts.latest_draft(db, sid)
        candidate = assemble_draft(organisation(app), committee, session.date, today(app),
                                   (latest.version if latest else 0) + 1, app.config.projects, answers, previous)
        contract = draft_contract(candidate)
        digest = hashlib.sha256(json.dumps(content_key(contract), sort_keys=True).encode()).hexdigest()
        new_version = latest is None or latest.content_hash != digest
        old_contract = json.loads(latest.content_json) if latest else None
        if not new_version and latest is not None:
            candidate = assemble_draft(organisation(app), committee, session.date, latest.created_at.astimezone(
                app.zone).date(), latest.version, app.config.projects, answers, previous)
            old_contract = _before(db, sid, latest.version)
        changes = describe_changes(old_contract, draft_contract(candidate))
        if new_version and latest is not None and latest.approved_at is not None:
            changes.insert(0, f"Version {latest.version} war freigegeben und ist durch diese Version überholt.")
        files = write_draft_files(candidate, app.config.report.output, app.renderer, changes)
        if new_version:
            record = drafts.add_draft(db, sid=sid, version=candidate.version, now=now, content_hash=digest,
                                      content_json=json.dumps(draft_contract(candidate), ensure_ascii=False),
                                      paths=(str(files.json), str(files.html), str(files.docx)))
        else:
            assert latest is not None
            record = latest
        result = CompileResult(candidate, files, new_version, changes)
        if send:
            result.sent = _queue_mail(app, db, session, sid, candidate, files, changes)
            if record.sent_at is None:
                drafts.mark_draft_sent(db, record.id, now)
        if action_key:
            requests.mark_action(db, sid, action_key, now, note=f"Version {candidate.version}")
    if send:
        outbox.flush(app)
    log.info("draft session=%s version=%s new=%s sent=%s", session.date, candidate.version, new_version, result.sent)
    return result


def _before(db: object, sid: int, version: int) -> dict | None:  # type: ignore[type-arg]
    earlier = [d for d in drafts.drafts_of_session(db, sid) if d.version == version - 1]  # type: ignore[arg-type]
    return json.loads(earlier[0].content_json) if earlier else None


def _queue_mail(app: App, db: object, session: Session, sid: int, draft: Draft, files: DraftFiles,
                changes: list[str]) -> bool:
    committee = app.config.committee(session.committee)
    key = f"{session.committee}/{session.date.isoformat()}/draft/{draft.version}"
    if mailrows.outgoing_exists(db, key):  # type: ignore[arg-type]
        return False
    label = "Entwurf" if draft.version == 1 else f"Nachtrag: Entwurf Version {draft.version}"
    subject = (f"{label} – Unterrichtungsvorlage „Stand der Projekte“ – {mails.committee_short(committee.name)} "
               f"{session.date:%d.%m.%Y}")
    mail = mails.build(
        app, business_key=key, kind="draft", to=[("", a) for a in committee.draft_to], subject=subject,
        text=render_text(draft, app.renderer, changes), html=render_html(draft, app.renderer, changes),
        session_id=sid, expects_answer=True,
        attachments=[Attachment(Path(files.docx).name, Path(files.docx).read_bytes())],
    )
    mailrows.record_outgoing(db, mail, app.clock.now())  # type: ignore[arg-type]
    return True
