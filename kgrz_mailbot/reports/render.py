"""The one Jinja2 environment for mails and the HTML draft (named templates in ``templates/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

#: the repository's ``templates/`` folder, beside the package (editable install or source tree)
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def german_date(value: Any) -> str:
    """``19.09.2018`` for dates and datetimes; the form every German office reads."""
    return value.strftime("%d.%m.%Y")


class Renderer:
    """Renders named templates; ``StrictUndefined`` makes a missing value fail loudly, never blank."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.templates_dir = templates_dir or DEFAULT_TEMPLATES
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates_dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["datum"] = german_date

    def render(self, name: str, /, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def mail_templates(self) -> set[str]:
        """The templates the bot renders by name (the shipped ones without a leading ``_``, which are parts)."""
        return {name for name in shipped_templates() if not name.startswith("_")}

    def check(self) -> list[str]:
        """The folder exists, holds every template the bot uses, and each one loads (syntax), so a broken or
        missing one fails at ``check``, not when a mail is due. Rendering them is ``demo/rehearsal.py``."""
        where = self.templates_dir
        if not where.is_dir():
            return [f"{where}: Vorlagenordner nicht gefunden. settings.toml [report] templates prüfen oder "
                    f"weglassen (dann gelten die mitgelieferten Vorlagen aus {DEFAULT_TEMPLATES})."]
        missing = sorted(shipped_templates() - set(self.env.list_templates(extensions=["j2"])))
        problems = [f"{where}: es fehlen Vorlagen, die der Bot braucht: {', '.join(missing)}. Bitte aus "
                    f"{DEFAULT_TEMPLATES} übernehmen und dort anpassen."] if missing else []
        for name in self.env.list_templates(extensions=["j2"]):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError as exc:
                problems.append(f"{where}/{name}: Vorlage fehlerhaft: {exc}")
        return problems


def shipped_templates() -> set[str]:
    """Every template in the repository's ``templates/``: what a folder of one's own must hold as well."""
    return {p.name for p in DEFAULT_TEMPLATES.glob("*.j2")}
