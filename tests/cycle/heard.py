"""Issue 12's test mails by case: what the whole app must store and send back, on Maildir and on Exchange.

Every mail answers the eCollaboration request of 19.09.2018 (token KGRZ-7K2QXA). ``lead`` is the line that makes
its sender the configured lead, so a title or a second name in the mail's From meets the name in projects.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.jobs import requests as request_job
from kgrz_mailbot.storage import requests
from kgrz_mailbot.storage.store import session_id
from kgrz_mailbot.transports.base import Mailbox
from tests.cycle.seeded import SEPTEMBER, edit
from tests.support import at

ERIKA = "Erika Muster <erika.muster@koblenz.example>"
OWN_MTA = "mx.koblenz.example"
STAND_INLINE = ("Mit der Umstellung auf Outlook wurde Anfang August begonnen.\n\n"
                "400 der 1.650 Postfächer sind umgestellt.")


@dataclass(frozen=True)
class Case:
    outcome: str  # what poll makes of it
    stored: dict[str, object] | None  # the C4 fields in force afterwards (None: nothing stored)
    answer_to: str | None  # the one address the bot answers (None: no answer at all)
    answer: str = ""  # how the answer's subject starts
    says: tuple[str, ...] = ()  # text the answer holds
    lead: str = ERIKA  # eCollaboration's lead in projects.toml for this case
    internal: bool = True  # Exchange: submitted inside the organisation (AuthAs Internal, resolved sender)
    never_to: tuple[str, ...] = field(default=())  # addresses in the mail that must never get anything


CASES: dict[str, Case] = {
    # 1 Senders as they are
    "roundcube_obsolete_phrase_dr_title": Case(
        "accepted", {"ampel": "gruen", "fortschritt": 70, "stand": "Die Migration der Fachverfahren auf die neue "
                     "Plattform ist abgeschlossen, die Abnahme durch die Fachbereiche erfolgte am 31.08.2018."},
        "thomas.schaefer@koblenz.example", "Bestätigung", ("Guten Tag Dr. Thomas Schäfer,",),
        lead="Dr. Thomas Schäfer <thomas.schaefer@koblenz.example>"),
    # 1, 3, 8 GAL name with office, Word lists on two levels, a table with a list; greeted by the configured name
    "outlook_gal_name_with_office": Case(
        "accepted", {"ampel": "gelb", "fortschritt": 55,
                     "stand": "Die Umstellung auf Outlook läuft planmäßig:\n- 400 der 1.650 Postfächer sind "
                              "umgestellt\n- davon 120 im Amt 10\n- die Office Suite ist ausgerollt",
                     "weiteres_vorgehen": "Bis 31.10.2018\n- Amt 20 und Amt 30\n- Schulungen der Key-User\n"
                                          "Bis 15.12.2018 Restliche Postfächer",
                     "meilenstein": "Umstellung aller Postfächer bis 12/2018", "budget": "im Plan"},
        "elke.weber@koblenz.example", "Bestätigung", ("Guten Tag Elke Weber,", "- davon 120 im Amt 10"),
        lead="Elke Weber <elke.weber@koblenz.example>"),
    # 3 the new Outlook: <li><div role="presentation">, an empty item
    "new_outlook_list_items_with_divs": Case(
        "accepted", {"ampel": "gelb", "fortschritt": 60,
                     "stand": "Aktuell werden folgende Services online angeboten:\n- Bescheinigung nach dem ProstSchG\n"
                              "- Beantragung von Planauszügen\nIn der Umsetzung:\n1. Antrag zum Stellenplan\n"
                              "2. Reklamationswesen für EB 70",
                     "weiteres_vorgehen": "Schnittstelle Civento zu Mach prüfen."},
        "erika.muster@koblenz.example", "Bestätigung", ("Guten Tag Erika Muster,",)),
    # 2 nobody answers in silence: a colleague with the forwarded request, another project's lead, the office
    # address sent from home
    "colleague_answers_forwarded_request": Case(
        "unauthorised", None, "erika.muster@koblenz.example", "Nicht übernommen: Statusmeldung eCollaboration",
        ("Guten Tag Erika Muster,", "karl.schmitz@koblenz.example ist für „eCollaboration“ weder als Projektleitung",
         "[KGRZ-7K2QXA]"), never_to=("karl.schmitz@koblenz.example", "sekretariat.amt10@koblenz.example")),
    "lead_of_other_project_answers": Case(
        "unauthorised", None, "thomas.becker@koblenz.example", "Nicht übernommen: Statusmeldung eCollaboration",
        ("Guten Tag Thomas Becker,", "ist für „eCollaboration“ nicht als Projektleitung oder Vertretung eingetragen"),
        never_to=("erika.muster@koblenz.example",)),
    "lead_address_sent_from_outside": Case(
        "unauthorised", None, "erika.muster@koblenz.example", "Nicht übernommen: Statusmeldung eCollaboration",
        ("Der Mailserver hat nicht bestätigt", "IT-Sicherheit"), internal=False,
        never_to=("erika.muster@t-online.de",)),
    # 4 client footers never reach the Vorlage
    "outlook_android_download_footer": Case(
        "accepted", {"ampel": "gruen", "stand": "Der Pilotbetrieb im Amt 20 läuft seit dem 01.09.2018 stabil.\n\n"
                                                "Die Schulungstermine für die übrigen Ämter stehen fest."},
        "erika.muster@koblenz.example", "Bestätigung"),
    "samsung_email_footer": Case(
        "accepted", {"ampel": "rot", "stand": "Der Server für die Testumgebung ist ausgefallen, der Ersatz kommt am "
                                              "10.09."}, "erika.muster@koblenz.example", "Bestätigung"),
    "webde_mail_app_footer": Case(
        "accepted", {"ampel": "gelb", "fortschritt": 30, "stand": "Die Abstimmung mit dem Personalrat dauert an."},
        "erika.muster@koblenz.example", "Bestätigung"),
    # 4, 6 iPhone footer and the Ampel as an emoji
    "iphone_mail_emoji_ampel": Case(
        "accepted", {"ampel": "gelb", "stand": "Die Lizenzen sind bestellt, die Lieferung verzögert sich um zwei "
                                               "Wochen."}, "erika.muster@koblenz.example", "Bestätigung"),
    # 5 answers typed into the quoted request
    "outlook_inline_answers_in_colour": Case(
        "accepted", {"ampel": "gruen", "fortschritt": 40, "stand": STAND_INLINE,
                     "weiteres_vorgehen": "Rollout bis Mitte Dezember.", "budget": "im Plan"},
        "erika.muster@koblenz.example", "Bestätigung"),
    "outlook_plain_inline_answers": Case(
        "accepted", {"ampel": "gelb", "fortschritt": 35, "stand": "Die Ausschreibung für die Lizenzen ist "
                     "veröffentlicht; der Zuschlag folgt im Oktober.", "meilenstein": "Zuschlag 10/2018",
                     "hinweis": "Bitte die Lizenzkosten im Haushalt 2019 berücksichtigen."},
        "erika.muster@koblenz.example", "Bestätigung"),
    "thunderbird_answers_between_quoted_labels": Case(
        "accepted", {"ampel": "gelb", "stand": "Die Ausschreibung für die Lizenzen ist veröffentlicht, der Zuschlag "
                     "folgt Mitte Oktober. Bis dahin laufen die Tests mit den Testlizenzen weiter.\n\nDie Schulungen "
                     "der Key-User sind abgeschlossen.", "weiteres_vorgehen": "Zuschlag und Rollout."},
        "erika.muster@koblenz.example", "Bestätigung"),
    "apple_mail_answers_between_quoted_labels": Case(
        "accepted", {"ampel": "gruen", "fortschritt": 80, "stand": "Die Telefonanlage ist migriert, alle 1.200 "
                     "Nebenstellen sind umgestellt.", "meilenstein": "Abnahme 30.09.2018"},
        "erika.muster@koblenz.example", "Bestätigung"),
    "outlook_inline_text_glued_to_label": Case(
        "rejected", None, "erika.muster@koblenz.example", "Rückfrage",
        ("„Fortschritt:“ konnten wir im zitierten Formular nicht lesen", "Es wurde nichts geändert")),
    # 6 a label-less "unverändert" gets the one-line fix
    "outlook_ios_unveraendert_without_label": Case(
        "rejected", None, "erika.muster@koblenz.example", "Rückfrage", ("die eine Zeile „Stand: unverändert“",)),
    # 7 absences of HCL Notes and GroupWise
    "notes_ausser_haus": Case("absence", None, None),
    "groupwise_abwesenheitsmeldung": Case("absence", None, None),
}


def heard_app(config_dir: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, *, lead: str = ERIKA,
              authserv_id: str | None = None, transport: Mailbox | None = None) -> App:
    """The requests of 19.09.2018 sent on 29.08.2018, eCollaboration's with the token KGRZ-7K2QXA, led by ``lead``
    (deputy Max Beispiel); the clock then stands at 03.09.2018 10:00."""
    edit(config_dir / "projects.toml", "Sabine Krämer <sabine.kraemer@koblenz.example>", lead)
    edit(config_dir / "projects.toml", "Jonas Weber <jonas.weber@", "Max Beispiel <max.beispiel@")
    if authserv_id:
        edit(config_dir / "settings.toml", 'path = "var/mail"', f'path = "var/mail"\nauthserv_id = "{authserv_id}"')
    app = build_app(load_config(config_dir), clock=clock, transport=transport)
    tokens = iter(["KGRZ-7K2QXA", *(f"KGRZ-OTHER{n}" for n in range(20))])
    monkeypatch.setattr(request_job, "new_token", lambda: next(tokens))
    clock.set(at("2018-08-29T08:00"))
    request_job.send_requests(app, SEPTEMBER)
    clock.set(at("2018-09-03T10:00"))
    return app


def in_force(app: App) -> dict[str, object] | None:
    with app.store.read() as db:
        answer = requests.answers_of_session(db, session_id(db, SEPTEMBER)).get("ecollaboration")
    return answer.fields.as_contract() if answer else None
