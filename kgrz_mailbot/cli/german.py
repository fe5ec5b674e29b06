"""argparse in German: the usage line, section titles, help of -h and argparse's own error messages.

argparse passes its strings through ``gettext``, but shipping a message catalogue for a dozen strings would tie
the product to a locale being installed and set. Instead the parser subclass sets the few titles itself and
translates argparse's error messages by their English templates (``MESSAGES``): each template becomes a
pattern, so the values argparse filled in (option names, the rejected value, the choices) are kept. A message
not in the table (our own German ``ArgumentTypeError`` texts) passes through unchanged.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

#: argparse's English templates (Python 3.11–3.13) and their German wording, with the same placeholders
MESSAGES = {
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "nötig, aber nicht angegeben: %s",
    "unrecognized arguments: %s": "unbekannte Angabe(n): %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "„%(value)s“ gibt es nicht; möglich sind: %(choices)s",
    "invalid choice: %(value)s (choose from %(choices)s)": "„%(value)s“ gibt es nicht; möglich sind: %(choices)s",
    "invalid %(type)s value: %(value)r": "ungültiger Wert „%(value)s“",
    "expected one argument": "hier fehlt der Wert",
    "expected at most one argument": "höchstens ein Wert erlaubt",
    "expected at least one argument": "mindestens ein Wert nötig",
    "expected %s argument": "%s Wert nötig",
    "expected %s arguments": "%s Werte nötig",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option %(option)s: passt auf %(matches)s",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine der Angaben %s ist nötig",
    "ignored explicit argument %r": "Wert %r wird hier nicht angenommen",
    "unexpected option string: %s": "unerwartete Option: %s",
}

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sr]")


def _pattern(template: str) -> re.Pattern[str]:
    parts, last, index = [], 0, 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last:match.start()]))
        name = match[1] or f"_{index}"
        index += 1
        parts.append(f"(?P<{name}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


_TABLE = [(_pattern(english), german) for english, german in MESSAGES.items()]


def _unquote(value: str) -> str:
    """argparse shows a rejected value with repr(); German text quotes it with „…“ instead."""
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else value


def translate(message: str) -> str:
    """argparse's English message in German; anything else unchanged."""
    for pattern, german in _TABLE:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values: dict[str, Any] = {k: v if k == "choices" else _unquote(v) for k, v in match.groupdict().items()}
        if "message" in values:
            values["message"] = translate(values["message"])
        if "choices" in values:
            values["choices"] = ", ".join(_unquote(c.strip()) for c in values["choices"].split(","))
        positional = [values[k] for k in sorted(values) if k.startswith("_")]
        named = {k: v for k, v in values.items() if not k.startswith("_")}
        return german % (tuple(positional) if positional else named)
    return message


class GermanHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and examples; the usage line starts with „Aufruf:“."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class GermanArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word on the screen is German (subparsers are of this class too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", GermanHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="diese Hilfe zeigen und beenden")

    def error(self, message: str) -> NoReturn:
        """Usage, the German message and where to find help; exit status 2 (wrong usage, C2)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {translate(message)}\n"
                     f"„{self.prog} --help“ zeigt alle Möglichkeiten.\n")
