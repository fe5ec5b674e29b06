"""Command line (C2) entry point: parse arguments, run the handler, map errors to German text and exit 0/1/2."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from kgrz_mailbot.cli.parser import build_parser
from kgrz_mailbot.errors import ConfigError, MailbotError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "quarantine" and args.action == "retry" and args.id is None:
        parser.error("quarantine retry braucht die Nummer der Mail (ID)")
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print("Die Konfiguration hat Fehler:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except MailbotError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
