"""Which instant orders a reply among the answers to its request: its Date: header, unless that cannot be true."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

# Clocks of PCs and phones drift by minutes, time zones are mislabelled by hours; a Date: more than a day after
# the mail reached us is a wrong clock (2099, a mistyped year), not a late sender.
FUTURE_TOLERANCE = timedelta(days=1)


class DateProblem(enum.StrEnum):
    FUTURE = "future"  # more than a day after the mail arrived
    BEFORE_REQUEST = "before-request"  # earlier than the request it answers was sent


@dataclass(frozen=True)
class ReplyDate:
    """``at`` orders the reply (C4: the later ``Date:`` wins); ``problem`` says why the header was not used."""

    at: datetime
    problem: DateProblem | None = None


def reply_date(header: datetime | None, received_at: datetime, request_sent_at: datetime | None) -> ReplyDate:
    """The Date: header, or the time of receipt when the header is missing or cannot be true.

    A reply dated 2099 would otherwise beat every later correction and lock the section; one dated before the
    request was sent would lose against every earlier answer. Both are ordered by their arrival instead.
    """
    if header is None:
        return ReplyDate(received_at)
    if header > received_at + FUTURE_TOLERANCE:
        return ReplyDate(received_at, DateProblem.FUTURE)
    if request_sent_at is not None and header < request_sent_at:
        return ReplyDate(received_at, DateProblem.BEFORE_REQUEST)
    return ReplyDate(header)
