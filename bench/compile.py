"""Benchmark of ``compile`` (not a test): the whole command as an admin runs it, and the draft renderers alone.

Usage: python bench/compile.py [N ...]          (default: 50 500 5000)
       python bench/compile.py --render [N ...] (only the renderer table)
       python bench/compile.py --profile N     (cProfile of the .docx writer, top 25 functions)
       KGRZ_BENCH_CODE=/path/to/checkout python bench/compile.py 500   (time another revision's code)

**Whole command** (issue 15, item 6: 500 projects within 2 s): a config of N projects, their September
requests sent and every lead's Outlook reply polled (all untimed preparation), then
``python -m kgrz_mailbot compile --session 2018-09-19`` as its own process, timed from its start to its exit:
wall time, CPU time (user + system) and peak RSS of that process alone (``os.wait4``), with the same process
start of ``python -c pass`` in the same run beside it. A second ``compile`` of the unchanged answers (no new
version) shows the fixed cost. ``KGRZ_BENCH_CODE`` runs the timed commands on another checkout (e.g. a
worktree of an older commit), so before and after are measured in one run on the same machine.

**Renderers**: each (N, format) runs in a fresh child process, so its peak RSS (``ru_maxrss``) is its own and no
import or cache of one run warms the next; the time measured is the rendering alone (the synthetic draft is built
before the clock starts). The floor is python-docx itself writing as many plain paragraphs as the draft's
.docx has body paragraphs and table rows, in the same run; "× floor" says how many floor-times the Vorlage
costs. The floor uses ``insert_paragraph_before`` on an anchor paragraph: the obvious ``add_paragraph``
searches the whole body for its closing ``w:sectPr`` on every call, which is quadratic (212 s for the
59 000 paragraphs of 5 000 projects, measured here) and would make every ratio meaningless. The draft
is synthetic but shaped like real ones: three to five paragraphs per project, a list in every other one,
"Weiteres Vorgehen" in every third, and half of the projects quote a previous report with its own list.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CODE = Path(os.environ.get("KGRZ_BENCH_CODE") or REPO).resolve()  # the checkout whose commands are timed
from bench.own_process import measured  # noqa: E402 - after the repository is on the path

SIZES = (50, 500, 5000)
FORMATS = ("docx", "html", "json", "floor")

#: runs in the child: build the draft, time one format, report seconds, paragraphs and peak RSS
CHILD = r"""
import json, resource, sys, tempfile, time
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench.compile import synthetic_draft, body_paragraphs
n, fmt = int(sys.argv[1]), sys.argv[2]
draft = synthetic_draft(n)
out = Path(tempfile.mkdtemp()) / f"bench.{fmt}"
paragraphs = body_paragraphs(draft)
from docx import Document
from kgrz_mailbot.reports.render import Renderer
from kgrz_mailbot.reports.vorlage_docx import write_docx
from kgrz_mailbot.reports.vorlage_html import render_html
from kgrz_mailbot.reports.vorlage_json import write_json
renderer = Renderer()
start = time.perf_counter()  # imports and the Jinja2 environment are ready: only the rendering is timed
if fmt == "docx":
    write_docx(draft, out, datetime.now(UTC))
elif fmt == "html":
    out.write_text(render_html(draft, renderer), encoding="utf-8")
elif fmt == "json":
    write_json(draft, out)
else:
    doc = Document()
    anchor = doc.add_paragraph()  # insert_paragraph_before is O(1); add_paragraph rescans the body each call
    for i in range(paragraphs):
        anchor.insert_paragraph_before(f"Absatz {i}: Mit der Umstellung wurde planmäßig begonnen.")
    doc.save(str(out))
seconds = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "bytes": out.stat().st_size, "paragraphs": paragraphs}))
"""

SENTENCES = (
    "Mit der verwaltungsweiten Umstellung wurde Anfang August planmäßig begonnen.",
    "Der Customizing-Aufwand ist jedoch höher als zunächst angenommen wurde.",
    "Die Einhaltung der gesetzlich geforderten Umsetzung gilt weiterhin als sicher.",
    "Zum Stand 31.08.2018 waren 400 der 1.650 Postfächer umgestellt.",
    "Die Schnittstelle befindet sich derzeit in der innerstädtischen Prüfung.",
)


def _text(i: int, paragraphs: int, with_list: bool) -> str:
    chunks = [" ".join(SENTENCES[(i + k + j) % len(SENTENCES)] for j in range(3)) for k in range(paragraphs)]
    if with_list:
        chunks.insert(1, "Folgende Services stehen zur Verfügung:\n- Bescheinigung nach dem ProstSchG\n"
                         "- Beantragung von Planauszügen\n- Antrag zum Stellenplan")  # fmt: skip
    return "\n\n".join(chunks)


def synthetic_draft(n: int):  # type: ignore[no-untyped-def]  # imports stay inside: the parent needs none
    """A draft of ``n`` projects, 1 in 10 unanswered, half with a previous report."""
    from datetime import date, datetime, timedelta, timezone

    from kgrz_mailbot.domain.drafting import Answer, Organisation, assemble_draft
    from kgrz_mailbot.domain.model import Ampel, Committee, Person, Project, StatusFields

    zone = timezone(timedelta(hours=2))
    projects = [Project(key=f"p{i}", title=f"Projekt {i}: Modernisierung Fachverfahren",
                        lead=Person(f"Leitung {i}", f"leitung{i}@koblenz.example")) for i in range(n)]  # fmt: skip
    ampeln = (Ampel.GRUEN, Ampel.GELB, Ampel.ROT)
    answers = {
        p.key: Answer(StatusFields(stand=_text(i, 3 + i % 3, i % 2 == 0), ampel=ampeln[i % 3], fortschritt=i % 101,
                                   weiteres_vorgehen=_text(i + 1, 1, False) if i % 3 == 0 else None,
                                   meilenstein="Abnahme im 4. Quartal", budget="im Plan"),
                      p.key, datetime(2018, 9, 3, 9, 30, tzinfo=zone))
        for i, p in enumerate(projects) if i % 10 != 9
    }  # fmt: skip
    previous = {
        p.key: (date(2018, 6, 20), Answer(StatusFields(stand=_text(i + 2, 2, True), ampel=ampeln[(i + 1) % 3]),
                                          p.key, datetime(2018, 6, 5, 10, 0, tzinfo=zone)))
        for i, p in enumerate(projects) if i % 2 == 0
    }  # fmt: skip
    organisation = Organisation(name="Kommunales Gebietsrechenzentrum Koblenz", short="KGRZ",
                                unit="17-EB Kommunales Gebietsrechenzentrum")  # fmt: skip
    committee = Committee(key="werkausschuss", name="Werkausschuss", draft_to=("werkleitung@koblenz.example",))
    return assemble_draft(organisation, committee, date(2018, 9, 19), date(2018, 9, 11), 1, projects, answers,
                          previous)  # fmt: skip


def body_paragraphs(draft) -> int:  # type: ignore[no-untyped-def]
    """How many paragraphs and table rows the Vorlage writes: the floor writes as many plain paragraphs."""
    from kgrz_mailbot.domain.textblocks import BulletList, parse_blocks

    def count(text: str | None) -> int:
        return sum(len(b.items) if isinstance(b, BulletList) else 1 for b in parse_blocks(text))

    total = 0
    for s in draft.sections:
        total += 1 + max(1, count(s.stand)) + (1 + count(s.weiteres_vorgehen) if s.weiteres_vorgehen else 0)
        if s.previous:
            total += 1 + count(s.previous.stand)
        total += 1  # its row in the Anlage
    return total


def run(n: int, fmt: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), fmt, str(REPO)], check=True, capture_output=True,
                         text=True, cwd=REPO)  # fmt: skip
    return json.loads(out.stdout)


def table(sizes: list[int]) -> None:
    print(f"{'projects':>8} {'format':>6} {'seconds':>8} {'s/1000':>7} {'peak MB':>8} {'size KB':>8} {'× floor':>8}")
    for n in sizes:
        results = {fmt: run(n, fmt) for fmt in FORMATS}
        floor = results["floor"]["seconds"]
        for fmt in FORMATS:
            r = results[fmt]
            ratio = "" if fmt == "floor" else f"{r['seconds'] / floor:8.2f}"
            print(f"{n:>8} {fmt:>6} {r['seconds']:8.3f} {r['seconds'] / n * 1000:7.2f} {r['rss_mb']:8.1f} "
                  f"{r['bytes'] / 1024:8.0f} {ratio:>8}")  # fmt: skip
        print(f"{'':>8} {'':>6} ({results['floor']['paragraphs']} paragraphs in the floor)")


def profile(n: int) -> None:
    import cProfile
    import pstats
    import tempfile
    from datetime import UTC, datetime

    from kgrz_mailbot.reports.vorlage_docx import write_docx

    draft = synthetic_draft(n)
    out = Path(tempfile.mkdtemp()) / "profile.docx"
    with cProfile.Profile() as prof:
        write_docx(draft, out, datetime.now(UTC))
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def timed(argv: list[str]) -> dict:  # type: ignore[type-arg]
    return measured(argv, CODE)


def cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kgrz_mailbot", *args, "--config", str(config)]  # after: older revisions too


def answered_config(root: Path, n: int) -> Path:
    """The example config with N projects, the September requests sent and every lead's reply polled."""
    from kgrz_mailbot.demo.replies import outlook_reply
    from tests.support import at, parse

    config = root / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("var"))
    (config / "projects.toml").write_text("".join(
        f'[[project]]\nkey = "p{i}"\ntitle = "Projekt {i}: Modernisierung Fachverfahren"\n'
        f'lead = "Leitung {i} <leitung{i}@koblenz.example>"\n\n' for i in range(n)), encoding="utf-8")
    timed(cli(config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00"))
    inbox = config / "var/mail/inbox/new"
    inbox.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(sorted((config / "var/mail/sent/new").iterdir())):
        request = path.read_bytes()
        lead = str(parse(request)["To"]).split("<")[-1].rstrip(">")
        text = "Ampel: grün\nFortschritt: 40 %\nStand:\n" + _text(i, 3 + i % 3, i % 2 == 0)
        (inbox / f"{i:06d}.bench").write_bytes(outlook_reply(request, lead, f"Leitung {i}", text,
                                                             at("2018-08-30T09:00")))
    timed(cli(config, "poll", "--now", "2018-08-30T10:00"))
    return config


def whole_command(sizes: list[int]) -> None:
    print(f"whole command: python -m kgrz_mailbot compile --session 2018-09-19 (code: {CODE})")
    print(f"{'projects':>8} {'run':>10} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'python -c pass s':>17}")
    for n in sizes:
        root = Path(tempfile.mkdtemp(prefix="kgrz-bench-compile-"))
        try:
            config = answered_config(root, n)
            start = timed([sys.executable, "-c", "pass"])
            argv = cli(config, "compile", "--session", "2018-09-19", "--now", "2018-09-11T09:00")
            for run_name in ("new draft", "unchanged"):
                r = timed(argv)
                print(f"{n:>8} {run_name:>10} {r['wall']:7.2f} {r['cpu']:6.2f} {r['rss_mb']:8.1f} "
                      f"{start['wall']:17.3f}")
        finally:
            shutil.rmtree(root, ignore_errors=True)
    print("target: 500 projects within 2 s (wall, whole command)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--profile"]:
        profile(int(args[1]) if len(args) > 1 else 500)
    elif args[:1] == ["--render"]:
        table([int(a) for a in args[1:]] or list(SIZES))
    else:
        sizes = [int(a) for a in args] or list(SIZES)
        whole_command(sizes)
        print()
        table(sizes)
