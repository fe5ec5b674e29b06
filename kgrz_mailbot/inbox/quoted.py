"""Answers typed into a quoted form count only when the quoted mail is one of our requests or reminders.

Only requests and reminders carry the form with every label empty, so only there is everything after a label
the lead's (``replies/quotedform.py``). A rejection or a FORMULAR answer quotes a form filled with our values:
a lead who answers it with "Warum?" has not confirmed them, so such a mail is explained as one without a form.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kgrz_mailbot.domain.model import StatusFields, Understanding
from kgrz_mailbot.replies.form import NO_FORM
from kgrz_mailbot.storage import mailrows

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

_EMPTY_FORM_KINDS = ("request", "reminder")


def checked(db: DbSession, u: Understanding) -> Understanding:
    """u as it is, or without the values read from a quoted form whose mail is not a request or reminder."""
    if not u.answered_in_quote:
        return u
    answered = mailrows.outgoing_by_message_ids(db, list(u.facts.in_reply_to))
    # No mail of ours answered (a client that drops In-Reply-To, a forward): the token in the quote identified it.
    if not answered or any(row.kind in _EMPTY_FORM_KINDS for row in answered):
        return u
    return replace(u, fields=StatusFields(), problems=(NO_FORM,), labels_found=(), answered_in_quote=False)
