"""``demo``: one full cycle on the embedded default with a simulated clock and simulated leads."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.demo.replies import out_of_office, outlook_reply, thunderbird_reply
from kgrz_mailbot.demo.texts import JUNE, SEPTEMBER
from kgrz_mailbot.errors import MailbotError
from kgrz_mailbot.jobs.tick import tick
from kgrz_mailbot.storage import drafts
from kgrz_mailbot.storage.store import session_id
from kgrz_mailbot.views.status import session_status

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config"
ZONE = ZoneInfo("Europe/Berlin")
Reply = Callable[[bytes, str, str, str, datetime], bytes]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


class Demo:
    """Drives the real app: the clock moves, leads' mails land in inbox/new, ``tick`` does the rest."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.clock = FixedClock(at("2018-05-01T08:00"))
        self.app: App = build_app(load_config(directory / "config"), clock=self.clock)
        self.inbox = self.app.config.mail.maildir_path / "inbox" / "new"
        self.sent = self.app.config.mail.maildir_path / "sent" / "new"
        self.counter = 0

    def tick_at(self, when: str, note: str) -> None:
        self.clock.set(at(when))
        result = tick(self.app)
        done = ", ".join(result.done) or "–"
        print(f"  {self.clock.now().astimezone(ZONE):%d.%m.%Y %H:%M}  {note:<46} erledigt: {done}; "
              f"Post: {sum(result.poll.outcomes.values())} gelesen, {result.poll.sent} Antworten")

    def request_to(self, address: str, session: str) -> bytes:
        """The newest status request or reminder this lead got for the session, as the lead's client has it."""
        found = []
        for path in self.sent.iterdir():
            raw = path.read_bytes()
            msg = message_from_bytes(raw, policy=policy.default)
            if address in str(msg["To"]) and "Statusabfrage" in str(msg["Subject"]) and session in str(msg["Subject"]):
                found.append((msg["Date"].datetime, raw))
        return max(found)[1]

    def lead_writes(self, style: Reply, project_key: str, answer: str, when: str, session: str,
                    deputy: bool = False) -> None:
        project = self.app.config.project(project_key)
        assert project is not None
        person = project.deputies[0] if deputy else project.lead
        request = self.request_to(project.lead.address, session)
        self.deliver(style(request, person.address, person.name, answer, at(when)))

    def deliver(self, raw: bytes) -> None:
        self.counter += 1
        (self.inbox / f"demo-{self.counter:03d}.eml").write_bytes(raw)


def demo_directory(directory: Path | None) -> Path:
    """A new directory for the demo, or an empty one; anything else is refused, so the demo never overwrites."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="kgrz-mailbot-demo-"))
    if directory.exists() and not directory.is_dir():
        raise MailbotError(f"{directory} ist eine Datei. Die Demo braucht ein neues oder leeres Verzeichnis.")
    if directory.exists() and any(directory.iterdir()):
        raise MailbotError(
            f"Das Verzeichnis {directory} ist nicht leer. Die Demo schreibt nur in ein neues oder leeres "
            "Verzeichnis, damit sie nichts überschreibt. Bitte einen neuen Namen angeben (z. B. "
            f"--dir {directory.name or 'demo'}-neu) oder --dir weglassen: dann legt sie ein neues temporäres "
            "Verzeichnis an.")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def run_demo(directory: Path | None = None) -> int:
    root = demo_directory(directory)
    shutil.copytree(EXAMPLE_CONFIG, root / "config", ignore=shutil.ignore_patterns("var"))
    demo = Demo(root)
    print(f"Demo im Verzeichnis {root}\n")
    print("Sitzung Juni 2018 (Vorgeschichte, damit die Vorlage „Auszug aus der Berichterstattung“ zeigt):")
    demo.tick_at("2018-05-30T08:00", "Statusabfragen Juni")
    for key, text in JUNE.items():
        demo.lead_writes(outlook_reply, key, text, "2018-06-01T10:00", "20.06.2018")
    demo.tick_at("2018-06-01T10:05", "Antworten Juni gelesen")
    demo.tick_at("2018-06-12T08:00", "Frist und Entwurf Juni")
    demo.tick_at("2018-06-12T08:00", "(zweiter Durchlauf: nichts doppelt)")

    print("\nSitzung 19.09.2018:")
    sept = "19.09.2018"
    demo.tick_at("2018-08-29T08:00", "Statusabfragen an 6 Projektleitungen")
    demo.lead_writes(outlook_reply, "ecollaboration", SEPTEMBER["ecollaboration"], "2018-08-30T09:12", sept)
    demo.lead_writes(thunderbird_reply, "egovernment", SEPTEMBER["egovernment"], "2018-08-30T16:40", sept)
    lead = demo.app.config.project("telefonie")
    assert lead is not None
    demo.deliver(out_of_office(demo.request_to(lead.lead.address, sept), lead.lead.address, lead.lead.name,
                               "10.09.2018", lead.deputies[0].formatted(), at("2018-08-29T08:01")))
    demo.tick_at("2018-08-31T08:00", "Outlook, Thunderbird, Abwesenheitsnotiz")
    demo.lead_writes(outlook_reply, "telefonie", SEPTEMBER["telefonie"], "2018-09-03T11:30", sept, deputy=True)
    demo.lead_writes(outlook_reply, "interkommunal", SEPTEMBER["interkommunal"], "2018-09-03T14:02", sept)
    demo.tick_at("2018-09-03T15:00", "Vertretung antwortet; Interkommunal")
    demo.tick_at("2018-09-05T08:00", "1. Erinnerung an die Säumigen")
    demo.lead_writes(outlook_reply, "umbau", SEPTEMBER["umbau"], "2018-09-06T07:45", sept)
    demo.tick_at("2018-09-06T08:00", "verspätete Antwort nach Erinnerung")
    demo.tick_at("2018-09-07T08:00", "2. Erinnerung")
    demo.tick_at("2018-09-10T08:00", "Frist: Meldung an die Werkleitung")
    demo.tick_at("2018-09-11T08:00", "Entwurf der Vorlage")
    _summary(demo)
    demo.app.close()
    return 0


def _summary(demo: Demo) -> None:
    app = demo.app
    session = app.session(datetime(2018, 9, 19).date())
    rows, _ = session_status(app, session)
    with app.store.read() as db:
        record = drafts.latest_draft(db, session_id(db, session))
    assert record is not None
    print(f"\nErgebnis: {sum(r.answered for r in rows)} von {len(rows)} Projekten haben geantwortet.")
    for row in rows:
        state = f"beantwortet von {row.answered_by}" if row.answered else "fehlt (in der Vorlage markiert)"
        print(f"  - {row.title}: {state}; Erinnerungen: {row.reminders}")
    sent = len(list(demo.sent.iterdir()))
    print(f"\n{sent} Mails versandt (Maildir {demo.sent.parent}).")
    print(f"Entwurf Version {record.version} an die Werkleitung versandt:")
    print(f"  JSON:  {record.paths[0]}")
    print(f"  HTML:  {record.paths[1]}")
    print(f"  Word:  {record.paths[2]}")
