"""The one limit on everything the bot answers: at most ``answers_per_hour`` answers of any kind to one sender.

Confirmations, explanations, command answers, approvals and notices all go through ``queue_answer``. An answer
over the limit is still rendered and stored in the outbox, as ``held``: it is never sent by the relay, and
``status`` lists it, so a flood (a mail loop, a spoofing run, a lead's auto-forward) costs at most a few mails
an hour per address and nothing is lost without a trace. Timeline mails (requests, reminders, drafts) are no
answers and do not count.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from kgrz_mailbot.storage import mailrows

if TYPE_CHECKING:
    from sqlmodel import Session as DbSession

    from kgrz_mailbot.app import App

WINDOW = timedelta(hours=1)
log = logging.getLogger("kgrz_mailbot.inbox")


def queue_answer(app: App, db: DbSession, mail: mailrows.Outgoing) -> bool:
    """Record an answer to the sender of an inbound mail: ``pending`` within the limit, ``held`` over it.

    True when it will be sent.
    """
    now = app.clock.now()
    limit = app.config.mail.answers_per_hour
    over = [r for r in mail.recipients if mailrows.answer_limit_reached(db, r, now - WINDOW, limit)]
    if not over:
        mailrows.record_outgoing(db, mail, now)
        return True
    note = (f"zurückgehalten: {', '.join(over)} hat in der letzten Stunde schon {limit} Antworten bekommen "
            f"(Grenze [mail] answers_per_hour)")
    mailrows.record_outgoing(db, mail, now, state="held", note=note)
    log.warning("Antwort %s zurückgehalten: %s Antworten pro Stunde an %s erreicht", mail.business_key, limit,
                ", ".join(over))
    return False
