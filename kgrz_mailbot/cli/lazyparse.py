"""argparse subcommands whose parsers are built only when chosen: a command line of twenty commands parses one.

Building every subcommand's parser costs more than a third of what ``--help`` may take in all (issue 15: within
3× of ``python -c pass``), and argparse has no lazy subparsers. ``Pending`` records a command's options and adds
them when the command is looked up; the listing in ``--help`` needs only names and summaries. This leans on two
attributes argparse has kept since Python 2.7: the subparsers action's ``choices`` mapping (name → parser), and
``_choices_actions``, the summaries that ``--help`` lists.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Op = Callable[[argparse.ArgumentParser], object]


class Pending:
    """A command's parser in waiting: ``add_argument`` and subcommands are recorded and replayed on ``build``."""

    def __init__(self, make: Callable[[], argparse.ArgumentParser]) -> None:
        self._make = make
        self.ops: list[Op] = []

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        self.ops.append(lambda parser: parser.add_argument(*args, **kwargs))

    def set_defaults(self, **kwargs: Any) -> None:
        self.ops.append(lambda parser: parser.set_defaults(**kwargs))

    def build(self) -> argparse.ArgumentParser:
        parser = self._make()
        for op in self.ops:
            op(parser)
        return parser


class LazyParsers(dict[str, Any]):
    """The subparsers action's name → parser map, building a ``Pending`` entry on first lookup."""

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        value = super().__getitem__(name)
        if isinstance(value, Pending):
            value = value.build()
            super().__setitem__(name, value)
        return value  # type: ignore[no-any-return]

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def values(self) -> list[argparse.ArgumentParser]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, argparse.ArgumentParser]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]


Target = argparse.ArgumentParser | Pending


class LazySubcommands:
    """The subcommands of one level; attached to its parser at once, or when a pending parser is built."""

    def __init__(self, target: Target, prog: str, parser_class: type[argparse.ArgumentParser], **kwargs: Any) -> None:
        self._prog, self._parser_class = prog, parser_class
        self._waiting: list[tuple[str, str, Pending]] = []
        self._action: argparse._SubParsersAction[Any] | None = None
        if isinstance(target, Pending):
            target.ops.append(lambda parser: self._attach(parser, kwargs))
        else:
            self._attach(target, kwargs)

    def _attach(self, parser: argparse.ArgumentParser, kwargs: dict[str, Any]) -> None:
        action = parser.add_subparsers(parser_class=self._parser_class, **kwargs)
        action.choices = action._name_parser_map = LazyParsers()  # type: ignore[assignment]
        self._action = action
        for entry in self._waiting:
            self._register(*entry)

    def _register(self, name: str, summary: str, pending: Pending) -> None:
        assert self._action is not None
        self._action._choices_actions.append(self._action._ChoicesPseudoAction(name, (), summary))
        self._action.choices[name] = pending  # type: ignore[index]

    def add(self, name: str, summary: str, **kwargs: Any) -> Pending:
        """A subcommand listed with ``summary``; ``kwargs`` go to its parser (description, epilog …)."""
        pending = Pending(lambda: self._parser_class(prog=f"{self._prog} {name}", **kwargs))
        if self._action is None:
            self._waiting.append((name, summary, pending))
        else:
            self._register(name, summary, pending)
        return pending
