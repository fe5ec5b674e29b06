"""Public holidays of a region (``DE-RP``) from python-holidays, loading only that country's module.

Importing ``holidays.countries`` imports all of its ~250 country modules (0.3–0.8 s here, more than ``plan``
may take in all), although one country's module needs none of the others. So the country's module is loaded on
its own: for that import, ``holidays.countries`` is a bare package over the same folder, removed again right
after, so a later ``import holidays.countries`` gets the real package. Any surprise (a country whose module needs
the package's names, a registry laid out differently in a new release) falls back to ``country_holidays``.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import Any

import holidays
from holidays.registry import COUNTRIES


def _country_class(country: str) -> Any:
    """The HolidayBase subclass of an ISO 3166 country code, loading only its module."""
    name = next((module for module, (_cls, *codes) in COUNTRIES.items() if country.upper() in codes), None)
    if name is None:
        raise KeyError(country)
    loaded = sys.modules.get(f"holidays.countries.{name}")
    if loaded is None and "holidays.countries" not in sys.modules:
        package = types.ModuleType("holidays.countries")
        package.__path__ = [str(Path(holidays.__file__).parent / "countries")]
        sys.modules["holidays.countries"] = package
        try:
            loaded = importlib.import_module(f"holidays.countries.{name}")
        finally:
            del sys.modules["holidays.countries"]
            if getattr(holidays, "countries", None) is package:
                delattr(holidays, "countries")
    if loaded is None:
        loaded = importlib.import_module(f"holidays.countries.{name}")
    return getattr(loaded, COUNTRIES[name][0])


def calendar(code: str, language: str | None = "de") -> holidays.HolidayBase:
    """The holidays of ``DE`` or ``DE-RP`` (country and subdivision); KeyError/NotImplementedError if unknown."""
    country, _, subdiv = code.partition("-")
    try:
        cls = _country_class(country)
    except (ImportError, AttributeError):  # the library's own way is always right, only slower
        return holidays.country_holidays(country, subdiv=subdiv or None, language=language)
    return cls(subdiv=subdiv or None, language=language)


def valid_region(code: str) -> bool:
    try:
        calendar(code, language=None)
    except (NotImplementedError, KeyError, ValueError):
        return False
    return True
