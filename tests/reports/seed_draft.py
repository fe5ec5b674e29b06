"""The draft of the Werkausschuss session of 19.09.2018, rebuilt from the real Vorlage UV/0365/2018."""

# ruff: noqa: E501  (the leads' paragraphs are data, one line each as they arrive in a reply)

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

from kgrz_mailbot.domain.drafting import Answer, Draft, Organisation, assemble_draft
from kgrz_mailbot.domain.model import Ampel, Committee, Person, Project, StatusFields

BERLIN = timezone(timedelta(hours=2))
SESSION = date(2018, 9, 19)
PREVIOUS_SESSION = date(2018, 6, 20)

ORGANISATION = Organisation(
    name="Kommunales Gebietsrechenzentrum Koblenz",
    short="KGRZ",
    unit="17-EB Kommunales Gebietsrechenzentrum",
    az="17-EB/Projekte",
)
COMMITTEE = Committee(
    key="werkausschuss",
    name='Werkausschuss "Kommunales Gebietsrechenzentrum Koblenz"',
    draft_to=("werkleitung@koblenz.example",),
)


def _project(key: str, title: str, lead: str) -> Project:
    address = lead.lower().replace(" ", ".") + "@koblenz.example"
    return Project(key=key, title=title, lead=Person(lead, address))


PROJECTS = (
    _project("ecollaboration", "eCollaboration", "Erika Muster"),
    _project("egovernment", "E-Government & Verwaltungsmodernisierung", "Max Beispiel"),
    _project("telefonie", "Übernahme der Aufgabe Telefonie durch das KGRZ", "Jana Fernsprech"),
    _project("ikz", "Interkommunale Zusammenarbeit", "Peter Kopplung"),
    _project("umbau", "Umbaumaßnahmen innerhalb des KGRZ", "Bernd Bauer"),
    _project("time", "TIME – neue Zeitwirtschaft", "Tina Zeit"),
)

NOW = {
    "ecollaboration": """Mit der verwaltungsweiten Umstellung auf Outlook wurde Anfang August planmäßig begonnen.
Mit den bisherigen Erfahrungen im Rollout kann von einer vollständigen Umsetzung bis Mitte Dezember ausgegangen werden. Zum Stand 31.08.2018 waren 400 der 1.650 Postfächer umgestellt.

Die Microsoft Office Suite ist zum Stand 31.08.2018 vollständig in der Verwaltung ausgerollt.""",
    "egovernment": """Im Projekt eRechnung finden weitere Tests und Konfigurationen statt. Der Customizing Aufwand ist jedoch höher als zunächst angenommen wurde. Die Einhaltung der gesetzlich geforderten Umsetzung (November 2019) gilt weiterhin als sicher.

Aktuell werden über die eGovernment-Suite des ZIDKOR folgende Services zur Verfügung gestellt:
- Bescheinigung nach dem ProstSchG
- Beantragung von Planauszügen

In der Umsetzung befindlich:
- Antrag zum Stellenplan
- Reklamationswesen für EB 70/ Kommunaler Servicebetrieb Koblenz

In der Anbahnung:
- Auszüge aus dem Stadtarchiv, Amt 47 / Stadtarchiv (externer Prozess)
- Einstellung neuer Mitarbeiter (verwaltungsweiter, interner Prozess)

Durch den im August 2018 durchgeführten Releasewechsel konnte gerade die Benutzererfahrung für Bürger/innen und Bürgern erheblich verbessert werden. Die Schnittstelle befindet sich derzeit in der innerstädtischen Prüfung.""",
    "telefonie": """Die finale Handlungsempfehlung wurde erarbeitet. Die Stadtverwaltung hat ihre Entscheidung in Richtung des Upgrades der bestehenden Telefonanlage getroffen.
Das KGRZ hat die Mittel für das Migrationsprojekt für 2019 geplant.

Das KGRZ hat für die Betreuung des Fachgebietes Telefonie einen Mitarbeiter des KGRZ gewinnen können.""",
    "ikz": """Siehe auch gesonderte Beschlussvorlage – Sitzung 19.09.2018

Der Werkausschuss der KDZ Mainz hat den strategischen Beschluss zur Umsetzung der Rechenzentrumskopplung in seiner Sitzung am 28.08.2018 beschlossen.

Das Verfahren wird verantwortlich durch die KDZ durchgeführt. Es werden zwei Teillose verhandelt:
a) Speicherbeschaffung
b) WAN-Verbindung""",
}

BEFORE = {
    "ecollaboration": """Bereits im Mai 2018 wurden das KGRZ und einige Arbeitsplätze im Bereich des Amtes für Personal und Organisation auf Outlook umgestellt. Bis zum Ende Oktober 2018 sollen alle Benutzer umgestellt sein.""",
    "egovernment": """Im Projekt eRechnung hat im Juni 2018 die erste Testphase innerhalb der Finanzbuchhaltung begonnen.

Aktuell werden über die eGovernment Suite des ZIDKOR folgende Services zur Verfügung gestellt:
- Bescheinigung nach dem ProstSchG
- Beantragung von Planauszügen""",
    "telefonie": """Die Übernahme der Aufgabe „Bereitstellung Telefonie“ durch das KGRZ wurde im Juni 2018 per Organisationsverfügung durch den Oberbürgermeister verfügt.
Ohne der Konzeption vorzugreifen kann man bereits jetzt schon feststellen, dass im Bereich „Telefonie“ erhebliche Modernisierungen erforderlich werden:
- Umstellung der Provider auf VoIP-Technologie ohne Nischenmöglichkeit für die Stadtverwaltung Koblenz
- die aktuelle Telefonanlage ist teilnehmerseitig nicht mehr ausbaufähig
- die Telefonanlage wurde über mehrere Generationen nicht mehr aktualisiert""",
    "ikz": """Der aktuelle Planungsstand zur RZ-Kopplung zwischen der KDZ Mainz und dem KGRZ Koblenz weist ein Investitionsvolumen von insgesamt ca. 1,5 Mio € aus.

Die in Frage kommenden Services sind:
- VOIS (Ablösung Meso/Meldewesen) + Services (OWI etc.)
- Edoo.Sys (Schulverwaltungssoftware, zentrales Hosting KDZ)
- Autista (Personenstandswesen)""",
    "umbau": """Die auf der Basis des Bauplans vom 17.05.2017 ermittelten Baukosten würden das für den Umbau bereitgestellte Gesamtbudget übersteigen. Auch im Projekt Innenumbau verfolgt das KGRZ die Strategie „Budget geht vor ZEIT“.""",
}
BEFORE_VORGEHEN = {
    "egovernment": "Die notwendige Civento Mach Schnittstelle für das E-Payment wird voraussichtlich Ende des 3. Quartals 2018 zur Verfügung stehen.",
}
BEFORE_AMPEL = {"ecollaboration": Ampel.GELB, "egovernment": Ampel.GRUEN, "telefonie": Ampel.GELB,
                "ikz": Ampel.GELB, "umbau": Ampel.ROT}  # fmt: skip


def answers(**overrides: StatusFields) -> dict[str, Answer]:
    """The answers in force on 11.09.2018: every project except TIME; Umbau answered ``unverändert``."""
    fields = {
        "ecollaboration": StatusFields(stand=NOW["ecollaboration"], ampel=Ampel.GRUEN, fortschritt=25,
                                       meilenstein="Alle Postfächer umgestellt (Mitte Dezember 2018)",
                                       budget="im Plan"),
        "egovernment": StatusFields(stand=NOW["egovernment"], ampel=Ampel.GELB, fortschritt=60,
                                    weiteres_vorgehen="Weitere Prozesse werden in Civento realisiert.",
                                    budget="120 T €"),
        "telefonie": StatusFields(stand=NOW["telefonie"], ampel=Ampel.GELB, fortschritt=10),
        "ikz": StatusFields(stand=NOW["ikz"], ampel=Ampel.GELB, meilenstein="Vergabe Speicher und WAN"),
        "umbau": StatusFields(unchanged=True, ampel=Ampel.ROT, fortschritt=5),
    }  # fmt: skip
    fields.update(overrides)
    return {
        key: Answer(value, f"{key}@koblenz.example", datetime(2018, 9, 3 + n, 9, 30, tzinfo=BERLIN))
        for n, (key, value) in enumerate(fields.items())
    }


def previous() -> dict[str, tuple[date, Answer]]:
    return {
        key: (
            PREVIOUS_SESSION,
            Answer(
                StatusFields(stand=text, ampel=BEFORE_AMPEL[key], weiteres_vorgehen=BEFORE_VORGEHEN.get(key)),
                f"{key}@koblenz.example",
                datetime(2018, 6, 5, 10, 0, tzinfo=BERLIN),
            ),
        )
        for key, text in BEFORE.items()
    }


def seed_draft(version: int = 1, **overrides: StatusFields) -> Draft:
    """The six projects of UV/0365/2018 as the bot would assemble them; ``overrides`` replace answers."""
    return assemble_draft(
        ORGANISATION, COMMITTEE, SESSION, date(2018, 9, 11), version, PROJECTS, answers(**overrides), previous()
    )


def with_section(draft: Draft, key: str, **changes: object) -> Draft:
    """The draft with one section's fields replaced (for hostile text in one place)."""
    sections = tuple(dataclasses.replace(s, **changes) if s.key == key else s for s in draft.sections)
    return dataclasses.replace(draft, sections=sections)
