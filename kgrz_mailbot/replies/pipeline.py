"""`understand(raw)`: the reply pipeline in one place; pure, and it never raises."""

from __future__ import annotations

from kgrz_mailbot.domain.model import Classification, MailFacts, StatusFields, Understanding
from kgrz_mailbot.replies import classify, correlate, form, htmltext, length, mime, quotedform, trim

# The steps, in order (Mailman's pipeline idea: the order is data, listed once):
#   1. facts      mime.parse_mail          raw bytes -> headers, decoded parts
#   2. classify   classify.machine_verdict own loop, bounce, auto-reply, list/bulk
#   3. extract    extract_text             choose plain or HTML, cut the quote on the DOM
#   4. trim       trim.trim                quotes, header blocks, signatures, sign-offs
#   5. form       form.parse_form          labelled fields + German problems (length: over the limit)
#   6. token      correlate.find_token     subject first, then the quoted body
#   6a. in quote  quotedform.read_quoted_form  no form above the quote: values typed into our quoted form
#   7. classify   classify.human_verdict   command, reply or unknown
MAX_TEXT = length.MAX_TEXT  # RELIABILITY §5.4: answer text stored in the report

_EMPTY_FACTS = MailFacts(message_id=None, subject="", from_name="", from_address=None, date=None)


def extract_text(mail: mime.ParsedMail) -> tuple[str, str]:
    """(text to trim, full text including quotes). HTML wins when it has structure the plain part lost."""
    plain, html = mail.plain, mail.html
    has_plain = bool(plain and plain.strip())
    full = plain if has_plain else (htmltext.html_to_text(html, cut=False)[0] if html else "")
    if html:
        text = htmltext.new_text(html, unless_plain=has_plain)
        if text is not None:
            return text, full
    return plain or "", full


def _failed(facts: MailFacts, reason: str) -> Understanding:
    return Understanding(facts=facts, classification=Classification.UNKNOWN, reason=reason, text="",
                         fields=StatusFields(), failed=True)


def _understand(raw: bytes, own_address: str) -> Understanding:
    try:
        mail = mime.parse_mail(raw)
    except mime.MailTooLarge as exc:
        return _failed(_EMPTY_FACTS, str(exc))
    machine = classify.machine_verdict(mail, own_address)
    if machine is not None:
        token = correlate.find_token(mail.facts.subject, mail.plain or "")
        return Understanding(facts=mail.facts, classification=machine.classification, reason=machine.reason,
                             text="", fields=StatusFields(), token=token)
    source, full = extract_text(mail)
    text = trim.trim(source)
    fields, problems, labels = form.parse_form(text[:MAX_TEXT])  # the whole text, unless over the limit
    if (too_long := length.overlong(text, MAX_TEXT)) is not None:  # never cut silently
        problems = length.with_overlong(problems, too_long)
        labels = list(too_long.labels)
    token = correlate.find_token(mail.facts.subject, full)
    in_quote = None
    if not labels and (token or mail.facts.in_reply_to or mail.facts.references):
        # No form above the quote: the lead may have answered inside the quoted copy of our request.
        in_quote = quotedform.read_quoted_form(full[: MAX_TEXT * 5])
    if in_quote is not None:
        text = in_quote.text  # one form's worth of lines, bounded by the form of our request
        fields, problems, labels = form.parse_form(text[:MAX_TEXT])
        problems = [*in_quote.problems, *problems]
    verdict = classify.human_verdict(mail, text, token=token, labels_found=labels)
    if verdict.classification is not Classification.REPLY:
        fields, problems, labels = StatusFields(), [], []
    return Understanding(
        facts=mail.facts,
        classification=verdict.classification,
        reason=verdict.reason,
        text=text,
        fields=fields,
        problems=tuple(problems),
        token=token,
        command=verdict.command,
        labels_found=tuple(labels),
        answered_in_quote=in_quote is not None and verdict.classification is Classification.REPLY,
    )


def understand(raw: bytes, *, own_address: str) -> Understanding:
    """How one raw mail is understood. Never raises: a mail we cannot read becomes `unknown` with a reason."""
    try:
        return _understand(raw, own_address)
    except RecursionError:
        return _failed(_EMPTY_FACTS, "mail nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - the caller stores the raw mail; nothing may stop the poll loop
        return _failed(_EMPTY_FACTS, f"mail could not be parsed: {type(exc).__name__}")
