"""``erase --person`` (Art. 17): shown first, asked before, then the person is a pseudonym everywhere they were
stored — database, raw mails however encoded, Maildir copies, drafts already written — and the report texts stay."""

from __future__ import annotations

import hashlib
import io
import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from kgrz_mailbot.app import App
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.housekeeping.pseudonymise import docx_text
from kgrz_mailbot.housekeeping.retention import pseudonym
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.jobs.tick import tick
from tests.retention.conftest import KRAEMER
from tests.support import MAILS, at, deliver

SESSION = at("2018-09-19T00:00").date()
#: every spelling of Sabine Krämer the stored data holds: address, name, "Krämer, Sabine", "Frau Krämer", HTML
TRACES = ("sabine.kraemer", "krämer", "kr&auml;mer", "kr=e4mer", "kr=c3=a4mer")


def readable(raw: bytes) -> str:
    """A mail as people and programs read it: raw bytes, decoded headers, every part decoded, Word text."""
    msg = message_from_bytes(raw, policy=policy.default)
    seen = [raw.decode("utf-8", "replace")]
    for part in msg.walk():
        seen += [str(v) for v in part.values()]
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        seen.append(docx_text(data) if part.get_filename("").endswith(".docx") else data.decode(charset, "replace"))
    return "\n".join(seen).lower()


def file_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".docx":
        return docx_text(data).lower()
    return readable(data) if "mail" in path.parts else data.decode("utf-8", "replace").lower()


def database_text(app: App) -> str:
    found = []
    with app.store.read() as db:
        for table in SQLModel.metadata.sorted_tables:
            for row in db.execute(sa.select(table)).mappings():
                for name, value in row.items():
                    if (table.name, name) == ("person", "id"):  # every start mirrors projects.toml anew
                        continue
                    found.append(readable(value) if isinstance(value, bytes) and value else str(value).lower())
    return "\n".join(found)


def state_files(app: App) -> dict[Path, str]:
    var = app.config.directory / "var"
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in var.rglob("*")
            if p.is_file() and "sqlite3" not in p.name}


@pytest.fixture
def stored(cycled: App) -> App:
    """The cycle, plus an Outlook reply whose signature names her in base64, HTML entities and RFC 2047."""
    deliver(cycled, (MAILS / "outlook_signature_base64_entities.eml").read_bytes())
    cycled.clock.set(at("2018-09-12T11:00"))
    tick(cycled)
    return cycled


def erase(config_dir: Path, *args: str) -> int:
    return main(["erase", "--config", str(config_dir), "--person", "Sabine.Kraemer@koblenz.example",
                 "--now", "2018-09-13T09:00", *args])


def test_dry_run_shows_every_change_and_changes_nothing(stored: App, config_dir: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    before_files, before_db = state_files(stored), database_text(stored)
    assert all(t in before_db for t in ("sabine.kraemer", "krämer"))
    assert erase(config_dir, "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith("Probelauf – nichts geändert. sabine.kraemer@koblenz.example („Sabine Krämer“) würde")
    assert pseudonym(KRAEMER) in out and "Statusmeldungen bleiben mit ihrem Text erhalten" in out
    assert "werkausschuss-2018-09-19-v1.docx" in out  # the draft already written is named
    assert state_files(stored) == before_files and database_text(stored) == before_db


def test_without_yes_it_asks_and_no_answer_changes_nothing(stored: App, config_dir: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    before_files, before_db = state_files(stored), database_text(stored)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert erase(config_dir) == 1
    out = capsys.readouterr().out
    assert "Das lässt sich nicht rückgängig machen. [j/N]" in out and "Abgebrochen; nichts geändert." in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a script without a terminal: no answer is no
    assert erase(config_dir) == 1
    assert state_files(stored) == before_files and database_text(stored) == before_db


def test_erase_leaves_the_pseudonym_everywhere_and_keeps_the_report_texts(
        stored: App, config_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    draft_before = compile_draft(stored, stored.session(SESSION)).draft
    section = next(s for s in draft_before.sections if s.key == "ecollaboration")
    others = {p: h for p, h in state_files(stored).items() if not any(t in file_text(p) for t in TRACES)}
    monkeypatch.setattr("sys.stdin", io.StringIO("j\n"))
    assert erase(config_dir) == 0
    out = capsys.readouterr().out
    assert "wurde überall durch das Pseudonym" in out and "projects.toml (Projekte: ecollaboration)" in out

    alias = pseudonym(KRAEMER).removesuffix("@invalid")
    database = database_text(stored)
    assert [t for t in TRACES if t in database] == [] and alias in database
    files = {p: file_text(p) for p in (config_dir / "var").rglob("*") if p.is_file() and "sqlite3" not in p.name}
    assert {p.name: t for p, t in files.items() for t in TRACES if t in files[p]} == {}
    drafts = [t for p, t in files.items() if p.suffix in (".docx", ".html", ".json")]
    assert drafts and all(alias in t for t in drafts)
    assert others and {p: state_files(stored)[p] for p in others} == others  # what never named her stays as it was

    # Her September report is the organisation's record: the section keeps its text, only the sender changed.
    after = compile_draft(stored, stored.session(SESSION))
    kept = next(s for s in after.draft.sections if s.key == "ecollaboration")
    assert (kept.answered, kept.stand, kept.previous) == (True, section.stand, section.previous)
    assert kept.answered_by == pseudonym(KRAEMER)


def test_the_reply_is_rewritten_inside_its_encodings_not_blanked(stored: App, config_dir: Path) -> None:
    assert erase(config_dir, "--yes") == 0
    inbox = [p for p in (config_dir / "var/mail/inbox/cur").iterdir() if "Schulungen" in file_text(p).title()
             or "schulungen" in file_text(p)]
    [path] = inbox
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    plain, html = (part for part in msg.walk() if not part.is_multipart())
    assert plain["Content-Transfer-Encoding"] == "base64" and html["Content-Transfer-Encoding"] == "quoted-printable"
    text = plain.get_content()
    assert "Stand: Die Schulungen für die Fachbereiche sind abgeschlossen." in text
    assert f"Mit freundlichen Grüßen\r\n{pseudonym(KRAEMER).removesuffix('@invalid')}\r\n" in text
    assert f"Guten Tag {pseudonym(KRAEMER).removesuffix('@invalid')}," in text
    assert msg["From"].addresses[0].addr_spec == pseudonym(KRAEMER)


def test_export_of_an_address_nobody_has_is_an_error(cycled: App, config_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--config", str(config_dir), "--person", "sabine.kramer@koblenz.example"]) == 1
    err = capsys.readouterr().err
    assert "Zu sabine.kramer@koblenz.example ist nichts gespeichert" in err
    assert main(["export", "--config", str(config_dir), "--person", KRAEMER]) == 0
    assert json.loads(capsys.readouterr().out)["personen"][0]["name"] == "Sabine Krämer"
