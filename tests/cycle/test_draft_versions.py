"""Draft versions, approval and the previous text, end to end through the real app on Maildir with a fixed clock.

Replies are written the way Outlook and Thunderbird write them, dropped into ``inbox/new`` and read by
``process_inbox``; what the bot answers is read back from the Maildir ``sent/``.
"""

from __future__ import annotations

import io
import json
import re
from email.message import EmailMessage
from html import escape
from pathlib import Path

import pytest
from docx import Document

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.cli.main import main
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import outlook_reply, thunderbird_reply
from kgrz_mailbot.domain.model import Session
from kgrz_mailbot.domain.textblocks import UNCHANGED_SENTENCE
from kgrz_mailbot.inbox.poll import process_inbox
from kgrz_mailbot.jobs.drafts import compile_draft
from kgrz_mailbot.jobs.requests import send_requests
from kgrz_mailbot.views.status import session_status
from tests.support import at, body, deliver, sent_messages, sent_to

JUNE = Session(committee="werkausschuss", date=at("2018-06-20T00:00").date())
SEPTEMBER = Session(committee="werkausschuss", date=at("2018-09-19T00:00").date())
WERKLEITUNG = "werkleitung@koblenz.example"
KRAEMER = ("sabine.kraemer@koblenz.example", "Sabine Krämer")  # eCollaboration
BECKER = ("thomas.becker@koblenz.example", "Thomas Becker")  # E-Government
SCHULZ = ("andreas.schulz@koblenz.example", "Andreas Schulz")  # Interkommunale Zusammenarbeit


def answer_request(app: App, lead: tuple[str, str], text: str, when: str, client=thunderbird_reply) -> None:  # type: ignore[no-untyped-def]
    """The lead replies to the latest status request they got."""
    request = sent_to(app, lead[0])[-1].as_bytes()
    deliver(app, client(request, lead[0], lead[1], text, at(when)))


def draft_mails(app: App) -> list[EmailMessage]:
    return [m for m in sent_messages(app) if "Unterrichtungsvorlage" in str(m["Subject"]) and m["To"] == WERKLEITUNG
            and "Entwurf" in str(m["Subject"])]  # fmt: skip


def html_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()


def approve(app: App, draft_mail: EmailMessage, sender: str, when: str) -> None:
    deliver(app, outlook_reply(draft_mail.as_bytes(), sender, "Werkleitung", "FREIGABE", at(when)))
    process_inbox(app)


@pytest.fixture
def september(app: App, clock: FixedClock) -> App:
    """Requests of 19.09.2018 sent; eCollaboration (grün) and E-Government (gelb) have answered."""
    send_requests(app, SEPTEMBER)
    answer_request(app, KRAEMER, "Ampel: grün\nStand: Die Umstellung auf Outlook hat begonnen.", "2018-08-30T09:00")
    answer_request(app, BECKER, "Ampel: gelb\nStand: eRechnung im Test.\n- Planauszüge\n- ProstSchG",
                   "2018-08-30T10:00")  # fmt: skip
    clock.set(at("2018-08-31T12:00"))
    process_inbox(app)
    return app


def test_compiling_again_without_a_change_keeps_the_version_and_sends_nothing_twice(september: App) -> None:
    first = compile_draft(september, SEPTEMBER, send=True)
    again = compile_draft(september, SEPTEMBER, send=True)
    assert (first.draft.version, first.new_version, first.sent) == (1, True, True)
    assert (again.draft.version, again.new_version, again.sent) == (1, False, False)
    assert len(draft_mails(september)) == 1
    _, versions = session_status(september, SEPTEMBER)
    assert [v.version for v in versions] == [1]


def test_a_new_or_changed_answer_makes_the_next_version_whose_mail_names_each_change(
    september: App, clock: FixedClock
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    answer_request(september, KRAEMER, "Ampel: rot\nStand: Die Umstellung auf Outlook hat begonnen.",
                   "2018-09-12T09:00", outlook_reply)  # same text, Ampel grün → rot  # fmt: skip
    answer_request(september, BECKER, "Ampel: gelb\nStand: eRechnung ist abgenommen.", "2018-09-12T09:30")
    answer_request(september, SCHULZ, "Ampel: grün\nStand: Kopplung vereinbart.", "2018-09-12T10:00")
    clock.set(at("2018-09-12T11:00"))
    process_inbox(september)

    second = compile_draft(september, SEPTEMBER, send=True)

    assert (second.draft.version, second.new_version, second.sent) == (2, True, True)
    mail = draft_mails(september)[-1]
    assert "Version 2" in str(mail["Subject"])
    expected = ["eCollaboration: Ampel grün → rot",
                "E-Government & Verwaltungsmodernisierung: geändert (Text)",
                "Interkommunale Zusammenarbeit: neue Rückmeldung"]  # fmt: skip
    text, html = body(mail), html_of(mail)
    assert "Änderungen gegenüber Version 1:" in text and "Änderungen gegenüber Version 1:" in html
    for line in expected:
        assert f"- {line}" in text
        assert re.search(rf"<li[^>]*>{re.escape(escape(line))}</li>", html)  # inlined CSS adds style=""
    overview = text.split("Änderungen gegenüber Version 1:")[1].split("Vorlage:")[0]
    assert "Übernahme der Aufgabe Telefonie" not in overview  # unchanged projects are not listed
    assert next(mail.iter_attachments()).get_filename() == "werkausschuss-2018-09-19-v2.docx"


def test_freigabe_by_a_draft_recipient_approves_that_version_confirms_and_status_shows_it(
    september: App, clock: FixedClock, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    clock.set(at("2018-09-12T08:30"))
    approve(september, draft_mails(september)[-1], WERKLEITUNG, "2018-09-12T08:15")

    confirmation = [m for m in sent_to(september, WERKLEITUNG, kind="Unterrichtungsvorlage") if m["In-Reply-To"]]
    assert len(confirmation) == 1
    assert "die Version 1 des Entwurfs" in body(confirmation[0]) and "ist freigegeben" in body(confirmation[0])
    _, versions = session_status(september, SEPTEMBER)
    assert [(v.version, v.approved_by) for v in versions] == [(1, WERKLEITUNG)]

    september.close()  # the CLI opens the same database on its own, as an admin would
    assert main(["status", "--config", str(config_dir), "--session", "2018-09-19", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["drafts"][0]["version"] == 1 and status["drafts"][0]["approved"] is True
    assert status["drafts"][0]["approved_by"] == WERKLEITUNG


def test_a_reply_after_approval_is_not_taken_and_the_approved_version_stays(september: App, clock: FixedClock) -> None:
    """Issue 13, item 4: once the Werkleitung approved a draft, the session's record is closed."""
    compile_draft(september, SEPTEMBER, send=True)
    clock.set(at("2018-09-12T08:30"))
    approve(september, draft_mails(september)[-1], WERKLEITUNG, "2018-09-12T08:15")
    answer_request(september, SCHULZ, "Ampel: gelb\nStand: Spät, aber da.", "2018-09-12T09:00")
    clock.set(at("2018-09-12T10:00"))
    assert process_inbox(september).outcomes == {"late": 1}

    again = compile_draft(september, SEPTEMBER, send=True)
    assert (again.draft.version, again.new_version, again.sent) == (1, False, False)
    [notice] = sent_to(september, SCHULZ[0], kind="Nicht übernommen")
    assert "bereits von der Werkleitung freigegeben" in body(notice) and "nicht mehr übernommen" in body(notice)
    _, versions = session_status(september, SEPTEMBER)
    assert [(v.version, v.approved_at is not None) for v in versions] == [(1, True)]


def test_a_freigabe_closes_the_session_for_the_replies_after_it_in_the_same_poll(
        september: App, clock: FixedClock) -> None:
    """The poll remembers per transaction whether a session is closed: the approval must reach the next mail."""
    compile_draft(september, SEPTEMBER, send=True)
    clock.set(at("2018-09-12T08:30"))
    answer_request(september, KRAEMER, "Ampel: gelb\nStand: Noch vor der Freigabe.", "2018-09-12T08:05")
    deliver(september, outlook_reply(draft_mails(september)[-1].as_bytes(), WERKLEITUNG, "Werkleitung", "FREIGABE",
                                     at("2018-09-12T08:15")))  # fmt: skip
    answer_request(september, SCHULZ, "Ampel: gelb\nStand: Nach der Freigabe.", "2018-09-12T08:20")
    assert process_inbox(september).outcomes == {"accepted": 1, "approved": 1, "late": 1}
    [notice] = sent_to(september, SCHULZ[0], kind="Nicht übernommen")
    assert "bereits von der Werkleitung freigegeben" in body(notice)


def test_a_change_after_approval_makes_a_new_version_that_says_the_approved_one_is_superseded(
    september: App, clock: FixedClock, config_dir: Path
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    clock.set(at("2018-09-12T08:30"))
    approve(september, draft_mails(september)[-1], WERKLEITUNG, "2018-09-12T08:15")
    # answers can no longer change it (see above), but the configuration can: a project is renamed
    projects = config_dir / "projects.toml"
    projects.write_text(projects.read_text(encoding="utf-8").replace(
        'title = "Interkommunale Zusammenarbeit"', 'title = "Interkommunale Zusammenarbeit (IKZ)"'), encoding="utf-8")
    september.close()
    renamed = build_app(load_config(config_dir), clock=clock)
    clock.set(at("2018-09-12T10:00"))

    second = compile_draft(renamed, SEPTEMBER, send=True)
    again = compile_draft(renamed, SEPTEMBER)  # the files of version 2 are rewritten with the same lines

    superseded = "Version 1 war freigegeben und ist durch diese Version überholt."
    assert second.draft.version == 2 and second.changes[0] == superseded
    assert again.changes == second.changes
    mail = draft_mails(renamed)[-1]
    assert superseded in body(mail) and superseded in html_of(mail)
    _, versions = session_status(renamed, SEPTEMBER)
    assert [(v.version, v.approved_at is not None) for v in versions] == [(1, True), (2, False)]
    renamed.close()


@pytest.mark.parametrize("outsider", ["sabine.kraemer@koblenz.example", "fremd@example.org"])
def test_freigabe_from_anyone_not_in_draft_to_changes_nothing_and_gets_no_answer(
    september: App, clock: FixedClock, outsider: str
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    before = len(sent_messages(september))
    clock.set(at("2018-09-12T08:30"))
    approve(september, draft_mails(september)[-1], outsider, "2018-09-12T08:15")
    assert len(sent_messages(september)) == before
    _, versions = session_status(september, SEPTEMBER)
    assert versions[0].approved_at is None


def test_previous_text_comes_from_the_last_earlier_session_and_unveraendert_shows_it_again(
    app: App, clock: FixedClock
) -> None:
    # June: eCollaboration and E-Government answer; September: eCollaboration answers "unverändert".
    clock.set(at("2018-05-30T08:00"))
    send_requests(app, JUNE)
    answer_request(app, KRAEMER, "Ampel: gelb\nStand: Im Mai wurde das KGRZ umgestellt.\n\n- Outlook\n- Office",
                   "2018-05-31T09:00")  # fmt: skip
    answer_request(app, BECKER, "Ampel: grün\nStand: Erste Testphase.", "2018-05-31T10:00")
    clock.set(at("2018-05-31T12:00"))
    process_inbox(app)
    clock.set(at("2018-08-29T08:00"))
    send_requests(app, SEPTEMBER)
    answer_request(app, KRAEMER, "Ampel: grün\nStand: unverändert", "2018-08-30T09:00")
    clock.set(at("2018-08-31T12:00"))
    process_inbox(app)

    result = compile_draft(app, SEPTEMBER)

    data = json.loads(Path(result.files.json).read_text(encoding="utf-8"))
    ecollab, egov = data["projects"][0], data["projects"][1]
    june_text = "Im Mai wurde das KGRZ umgestellt.\n\n- Outlook\n- Office"
    assert ecollab["previous"] == {"session_date": "2018-06-20", "label": "Juni 2018", "stand": june_text,
                                   "weiteres_vorgehen": None}  # fmt: skip
    assert ecollab["answered"] is True and ecollab["stand"] == june_text and ecollab["ampel"] == "gruen"
    assert egov["answered"] is False and egov["previous"]["label"] == "Juni 2018"
    assert egov["previous"]["stand"] == "Erste Testphase."
    assert data["projects"][2]["previous"] is None  # Telefonie was not answered in June

    paragraphs = [p.text for p in Document(str(result.files.docx)).paragraphs]
    start = paragraphs.index("eCollaboration")
    section = paragraphs[start : paragraphs.index("E-Government & Verwaltungsmodernisierung")]
    assert section[1] == UNCHANGED_SENTENCE
    assert "Auszug aus der Berichterstattung vom Juni 2018:" in section
    assert section[-3:] == ["Im Mai wurde das KGRZ umgestellt.", "Outlook", "Office"]
    html = Path(result.files.html).read_text(encoding="utf-8")
    assert UNCHANGED_SENTENCE in html and "Auszug aus der Berichterstattung vom Juni 2018:" in html


def test_the_draft_mail_itself_keeps_hostile_reply_text_as_text_in_html_and_plain(app: App, clock: FixedClock) -> None:
    send_requests(app, SEPTEMBER)
    hostile = (
        'Ampel: gelb\nStand: <script>alert("x")</script> vor\x07her\n- <img src=x onerror=alert(1)>\n\n'
        'Weiteres Vorgehen: </td></tr></table><iframe src="http://böse.example">\nMeilenstein: { PAGE }'
    )
    answer_request(app, BECKER, hostile, "2018-08-30T10:00")
    clock.set(at("2018-08-31T12:00"))
    process_inbox(app)

    compile_draft(app, SEPTEMBER, send=True)

    mail = draft_mails(app)[-1]
    html, text = html_of(mail), body(mail)
    for raw in ("<script", "<img", "<iframe", "</td></tr></table><"):
        assert raw not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; vorher' in html  # the inliner re-serialises: quotes stay
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;iframe" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<script>alert("x")</script> vorher' in text  # plain text is not HTML: shown as the lead wrote it
    assert "- <img src=x onerror=alert(1)>" in text
    for part in (html, text):
        assert "\x07" not in part
    paragraphs = [p.text for p in Document(io.BytesIO(next(mail.iter_attachments()).get_content())).paragraphs]
    assert '<script>alert("x")</script> vorher' in paragraphs


def test_a_version_compiled_but_never_mailed_does_not_hide_its_changes_from_the_next_mail(
    september: App, clock: FixedClock
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    answer_request(september, SCHULZ, "Ampel: grün\nStand: Kopplung vereinbart.", "2018-09-12T09:00")
    clock.set(at("2018-09-12T09:30"))
    process_inbox(september)
    assert compile_draft(september, SEPTEMBER).draft.version == 2  # an admin's look, not mailed
    answer_request(september, KRAEMER, "Ampel: gelb\nStand: Die Umstellung auf Outlook hat begonnen.",
                   "2018-09-12T10:00")  # fmt: skip
    clock.set(at("2018-09-12T10:30"))
    process_inbox(september)

    third = compile_draft(september, SEPTEMBER, send=True)

    assert (third.draft.version, third.changes_since) == (3, 1)
    mail = draft_mails(september)[-1]
    assert str(mail["Subject"]).startswith("Nachtrag: Entwurf Version 3")
    text = body(mail)
    assert "Änderungen gegenüber Version 1:" in text
    assert "- Interkommunale Zusammenarbeit: neue Rückmeldung" in text
    assert "- eCollaboration: Ampel grün → gelb" in text


def test_previous_text_skips_a_session_without_answer_and_quotes_what_an_unveraendert_session_showed(
    app: App, clock: FixedClock
) -> None:
    december = Session(committee="werkausschuss", date=at("2018-12-12T00:00").date())
    clock.set(at("2018-05-30T08:00"))
    send_requests(app, JUNE)
    answer_request(app, KRAEMER, "Ampel: gelb\nStand: Text aus dem Juni.", "2018-05-31T09:00")
    answer_request(app, BECKER, "Ampel: grün\nStand: Becker im Juni.", "2018-05-31T10:00")
    clock.set(at("2018-05-31T12:00"))
    process_inbox(app)
    clock.set(at("2018-08-29T08:00"))
    send_requests(app, SEPTEMBER)
    answer_request(app, KRAEMER, "Ampel: grün\nStand: unverändert", "2018-08-30T09:00")  # Becker stays silent
    clock.set(at("2018-08-31T12:00"))
    process_inbox(app)
    clock.set(at("2018-11-21T08:00"))
    send_requests(app, december)

    projects = {p["key"]: p for p in json.loads(Path(compile_draft(app, december).files.json).read_text())["projects"]}

    # eCollaboration: September is the last session it answered; its Vorlage showed June's text again
    assert projects["ecollaboration"]["previous"] == {
        "session_date": "2018-09-19", "label": "September 2018", "stand": "Text aus dem Juni.",
        "weiteres_vorgehen": None}  # fmt: skip
    # E-Government did not answer in September: the last answered session is June
    assert projects["egovernment"]["previous"]["label"] == "Juni 2018"
    assert projects["egovernment"]["previous"]["stand"] == "Becker im Juni."


def test_freigabe_matches_the_draft_recipient_whatever_the_case_of_the_address(
    september: App, clock: FixedClock
) -> None:
    compile_draft(september, SEPTEMBER, send=True)
    clock.set(at("2018-09-12T08:30"))
    approve(september, draft_mails(september)[-1], "Werkleitung@Koblenz.Example", "2018-09-12T08:15")
    _, versions = session_status(september, SEPTEMBER)
    assert versions[0].approved_at is not None
