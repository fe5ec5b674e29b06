"""The whole status cycle on Maildir with a fixed clock: requests → replies → confirmations → reminder → draft."""

from __future__ import annotations

import json

from docx import Document

from kgrz_mailbot.app import App
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.demo.replies import out_of_office, outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import SEPTEMBER
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.views.status import session_status
from tests.support import at, body, deliver, parse, sent_messages, sent_to

SEPT = "19.09.2018"


def request_raw(app: App, address: str) -> bytes:
    return sent_to(app, address)[-1].as_bytes()


def test_a_session_runs_from_request_to_draft(app: App, clock: FixedClock) -> None:
    # T-21: every lead of the six projects gets one request with the form and the token.
    tick(app)
    requests = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Statusabfrage")]
    assert len(requests) == 6
    first = sent_to(app, "sabine.kraemer@koblenz.example")[0]
    assert "[KGRZ-" in str(first["Subject"]) and "Stand:" in body(first)
    assert "bis Montag, 10.09.2018, 08:00 Uhr" in body(first)

    # Replies: Outlook (lead), Thunderbird (lead), a deputy, an out-of-office; one lead stays silent.
    kraemer = request_raw(app, "sabine.kraemer@koblenz.example")
    deliver(app, outlook_reply(kraemer, "sabine.kraemer@koblenz.example", "Sabine Krämer",
                               SEPTEMBER["ecollaboration"], at("2018-08-30T09:12")))
    deliver(app, thunderbird_reply(request_raw(app, "thomas.becker@koblenz.example"), "thomas.becker@koblenz.example",
                                   "Thomas Becker", SEPTEMBER["egovernment"], at("2018-08-30T16:40")))
    deliver(app, outlook_reply(request_raw(app, "michael.hoffmann@koblenz.example"), "petra.wagner@koblenz.example",
                               "Petra Wagner", SEPTEMBER["telefonie"], at("2018-08-31T11:00")))
    deliver(app, out_of_office(request_raw(app, "andreas.schulz@koblenz.example"), "andreas.schulz@koblenz.example",
                               "Andreas Schulz", "10.09.2018", "Claudia Neumann", at("2018-08-29T08:01")))
    clock.set(at("2018-08-31T12:00"))
    result = tick(app)
    assert result.poll.outcomes == {"accepted": 3, "absence": 1}

    confirmations = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Bestätigung")]
    assert {str(m["To"]) for m in confirmations} == {
        "sabine.kraemer@koblenz.example", "thomas.becker@koblenz.example", "petra.wagner@koblenz.example"}
    preview = body(next(m for m in confirmations if "kraemer" in str(m["To"])))
    assert "So erscheint der Abschnitt in der Vorlage" in preview
    assert "400 der 1.650 Postfächer" in preview
    assert not any("andreas.schulz" in str(m["To"]) and "Bestätigung" in str(m["Subject"]) for m in sent_messages(app))
    rows, _ = session_status(app, app.session(at("2018-09-19T00:00").date()))
    schulz = next(r for r in rows if r.key == "interkommunal")
    # the date the notice was written (29.08.), not the day the poll fetched it (31.08.)
    assert not schulz.answered and schulz.absences == ("andreas.schulz@koblenz.example (29.08.2018)",)

    # T-14: the reminder goes only to the silent, deputies in Cc.
    clock.set(at("2018-09-05T08:00"))
    assert tick(app).done == ["reminder-1"]
    reminders = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Erinnerung")]
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in reminders) == [
        "andreas.schulz@koblenz.example", "julia.richter@koblenz.example", "stefan.zimmermann@koblenz.example"]
    schulz = next(m for m in reminders if "schulz" in str(m["To"]))
    assert "claudia.neumann@koblenz.example" in str(schulz["Cc"])
    assert schulz["In-Reply-To"] == sent_to(app, "andreas.schulz@koblenz.example")[0]["Message-ID"]

    # A late answer after the reminder, replying to the reminder itself.
    deliver(app, outlook_reply(reminders[-1].as_bytes() if "zimmermann" in str(reminders[-1]["To"]) else
                               next(m for m in reminders if "zimmermann" in str(m["To"])).as_bytes(),
                               "stefan.zimmermann@koblenz.example", "Stefan Zimmermann", SEPTEMBER["umbau"],
                               at("2018-09-06T07:45")))
    clock.set(at("2018-09-06T08:00"))
    assert tick(app).poll.outcomes == {"accepted": 1}

    # Deadline: the Werkleitung hears which two are missing; then the draft.
    clock.set(at("2018-09-10T08:00"))
    assert tick(app).done == ["deadline"]
    escalation = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Fehlende Statusmeldungen")]
    assert len(escalation) == 1 and str(escalation[0]["To"]) == "werkleitung@koblenz.example"
    text = body(escalation[0])
    assert "TIME – neue Zeitwirtschaft" in text and "Interkommunale Zusammenarbeit" in text
    assert "Abwesenheitsnotiz" in text and "eCollaboration" not in text

    clock.set(at("2018-09-11T08:00"))
    assert tick(app).done == ["draft"]
    draft_mail = [m for m in sent_messages(app) if str(m["Subject"]).startswith("Entwurf")]
    assert len(draft_mail) == 1
    attachment = next(draft_mail[0].iter_attachments())
    assert attachment.get_filename() == "werkausschuss-2018-09-19-v1.docx"

    rows, versions = session_status(app, app.session(at("2018-09-19T00:00").date()))
    data = json.loads(open(versions[0].paths[0], encoding="utf-8").read())
    assert data["missing"] == ["interkommunal", "time"]
    ecollab = data["projects"][0]
    assert ecollab["key"] == "ecollaboration" and ecollab["answered_by"] == "sabine.kraemer@koblenz.example"
    assert ecollab["ampel"] == "gruen" and ecollab["fortschritt"] == 25
    assert ecollab["meilenstein"] == "Umstellung aller Postfächer bis Mitte Dezember 2018"
    assert ecollab["stand"].startswith("Mit der verwaltungsweiten Umstellung auf Outlook")
    assert "\n\nDie Microsoft Office Suite" in ecollab["stand"]
    assert data["projects"][2]["answered_by"] == "petra.wagner@koblenz.example"
    document = Document(versions[0].paths[2])
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.index("eCollaboration") < text.index("TIME – neue Zeitwirtschaft")
    assert "400 der 1.650 Postfächer" in text

    # Nothing is ever sent twice: another tick at the same instant does nothing.
    count = len(sent_messages(app))
    assert tick(app).done == [] and len(sent_messages(app)) == count


def test_a_later_reply_corrects_the_earlier_one_and_history_is_kept(app: App, clock: FixedClock) -> None:
    tick(app)
    request = request_raw(app, "julia.richter@koblenz.example")
    first = outlook_reply(request, "julia.richter@koblenz.example", "Julia Richter", "Ampel: gelb\nStand: Erster Text.",
                          at("2018-08-30T09:00"))
    second = thunderbird_reply(request, "julia.richter@koblenz.example", "Julia Richter",
                               "Ampel: grün\nStand: Korrigierter Text.", at("2018-08-30T10:00"))
    deliver(app, second, "b.eml")  # arrives first, but carries the later Date:
    deliver(app, first, "a.eml")
    clock.set(at("2018-08-30T11:00"))
    tick(app)
    rows, _ = session_status(app, app.session(at("2018-09-19T00:00").date()))
    from kgrz_mailbot.jobs.drafts import compile_draft

    draft = compile_draft(app, app.session(at("2018-09-19T00:00").date())).draft
    time = next(s for s in draft.sections if s.key == "time")
    assert time.stand == "Korrigierter Text." and time.ampel.value == "gruen"
    confirmations = [parse(m.as_bytes()) for m in sent_messages(app) if "Bestätigung" in str(m["Subject"])]
    assert any("späterem Datum liegt bereits vor" in body(m) for m in confirmations)
