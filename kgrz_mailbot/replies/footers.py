"""The "sent from" and "get our app" lines mail apps and webmailers add below what the user typed: one table.

Each entry is one footer as its app writes it, in German and English, with or without the link some apps append
(``Outlook für Android herunterladen<https://aka.ms/AAb9ysg>``; links are removed before matching). A footer is
always a whole line; ``trim`` cuts the text at the first one (unless our form continues below it), so these lines
never reach a Stand or the Vorlage. ``tests/replies/test_footers.py`` checks every example of every entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Footer:
    source: str  # the app or webmailer that writes it
    pattern: str  # the whole line, case-insensitive, links removed; an optional final full stop is allowed
    hint: str  # lower-case text every such line holds: lines and whole texts without any hint are skipped fast
    examples: tuple[str, ...]  # lines exactly as the app writes them


_AKA_ANDROID, _AKA_IOS = "<https://aka.ms/AAb9ysg>", "<https://aka.ms/o0ukef>"
_TELEKOM = "<https://kommunikationsdienste.t-online.de/redirects/email_app_android_sendmail_footer>"

FOOTERS: tuple[Footer, ...] = (
    Footer("Outlook for Android (de)",
           r"(?:Holen Sie sich |Gesendet von )?Outlook für Android(?: herunterladen| abrufen)?", "outlook für android",
           (f"Outlook für Android herunterladen{_AKA_ANDROID}", "Outlook für Android abrufen<https://aka.ms/ghei36>",
            "Holen Sie sich Outlook für Android<https://aka.ms/ghei36>",
            f"Gesendet von Outlook für Android{_AKA_ANDROID}", "Outlook für Android herunterladen")),
    Footer("Outlook for Android (en)", r"(?:Get|Sent from) Outlook for Android", "outlook for android",
           (f"Get Outlook for Android{_AKA_ANDROID}", "Sent from Outlook for Android<https://aka.ms/ghei36>")),
    Footer("Outlook for iOS (de)", r"(?:Holen Sie sich |Gesendet von )?Outlook für iOS(?: herunterladen| abrufen)?",
           "outlook für ios",
           (f"Outlook für iOS herunterladen{_AKA_IOS}", f"Holen Sie sich Outlook für iOS{_AKA_IOS}",
            "Outlook für iOS abrufen", f"Gesendet von Outlook für iOS{_AKA_IOS}")),
    Footer("Outlook for iOS (en)", r"(?:Get|Sent from) Outlook for iOS", "outlook for ios",
           (f"Get Outlook for iOS{_AKA_IOS}", "Sent from Outlook for iOS")),
    Footer("Mail for Windows, Outlook.com (de)",
           r"(?:Gesendet von|Von) (?:Mail für Windows(?: 1[01])?|Outlook(?:\.com)?)(?: gesendet)?", "gesendet",
           ("Gesendet von Mail<https://go.microsoft.com/fwlink/?LinkId=550986> für Windows 10",
            "Von Mail für Windows gesendet", "Von Outlook gesendet", "Gesendet von Outlook")),
    Footer("Mail for Windows, Outlook.com (en)", r"Sent from (?:Mail for Windows(?: 1[01])?|Outlook(?:\.com)?)",
           "sent from", ("Sent from Mail<https://go.microsoft.com/fwlink/?LinkId=550123> for Windows 10",
                         "Sent from Outlook")),
    Footer("Apple Mail on iPhone (de)", r"Von meinem iPhone(?: [\w-]{1,20})? gesendet|Gesendet von (?:meinem )?iPhone",
           "iphone", ("Von meinem iPhone gesendet", "Gesendet von meinem iPhone", "Gesendet von iPhone")),
    Footer("Apple Mail on iPad (de)", r"Von meinem iPad gesendet|Gesendet von (?:meinem )?iPad", "ipad",
           ("Von meinem iPad gesendet", "Gesendet von meinem iPad")),
    Footer("Apple Mail on iPhone and iPad (en)", r"Sent from my (?:iPhone|iPad)(?: \d{1,2})?", "sent from my",
           ("Sent from my iPhone", "Sent from my iPad")),
    Footer("Samsung Email (de)", r"(?:Von|Gesendet von) meinem Samsung Galaxy[\w -]{0,30}?(?: gesendet)?", "samsung",
           ("Von meinem Samsung Galaxy Smartphone gesendet.", "Gesendet von meinem Samsung Galaxy Smartphone.")),
    Footer("Samsung Email (en)", r"Sent from my Samsung Galaxy[\w -]{0,30}|Sent from Samsung Mobile", "samsung",
           ("Sent from my Samsung Galaxy smartphone.", "Sent from Samsung Mobile")),
    # A device is named in one to four words: "Von meinem Team wurde das Konzept gesendet" is a sentence.
    Footer("Android phones and other devices (de)", r"Von meine[mr] (?:[\w.&+-]{1,25} ){0,3}[\w.&+-]{1,25} gesendet",
           "gesendet",
           ("Von meinem Huawei-Telefon gesendet", "Von meinem Android-Gerät gesendet",
            "Von meinem Mobiltelefon gesendet", "Von meinem BlackBerry gesendet")),
    Footer("Android phones and other devices (en)", r"Sent from my (?:[\w.&'+-]{1,25} ){0,4}[\w.&'+-]{1,25}",
           "sent from my",
           ("Sent from my Huawei phone", "Sent from my Android device", "Sent from my Windows Phone")),
    Footer("K-9 Mail and the GMX Android app (de)", r"Diese Nachricht wurde von meinem .{1,80} gesendet", "gesendet",
           ("Diese Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail gesendet.",
            "Diese Nachricht wurde von meinem Android Mobiltelefon mit GMX Mail gesendet.")),
    Footer("K-9 Mail (en)", r"Sent from my Android device with K-9 Mail\. Please excuse my brevity", "k-9 mail",
           ("Sent from my Android device with K-9 Mail. Please excuse my brevity.",)),
    Footer("GMX, WEB.DE and Telekom Mail apps (de)", r"Gesendet mit der [\w.-]{2,20}(?: [\w.-]{1,20})? Mail App",
           "mail app", ("Gesendet mit der GMX Mail App", "Gesendet mit der WEB.DE Mail App",
                        "Gesendet mit der Telekom Mail App", f"Gesendet mit der Telekom Mail App{_TELEKOM}")),
    Footer("Yahoo Mail (de)", r"Gesendet von Yahoo Mail (?:auf|für) (?:Android|iPhone|iPad)", "yahoo",
           ("Gesendet von Yahoo Mail auf Android", "Gesendet von Yahoo Mail für iPhone")),
    Footer("Yahoo Mail and Gmail (en)",
           r"Sent from Yahoo Mail (?:on|for) (?:Android|iPhone|iPad)|Sent from Gmail Mobile", "sent from",
           ("Sent from Yahoo Mail on Android", "Sent from Yahoo Mail for iPhone", "Sent from Gmail Mobile")),
    Footer("other apps (de)", r"Gesendet (?:von|mit|vom|über) (?:meinem|meiner|der|dem|die|mein) "
           r"(?:[\w.&+-]{1,25} ){0,3}[\w.&+-]{0,25}(?:App|Handy|Telefon|Smartphone|Tablet|Gerät|Mobil|Mail)"
           r"[\w.&+ -]{0,30}",
           "gesendet",
           ("Gesendet von meinem Huawei Mobiltelefon", "Gesendet mit der Mail-App von freenet",
            "Gesendet über die App von 1&1")),
    # Any other app that names itself in one to three words ("Sent from TypeApp", "Sent from Outlook Mobile").
    Footer("other apps, by name (de)", r"Gesendet (?:von|mit) (?!meine[mr]? )[\w.&+-]{1,25}(?: [\w.&+-]{1,25}){0,2}",
           "gesendet", ("Gesendet von TypeApp<http://www.typeapp.com/r?b=2621>", "Gesendet von Outlook Mobile",
                        "Gesendet mit BlueMail")),
    Footer("other apps, by name (en)", r"Sent (?:from|with|via) (?!my )[\w.&+-]{1,25}(?: [\w.&+-]{1,25}){0,2}",
           "sent ", ("Sent from TypeApp<http://www.typeapp.com/r?b=2621>", "Sent from Outlook Mobile<https://foo.bar>",
                     "Sent with Spark", "Sent via Superhuman")),
    # The same app footers in the neighbours' languages (corpora: fr, no, da, sv, es, nl, it, pl, ru).
    Footer("mail apps (neighbours' languages)",
           r"Envoyé (?:depuis|de|à partir de|avec|from) .{1,60}|Sendt fra .{1,60}|Skickat från .{1,60}|"
           r"Enviado desde .{1,60}|Enviado do .{1,60}|Verzonden (?:vanaf|met|van) .{1,60}|Inviato da .{1,60}|"
           r"Wysłane z .{1,60}|Отправлено с .{1,60}", "",
           ("Envoyé de mon iPhone", "Sendt fra min iPhone", "Skickat från min iPhone", "Enviado desde mi iPhone",
            "Verzonden vanaf mijn iPhone", "Inviato da iPhone", "Wysłane z iPhone'a", "Отправлено с iPhone")),
)

_LINK = re.compile(r"<(?:https?|mailto):[^<>\s]{1,500}>")
FOOTER_RE = re.compile(r"^\s*+(?:" + "|".join(f"(?:{f.pattern})" for f in FOOTERS) + r")\s*\.?\s*$", re.IGNORECASE)
# Lower-case words one of which every footer line holds; the neighbours' entry has no single hint, so its
# first words stand in for it.
HINTS: tuple[str, ...] = tuple(dict.fromkeys(
    [f.hint for f in FOOTERS if f.hint]
    + ["envoyé", "sendt ", "skickat", "enviado", "verzonden", "inviato", "wysłane", "отправлено"]))


def is_footer(line: str) -> bool:
    """A whole line that is an app's or webmailer's footer (with or without its link)."""
    low = line.lower()
    if not any(hint in low for hint in HINTS):
        return False
    return bool(FOOTER_RE.match(_LINK.sub("", line) if "<" in line else line))
