"""One exception tree: user-facing errors carry a German message and map to exit status 1."""

from __future__ import annotations


class MailbotError(Exception):
    """An error an admin must act on; ``str(exc)`` is the German message."""


class ConfigError(MailbotError):
    """The configuration directory has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class UnknownSessionError(MailbotError):
    pass
