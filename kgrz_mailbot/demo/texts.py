"""Answers of the demo's simulated leads: the texts of the real Vorlage UV/0365/2018 (June and September 2018)."""

from __future__ import annotations

JUNE: dict[str, str] = {
    "ecollaboration": """Ampel: grün
Fortschritt: 20 %
Stand:
Bereits im Mai 2018 wurden das KGRZ und einige Arbeitsplätze im Bereich des Amtes für Personal und Organisation auf Outlook umgestellt. Durch die gute Vorbereitung im Team kam es für die bisher betroffenen Kolleginnen und Kollegen zu keinerlei nennenswerten Komplikationen. Bis zum Ende Oktober 2018 sollen alle Benutzer umgestellt sein. Ebenso ist bis dahin als Voraussetzung zur Nutzung des neuen Outlook Client die flächendeckende Umstellung auf Microsoft Office abgeschlossen.""",
    "egovernment": """Ampel: gelb
Stand:
Im Projekt eRechnung hat im Juni 2018 die erste Testphase innerhalb der Finanzbuchhaltung begonnen. Der Einhaltung des gesetzlich geforderten Umsetzungstermins (November 2019) steht derzeit nichts entgegen.

Im Bereich der eGovernment-Prozesse wurden seit der letzten Berichterstattung keine neuen Services hinzugefügt. Aktuell werden über die eGovernment Suite des ZIDKOR folgende Services zur Verfügung gestellt:
- Bescheinigung nach dem ProstSchG
- Beantragung von Planauszügen
Weiteres Vorgehen:
Die notwendige Civento Mach Schnittstelle für das E-Payment wird voraussichtlich Ende des 3. Quartals 2018 zur Verfügung stehen. Danach sollen weitere Prozesse in Civento realisiert werden.""",
    "telefonie": """Ampel: gelb
Stand:
Die Übernahme der Aufgabe „Bereitstellung Telefonie“ durch das KGRZ wurde im Juni 2018 per Organisationsverfügung durch den Oberbürgermeister verfügt.
Die Firma TMK erhielt über den Landesrahmenvertrag den Auftrag zur Unterstützung bei der Konzeption. Ein erster Entwurf einer Handlungsempfehlung liegt vor.""",
    "interkommunal": """Ampel: grün
Budget: ca. 1,5 Mio € Investition
Stand:
Der aktuelle Planungsstand zur RZ-Kopplung zwischen der KDZ Mainz und dem KGRZ Koblenz für einen synchronen RZ-Betrieb weist nach vorsichtiger kaufmännischer Schätzung ein Investitionsvolumen von insgesamt ca. 1,5 Mio € aus. Die jährlichen Betriebskosten der Gesamtumgebung tendieren um 300 T €.

Die in Frage kommenden Services sind:
- VOIS (Ablösung Meso/Meldewesen) + Services (OWI etc.)
- Edoo.Sys (Schulverwaltungssoftware, zentrales Hosting KDZ)
- Autista (Personenstandswesen)""",
    "umbau": """Ampel: rot
Stand:
Die auf der Basis des Bauplans vom 17.05.2017 ermittelten Baukosten würden das für den Umbau bereitgestellte Gesamtbudget übersteigen. Aus diesem Grund wurde die Planung noch einmal dahingehend überarbeitet, dass die Bestandsbebauung – soweit es geht – unberührt bleibt. Auch im Projekt Innenumbau verfolgt das KGRZ die Strategie „Budget geht vor ZEIT“.""",
}

SEPTEMBER: dict[str, str] = {
    "ecollaboration": """Ampel: grün
Fortschritt: 25 %
Stand:
Mit der verwaltungsweiten Umstellung auf Outlook wurde Anfang August planmäßig begonnen. Mit den bisherigen Erfahrungen im Rollout kann von einer vollständigen Umsetzung bis Mitte Dezember ausgegangen werden. Zum Stand 31.08.2018 waren 400 der 1.650 Postfächer umgestellt.

Die Microsoft Office Suite ist zum Stand 31.08.2018 vollständig in der Verwaltung ausgerollt.
Meilenstein: Umstellung aller Postfächer bis Mitte Dezember 2018""",
    "egovernment": """Ampel: gelb
Fortschritt: 40%
Stand:
Im Projekt eRechnung finden weitere Tests und Konfigurationen statt. Der Customizing-Aufwand ist jedoch höher als zunächst angenommen wurde. Die Einhaltung der gesetzlich geforderten Umsetzung (November 2019) gilt weiterhin als sicher.

Aktuell werden über die eGovernment-Suite des ZIDKOR folgende Services zur Verfügung gestellt:
- Bescheinigung nach dem ProstSchG
- Beantragung von Planauszügen

Durch den im August 2018 durchgeführten Releasewechsel konnte die Benutzererfahrung für Bürgerinnen und Bürger erheblich verbessert werden.""",
    "telefonie": """Ampel: gelb
Stand:
Die finale Handlungsempfehlung wurde erarbeitet. Die Stadtverwaltung hat ihre Entscheidung in Richtung des Upgrades der bestehenden Telefonanlage getroffen.
Das KGRZ hat die Mittel für das Migrationsprojekt für 2019 geplant.

Das KGRZ hat für die Betreuung des Fachgebietes Telefonie einen Mitarbeiter des KGRZ gewinnen können.
Budget: Mittel für 2019 im Wirtschaftsplan eingestellt""",
    "interkommunal": """Ampel: grün
Stand:
Der Werkausschuss der KDZ Mainz hat den strategischen Beschluss zur Umsetzung der Rechenzentrumskopplung in seiner Sitzung am 28.08.2018 beschlossen.

Es werden zwei Teillose verhandelt:
- Speicherbeschaffung
- WAN-Verbindung
Weiteres Vorgehen:
Nach der Vergabe sind weitere Beschaffungen erforderlich (Netzwerkinfrastruktur, Serversysteme).""",
    "umbau": """Ampel: gelb
Stand:
Der Bauplan für den Innenausbau wurde noch einmal, sowohl hinsichtlich der künftigen Raumgestaltungen als auch der damit einhergehenden Kosten, überarbeitet. Durch die neue Planung konnte insgesamt eine Kostenreduzierung von rd. 60.000 € erzielt werden.""",
}
