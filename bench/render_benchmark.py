"""One decision letter, rendered by our reportlab renderer and by two HTML renderers (a script, not a test).

    .venv-bench/bin/python bench/render_benchmark.py [--runs 200] [--block 10] [--smoke] [--peer-font dejavu|letter]

The letter is the real `app.pdf.letter.render_decision_letter` on a granted decision as the app writes it
(conditions in the reason, instalments, report deadline, the default appeal guidance); every render is a
different letter (association, case number, amounts). The peers, xhtml2pdf and WeasyPrint, render an HTML+CSS
version of the SAME letters: the words come from `app.pdf.letter.compose`, the layout copies ours (A4, the same
margins, letterhead columns, font sizes, amounts table, footer with page number). Two peer setups:
- as documented (the target lines): each document self-contained, its CSS and @font-face (DejaVu Sans from
  fonts-dejavu-core; `--peer-font letter`: our IBM Plex Sans) in a <style>, one call per document;
- tuned (`*`, no target): IBM Plex Sans, and WeasyPrint keeps one FontConfiguration and the parsed stylesheet.
Each renderer renders `--block` letters in a row, as a worker does for a meeting; blocks alternate so a busy
machine slows every renderer alike. The numbers are medians. The peers are installed in a separate venv
(bench/requirements.txt), never in .venv:

    python3 -m venv .venv-bench && .venv-bench/bin/pip install -r requirements.txt -r bench/requirements.txt

The ratio lines come last. A full run exits 1 if a target is missed, and so does any run whose peers cannot be
imported; `--smoke` (3 letters each, seconds) proves that the three renderers still run and exits 0.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import logging
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.pdf.content import AMOUNTS, HEADING, LEAD, LINES, Letter  # noqa: E402
from app.pdf.layout import Sender  # noqa: E402
from app.pdf.letter import GRANT, LetterData, compose, render_decision_letter  # noqa: E402
from app.pdf.pdfa import BOLD, FONT_DIRS, FONT_FILES, REGULAR  # noqa: E402

TARGETS = {"xhtml2pdf": 7.0, "WeasyPrint": 16.0}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CREATED = datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)
# The app's default appeal guidance (config.Config.DEFAULT_APPEAL_TEXT), with the complaint body's address.
APPEAL = ("I kan klage over afgørelsen. Send klagen til kommunen inden 4 uger efter, at I har modtaget afgørelsen. "
          "Kommunen ser sagen igennem igen og sender klagen videre, hvis vi fastholder afgørelsen.\n\n"
          "Klagen skal være skriftlig. Skriv sagsnummeret, og fortæl, hvorfor I mener, at afgørelsen er forkert. "
          "Kommunalbestyrelsen behandler klager over afgørelser efter folkeoplysningsloven (§ 47).")


def realistic_letter() -> LetterData:
    """A granted activity subsidy with conditions, paid in quarterly instalments, decided by the committee."""
    sender = Sender(name="Eksempel Kommune", department="Kultur og Fritid",
                    address="Rådhuspladsen 1, 9999 Eksempelby", email="kultur@kommune.example", phone="70 10 20 30",
                    signature_lines=("Kultur og Fritid", "Eksempel Kommune"))
    reason = ("Udvalget har lagt vægt på, at projektet giver børn og unge i Østerbyen et nyt tilbud om vinteren, "
              "og at foreningen selv bidrager med frivillige trænere og 15 % af udgifterne.\n\n"
              "Bevillingen gives på disse betingelser: Tilskuddet må kun bruges til leje af hal, trænerkurser og "
              "materialer som beskrevet i ansøgningen. Aktiviteten skal være åben for alle børn i alderen 8-14 år, "
              "også dem, der ikke er medlemmer. Kommunens logo skal stå på plakater og opslag om projektet. "
              "Ændringer i projektet skal godkendes af os, før I bruger pengene på noget andet.")
    return LetterData(
        sender=sender, addressee="Boldklubben Nordstjernen af 1921", address_lines=("Foreningsvej 1", "9999 Eksempelby"),
        cvr="12345674", contact_person=None, case_number="2026-000042",
        case_title="Vinterfodbold for børn i Østerbyen", pool_name="Aktivitetspuljen 2026", premises=False,
        outcome=GRANT, decided_on=date(2026, 12, 3), amount_applied=48_500, amount_granted=48_500, reason=reason,
        appeal_text=APPEAL, legal_basis="Folkeoplysningslovens § 18", committee="Kultur- og Fritidsudvalget",
        meeting_on=date(2026, 12, 3), payment_instalments=4, payment_interval_months=3, advance_allowed=True,
        report_due_days=90, caseworker_name="Mette Sørensen", caseworker_email="mette@kommune.example",
        caseworker_phone="70 10 20 31")


NAMES = ("Boldklubben Nordstjernen af 1921", "Østerbyens Kajakklub", "Spejdergruppen Ærøhøj", "Café Sønderborg – Foreningen",
         "Pigefodbold i Åbyhøj", "Skakklubben Løberen")


def letters(count: int) -> list[LetterData]:
    """`count` different letters (association, case number and amounts vary): no renderer may gain from having
    seen the same letter before, as in a meeting where every letter is to someone else."""
    base = realistic_letter()
    return [replace(base, addressee=f"{NAMES[n % len(NAMES)]} ({n + 1})", case_number=f"2026-{n + 1:06d}",
                    address_lines=(f"Foreningsvej {n + 1}", "9999 Eksempelby"), cvr=f"{12_345_674 + 97 * n}",
                    amount_applied=48_500 + 250 * n, amount_granted=48_500 + 250 * n)
            for n in range(count)]


def letter_fonts(which: str) -> dict[str, Path]:
    """The regular and bold font files the peers use: the letter's own (IBM Plex Sans) or DejaVu Sans."""
    if which == "dejavu":
        return {"regular": DEJAVU / "DejaVuSans.ttf", "bold": DEJAVU / "DejaVuSans-Bold.ttf"}
    directory = next((d for d in FONT_DIRS if (d / FONT_FILES[REGULAR]).is_file()), None)
    if directory is None:
        sys.exit("IBM Plex Sans TTF files not found: run scripts/build_static.sh (our letter needs them too)")
    return {"regular": directory / FONT_FILES[REGULAR], "bold": directory / FONT_FILES[BOLD]}


# The layout of app/pdf/layout.py in CSS (reportlab's leading is CSS line-height, spaceAfter a margin).
CSS = """
@font-face {{ font-family: Letter; src: url("{regular}"); }}
@font-face {{ font-family: Letter; src: url("{bold}"); font-weight: bold; }}
html, body {{ font-family: Letter; font-size: 10.5pt; line-height: 14.5pt; color: #1a1a1a; }}
body {{ margin: 0; }}
p {{ margin: 0 0 7pt 0; }}
table.head {{ width: 100%; margin-bottom: 10mm; }}
table.head td {{ vertical-align: top; padding: 0; }}
td.left {{ width: 100mm; }}
p.sender {{ font-weight: bold; font-size: 13pt; line-height: 16pt; margin-bottom: 2pt; }}
p.small {{ font-size: 8.5pt; line-height: 11pt; margin: 0; }}
p.address {{ margin-bottom: 8mm; }}
h1 {{ font-size: 16pt; line-height: 20pt; margin: 0 0 10pt 0; font-weight: bold; }}
h2 {{ font-size: 11.5pt; line-height: 15pt; margin: 8pt 0 4pt 0; font-weight: bold; page-break-after: avoid; }}
p.lead {{ font-weight: bold; }}
table.amounts {{ margin-bottom: 2mm; }}
table.amounts td {{ padding: 4pt 0; border-bottom: 0.5pt solid #999; }}
table.amounts td.label {{ width: 70mm; }}
table.amounts td.amount {{ width: 40mm; text-align: right; }}
table.amounts tr.last td {{ font-weight: bold; border-top: 1pt solid #1a1a1a; border-bottom: none; }}
div.closing {{ page-break-inside: avoid; }}
"""
# The footer: each peer has its own dialect for running page content.
WEASY_PAGE = """
@page {{ size: A4; margin: 18mm 22mm 24mm 22mm;
  @bottom-left {{ content: "{footer}"; font-family: Letter; font-size: 7.5pt; vertical-align: top;
                  border-top: 0.5pt solid #999; padding-top: 2mm; margin-top: 7mm; }}
  @bottom-right {{ content: "Side " counter(page); font-family: Letter; font-size: 7.5pt; vertical-align: top;
                   border-top: 0.5pt solid #999; padding-top: 2mm; margin-top: 7mm; }} }}
"""
XHTML2PDF_PAGE = """
@page {{ size: a4 portrait; margin: 18mm 22mm 24mm 22mm;
  @frame footer {{ -pdf-frame-content: footer; left: 22mm; right: 22mm; bottom: 6mm; height: 12mm; }} }}
#footer {{ font-family: Letter; font-size: 7.5pt; border-top: 0.5pt solid #999; padding-top: 2mm; }}
"""


def _p(value: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(value).replace(chr(10), '<br/>')}</p>"


def _block(block) -> str:
    if block.kind == HEADING:
        return f"<h2>{escape(block.text)}</h2>"
    if block.kind == LEAD:
        return _p(block.text, "lead")
    if block.kind == AMOUNTS:
        last = len(block.items) - 1
        rows = [f'<tr class="{"last" if i == last else ""}"><td class="label">{escape(label)}</td>'
                f'<td class="amount">{escape(amount)}</td></tr>' for i, (label, amount) in enumerate(block.items)]
        return f'<table class="amounts">{"".join(rows)}</table>'
    if block.kind == LINES:
        return _p("\n".join(block.items))
    return _p(block.text)


def letter_html(letter: Letter, sender: Sender, head: str, footer_html: str) -> str:
    """The letter as one HTML document, with the same words and parts as our PDF."""
    left = _p(sender.name, "sender") + _p(sender.department, "small") + _p(sender.address, "small")
    right = "".join(_p(f"{label} {value}" if label else value, "small") for label, value in letter.facts)
    return (f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>{escape(letter.title)}</title>'
            f"<style>{head}</style></head><body>{footer_html}"
            f'<table class="head"><tr><td class="left">{left}</td><td>{right}</td></tr></table>'
            f'{_p(chr(10).join(letter.address), "address")}<h1>{escape(letter.title)}</h1>'
            f'{"".join(_block(b) for b in letter.body)}'
            f'<div class="closing">{"".join(_block(b) for b in letter.closing)}</div></body></html>')


def footer_line(sender: Sender) -> str:
    return " · ".join(p for p in (sender.name, sender.department, sender.address, sender.email, sender.phone) if p)


@dataclass
class Renderer:
    name: str
    render: Callable[[int], bytes]  # renders letter number n


def _import_peers():
    try:
        from weasyprint import CSS as WeasyCSS, HTML
        from weasyprint.text.fonts import FontConfiguration
        from xhtml2pdf import pisa
        from xhtml2pdf.config.resources import ResourceAccessPolicy
    except ImportError as error:
        sys.exit(f"The peer renderers are required and not importable ({error}). Install them in a separate venv:\n"
                 "  python3 -m venv .venv-bench && .venv-bench/bin/pip install -r requirements.txt "
                 "-r bench/requirements.txt\nthen run .venv-bench/bin/python bench/render_benchmark.py")
    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)  # it logs every CSS property it ignores
    return WeasyCSS, HTML, FontConfiguration, pisa, ResourceAccessPolicy


def peers(datas: list[LetterData], font: str, tuned: bool) -> list[Renderer]:
    """xhtml2pdf and WeasyPrint on the letters' HTML.

    As documented (`tuned` False): each document is self-contained (its CSS and @font-face in a <style>) and
    rendered with one call, as the libraries' guides show. Tuned: WeasyPrint keeps one FontConfiguration and the
    parsed stylesheet for every document, as a long-lived process can (xhtml2pdf has no such option)."""
    WeasyCSS, HTML, FontConfiguration, pisa, ResourceAccessPolicy = _import_peers()
    files = letter_fonts(font)
    css = CSS.format(**{k: v.as_uri() for k, v in files.items()})
    # xhtml2pdf reads local files only below the working directory unless told where the fonts are.
    policy = ResourceAccessPolicy(allow_remote=False, base_dir=ROOT, extra_roots=(files["regular"].parent,))
    sender = datas[0].sender
    footer = footer_line(sender)
    weasy_css = css + WEASY_PAGE.format(footer=footer.replace('"', '\\"'))
    x_head = css.replace("file://", "") + XHTML2PDF_PAGE.format()
    x_footer = (f'<table id="footer"><tr><td>{escape(footer)}</td>'
                f'<td style="text-align: right; width: 15mm">Side <pdf:pagenumber/></td></tr></table>')
    # The HTML is made before timing: only the rendering is measured, as for our letter.
    weasy_html = [letter_html(compose(data), sender, "" if tuned else weasy_css, "") for data in datas]
    x_html = [letter_html(compose(data), sender, x_head, x_footer) for data in datas]
    if tuned:
        config = FontConfiguration()
        sheet = WeasyCSS(string=weasy_css, font_config=config)

        def weasy(n: int) -> bytes:
            return HTML(string=weasy_html[n]).write_pdf(stylesheets=[sheet], font_config=config)
    else:
        def weasy(n: int) -> bytes:
            return HTML(string=weasy_html[n]).write_pdf()

    def xhtml(n: int) -> bytes:
        out = io.BytesIO()
        if pisa.CreatePDF(x_html[n], dest=out, encoding="utf-8", resource_policy=policy).err:
            raise RuntimeError("xhtml2pdf failed")
        return out.getvalue()
    mark = "*" if tuned else ""
    return [Renderer(f"xhtml2pdf{mark}", xhtml), Renderer(f"WeasyPrint{mark}", weasy)]


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="rounds (each renders the letter once per renderer)")
    parser.add_argument("--block", type=int, default=10,
                        help="letters each renderer renders in a row, as a worker does for a meeting (1: interleave)")
    parser.add_argument("--smoke", action="store_true", help="3 rounds: proves the script runs, numbers are rough")
    parser.add_argument("--peer-font", choices=("dejavu", "letter"), default="dejavu",
                        help="the peers' font as documented: DejaVu Sans (default) or the letter's IBM Plex Sans")
    parser.add_argument("--no-tuned", action="store_true", help="skip the tuned peers (*), which have no target")
    args = parser.parse_args()
    runs = 3 if args.smoke else args.runs
    datas = letters(runs + 1)  # number 0 warms up
    ours = Renderer("letter", lambda n: render_decision_letter(datas[n], CREATED))
    renderers = [ours, *peers(datas, args.peer_font, tuned=False)]
    if not args.no_tuned:  # the letter's own fonts, WeasyPrint's font configuration and stylesheet kept
        renderers += peers(datas, "letter", tuned=True)
    for r in renderers:  # warm-up: imports, font loading, what each renderer keeps between documents
        pdf = r.render(0)
        print(f"{r.name:>11}: {len(pdf):7,} bytes, {pages(pdf)} page(s)")
    times: dict[str, list[float]] = {r.name: [] for r in renderers}
    block = max(1, min(args.block, runs))
    for first in range(1, runs + 1, block):  # blocks alternate: machine load falls on every renderer alike
        for r in renderers:
            for n in range(first, min(first + block, runs + 1)):
                start = time.perf_counter()
                r.render(n)
                times[r.name].append(time.perf_counter() - start)
    median = {name: statistics.median(ts) * 1000 for name, ts in times.items()}
    for name, ts in times.items():
        print(f"{name:>11}: p50 {median[name]:8.2f} ms   min {min(ts) * 1000:8.2f} ms   ({len(ts)} renders)")
    rl_accel = "on" if _has_rl_accel() else "OFF"
    print(f"reportlab C accelerator (rl_accel): {rl_accel}; peers as documented: font {args.peer_font}; "
          f"* tuned peers: IBM Plex Sans, WeasyPrint's fonts and stylesheet kept between documents (no target)")
    smoke = " (smoke)" if args.smoke else ""
    for name in (n for n in median if n.endswith("*")):
        print(f"ratio letter vs {name}: {median[name] / median['letter']:.1f}x{smoke}")
    missed = False
    for name, target in TARGETS.items():
        ratio = median[name] / median["letter"]
        verdict = "OK" if ratio >= target else "MISS"
        missed |= verdict == "MISS"
        print(f"RATIO letter vs {name}: {ratio:.1f}x (target >= {target:g}) {verdict}{smoke}")
    return 0 if args.smoke or not missed else 1


def _has_rl_accel() -> bool:
    return importlib.util.find_spec("_rl_accel") is not None


if __name__ == "__main__":
    sys.exit(main())
