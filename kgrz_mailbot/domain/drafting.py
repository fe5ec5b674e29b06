"""Report assembly: answers of a session plus the previous session's texts become a Draft."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kgrz_mailbot.domain.model import Ampel, Committee, Project, StatusFields
from kgrz_mailbot.domain.textblocks import visible

GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip

DEFAULT_UNTERRICHTUNG = (
    "Der {committee_short} nimmt den aktuellen Stand der Projekte anhand der Projektliste "
    "sowie die nachfolgende kurze Darstellung einzelner Projekte zur Kenntnis."
)


def month_label(day: date) -> str:
    """``Juni 2018``: how the Vorlage names the session of an earlier report."""
    return f"{GERMAN_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Answer:
    """The valid answer in force for one project: who sent it, when, and what."""

    fields: StatusFields
    sender: str
    answered_at: datetime


@dataclass(frozen=True)
class PreviousText:
    """The project's text from the last earlier session in which it was answered."""

    session_date: date
    label: str
    stand: str
    weiteres_vorgehen: str | None


@dataclass(frozen=True)
class DraftSection:
    """One project of the Vorlage: the current answer (or a gap) and the earlier text."""

    key: str
    title: str
    lead_name: str
    lead_address: str
    answered: bool
    answered_by: str | None
    answered_at: datetime | None
    ampel: Ampel | None
    fortschritt: int | None
    stand: str | None
    weiteres_vorgehen: str | None
    meilenstein: str | None
    budget: str | None
    unchanged: bool
    previous: PreviousText | None
    previous_ampel: Ampel | None = None


@dataclass(frozen=True)
class Organisation:
    """Head data of the Vorlage taken from settings.toml."""

    name: str
    short: str
    unit: str
    az: str = ""
    vorlage_number: str | None = None
    unterrichtung: str = DEFAULT_UNTERRICHTUNG


@dataclass(frozen=True)
class Draft:
    """The Unterrichtungsvorlage of one session in one version."""

    organisation: Organisation
    committee_key: str
    committee_name: str
    session_date: date
    draft_date: date
    version: int
    sections: tuple[DraftSection, ...]

    @property
    def missing(self) -> list[str]:
        return [s.key for s in self.sections if not s.answered]

    @property
    def answered_count(self) -> int:
        return sum(1 for s in self.sections if s.answered)

    @property
    def vorlage_label(self) -> str:
        return self.organisation.vorlage_number or f"UV/____/{self.draft_date.year}"

    @property
    def betreff(self) -> str:
        short = self.organisation.short or self.organisation.name
        return f"Stand der Projekte; Aktuelle Projektliste des {short}"

    @property
    def unterrichtung(self) -> str:
        short = self.committee_name.split('"')[0].strip() or self.committee_name
        return self.organisation.unterrichtung.format(committee_short=short)


def previous_text(answer: Answer | None, session_date: date) -> PreviousText | None:
    """The earlier report as it is quoted under "Auszug aus der Berichterstattung vom …"."""
    if answer is None or not answer.fields.stand:
        return None
    return PreviousText(
        session_date=session_date,
        label=month_label(session_date),
        stand=visible(answer.fields.stand),
        weiteres_vorgehen=_visible(answer.fields.weiteres_vorgehen),
    )


def _visible(text: str | None) -> str | None:
    """What a lead wrote, as it may stand in the Vorlage (bidi controls and invisible formatting removed)."""
    return None if text is None else visible(text)


def build_section(
    project: Project,
    answer: Answer | None,
    previous: PreviousText | None,
    previous_ampel: Ampel | None = None,
) -> DraftSection:
    """One section; an answer ``unverändert`` shows the previous text again."""
    fields = answer.fields if answer else StatusFields()
    stand = fields.stand
    if fields.unchanged:
        stand = previous.stand if previous else None
    return DraftSection(
        key=project.key,
        title=project.title,
        lead_name=project.lead.name,
        lead_address=project.lead.address,
        answered=answer is not None,
        answered_by=answer.sender if answer else None,
        answered_at=answer.answered_at if answer else None,
        ampel=fields.ampel,
        fortschritt=fields.fortschritt,
        stand=_visible(stand),
        weiteres_vorgehen=_visible(fields.weiteres_vorgehen),
        meilenstein=_visible(fields.meilenstein),
        budget=_visible(fields.budget),
        unchanged=fields.unchanged,
        previous=previous,
        previous_ampel=previous_ampel,
    )


def assemble_draft(
    organisation: Organisation,
    committee: Committee,
    session_date: date,
    draft_date: date,
    version: int,
    projects: Sequence[Project],
    answers: Mapping[str, Answer],
    previous: Mapping[str, tuple[date, Answer]],
) -> Draft:
    """Pure assembly of the Vorlage from the answers in force and the earlier answers.

    ``previous`` maps a project key to the date of the last earlier session of the same committee
    in which the project was answered, with that answer.
    """
    sections = []
    for project in projects:
        if not project.active:
            continue
        earlier = previous.get(project.key)
        prev_text = previous_text(earlier[1], earlier[0]) if earlier else None
        prev_ampel = earlier[1].fields.ampel if earlier else None
        sections.append(build_section(project, answers.get(project.key), prev_text, prev_ampel))
    return Draft(
        organisation=organisation,
        committee_key=committee.key,
        committee_name=committee.name,
        session_date=session_date,
        draft_date=draft_date,
        version=version,
        sections=tuple(sections),
    )


def draft_contract(draft: Draft) -> dict[str, object]:
    """The draft as C5 JSON data."""
    projects = []
    for s in draft.sections:
        prev = s.previous
        projects.append(
            {
                "key": s.key,
                "title": s.title,
                "lead": s.lead_name,
                "answered": s.answered,
                "answered_by": s.answered_by,
                "ampel": s.ampel.value if s.ampel else None,
                "fortschritt": s.fortschritt,
                "stand": s.stand,
                "weiteres_vorgehen": s.weiteres_vorgehen,
                "meilenstein": s.meilenstein,
                "budget": s.budget,
                "previous": None
                if prev is None
                else {
                    "session_date": prev.session_date.isoformat(),
                    "label": prev.label,
                    "stand": prev.stand,
                    "weiteres_vorgehen": prev.weiteres_vorgehen,
                },
            }
        )
    return {
        "committee": draft.committee_name,
        "session_date": draft.session_date.isoformat(),
        "draft_date": draft.draft_date.isoformat(),
        "version": draft.version,
        "projects": projects,
        "missing": draft.missing,
    }
