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

    def check(self) -> list[str]:
        """Load every template once so a broken one fails at ``check``, not when a mail is due."""
        problems = []
        for name in self.env.list_templates(extensions=["j2"]):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError as exc:
                problems.append(f"templates/{name}: Vorlage fehlerhaft: {exc}")
        return problems
