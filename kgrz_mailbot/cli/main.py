"""Command line (C2) entry point: parse arguments, run the handler, map errors to German text and exit 0/1/2."""

from __future__ import annotations

import importlib
import os
import select
import sys
from collections.abc import Callable, Sequence

from kgrz_mailbot.cli.parser import parse_arguments
from kgrz_mailbot.errors import ConfigError, MailbotError


def _handler(name: str) -> Callable[..., int]:
    """``"cycle:cmd_plan"`` → the function; its module (and what it needs) is imported only now."""
    module, _, function = name.partition(":")
    handler: Callable[..., int] = getattr(importlib.import_module(f"kgrz_mailbot.cli.{module}"), function)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    # database, WAL, Maildir files, drafts, backups, exports: for the account that runs us only
    umask = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(umask)  # a caller in the same process (a test) gets its own back


def _main(argv: Sequence[str] | None) -> int:
    args = parse_arguments(argv)
    from kgrz_mailbot.service.journal import configure_logging  # noqa: PLC0415 - not needed for --help

    configure_logging(args.verbose, service=args.command == "run")
    try:
        code = _handler(args.handler)(args)
        sys.stdout.flush()  # a reader that went away (``| head``) is noticed here, not at interpreter exit
        return code
    except ConfigError as exc:
        print("Die Konfiguration hat Fehler:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except MailbotError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        if not _stdout_closed():
            raise  # a broken connection of a transport is an error, not a reader that stopped reading
        return 0


def _stdout_closed() -> bool:
    """Whether the reader of stdout has gone (the write end of a pipe without reader polls as an error); then
    whatever is left to print is dropped quietly. As in the Python documentation's recipe, stdout then points
    at /dev/null, so the flush at exit does not complain either."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    if not any(events & select.POLLERR for _fd, events in poller.poll(0)):
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    return True


if __name__ == "__main__":
    sys.exit(main())
