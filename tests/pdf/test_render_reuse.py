"""What the renderers build once and reuse: font subsets shared by every document (app/pdf/subsets.py) and a
paragraph's line breaks and fragments (app/pdf/layout.py). Same objects, right text, any thread."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from app.pdf import layout
from app.pdf.layout import styles
from app.pdf.letter import compose, render_decision_letter
from app.pdf.pdfa import register_fonts
from tests.pdf.conftest import VARIANTS, letter

CREATED = datetime(2026, 12, 3, 14, 30, tzinfo=timezone.utc)


def font_programs(pdf: bytes) -> list[bytes]:
    """The embedded TrueType programs (FontFile2), decompressed, in page order of first use."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            program = font.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
            if program not in out:
                out.append(program)
    return out


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_letters_in_danish_embed_the_same_subset_whatever_their_characters():
    one = render_decision_letter(letter(), CREATED)
    other = render_decision_letter(letter(addressee="Ærø Æblemost & Café", case_title="Øvelser i ÅÅ-hallen",
                                          reason="Ü, é, ñ og » « er også almindelige."), CREATED)
    assert font_programs(one) == font_programs(other)
    assert "Ærø Æblemost & Café" in text_of(other)


def test_a_character_outside_the_common_set_is_embedded_and_read_back(preflight, tmp_path):
    usual = render_decision_letter(letter(), CREATED)
    pdf = render_decision_letter(letter(addressee="Łódź Żeglarze – Ğüzel"), CREATED)
    assert "Kære Łódź Żeglarze – Ğüzel" in text_of(pdf)
    assert font_programs(pdf) != font_programs(usual)
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf)
    ok, output = preflight(path)
    assert ok, output


def test_letters_rendered_in_threads_at_once_equal_letters_rendered_alone():
    names = [f"Forening {n} – {'ÆØÅŁ'[n % 4]}" for n in range(16)]
    alone = [render_decision_letter(letter(addressee=name), CREATED) for name in names]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda name: render_decision_letter(letter(addressee=name), CREATED), names))
    assert together == alone


def test_a_long_letter_breaks_across_pages_with_every_line_once_and_in_order():
    """Paragraphs measured by KeepTogether and laid out again, split or moved whole to the next page
    (app/pdf/layout.py keeps a paragraph's line breaks between the two): nothing lost, nothing twice."""
    sections = [f"Afsnit {n:02d}: " + " ".join(["Foreningen har brugt tilskuddet som aftalt."] * (n % 7 + 1))
                for n in range(1, 41)]
    pdf = render_decision_letter(letter(reason="\n\n".join(sections)), CREATED)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3
    text = " ".join(text_of(pdf).split())
    positions = [text.find(f"Afsnit {n:02d}:") for n in range(1, 41)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert all(text.count(f"Afsnit {n:02d}:") == 1 for n in range(1, 41))
    assert text.count("Foreningen har brugt tilskuddet som aftalt.") == sum(n % 7 + 1 for n in range(1, 41))


PLAIN_TEXTS = ("Kære Boldklubben Nordstjernen", "  spaces  before,   between and after  ", "tab\there", "ÆØÅ æøå é ü ñ ß",
               "Tilskud på 1.250 kr. – se § 18 «citat»", "nbsp\u00a0here", "one", "line\u2028separator", " lead", "trail ", "form\x0cfeed", "Łódź Żeglarze", "x" * 400)


@pytest.mark.parametrize("value", PLAIN_TEXTS + tuple(
    block.text for variant in sorted(VARIANTS) for block in compose(letter(**VARIANTS[variant])).body if block.text))
def test_plain_text_skips_the_parser_and_gives_exactly_its_fragments(value):
    register_fonts()  # the parser maps our font names to their bold variants
    for style in styles().values():
        ours = layout.para(value, style)
        theirs = Paragraph(layout.text(value), style)  # reportlab's own parse
        assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
        assert ours.style is theirs.style


@pytest.mark.parametrize("value", ("a < b & c", 'say "hi"', "two\nlines", "<b>not bold</b>"))
def test_text_with_markup_characters_still_goes_through_the_parser_and_prints_as_written(value):
    paragraph = layout.para(value, styles()["body"])
    assert paragraph.getPlainText().replace("\n", "") == value.replace("\n", "")


LINES = (("Foreningsvej 1", "9999 Eksempelby"), ("one",), ("", "after an empty line"), ("before an empty line", ""),
         ("",), ("", ""), ("  spaces  ", "\ttab\t", " "), ("a", "", "", "b"), ("Łódź", "ÆØÅ «§»", "x" * 300),
         ("Mette Sørensen", "Kultur og Fritid", "Eksempel Kommune"), ("two\nlines", "in one value"))


@pytest.mark.parametrize("values", LINES + tuple(
    block.items for variant in sorted(VARIANTS) for block in compose(letter(**VARIANTS[variant])).closing
    if block.items))
def test_plain_lines_skip_the_parser_and_give_exactly_its_fragments(values):
    register_fonts()
    for style in styles().values():
        ours = layout.lines(values, style)
        theirs = Paragraph("<br/>".join(layout.text(value) for value in values), style)
        assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
        assert ours.style is theirs.style and ours.text == theirs.text


def test_text_left_alone_by_the_cleaner_is_what_reportlabs_cleaner_gives():
    """Every string of up to four characters from letters, spaces and each kind of white space reportlab knows."""
    from itertools import product

    from reportlab.platypus.paragraph import cleanBlockQuotedText
    alphabet = ["a", "b", " ", "\u00a0", *layout.WHITESPACE[::3]]
    for size in range(5):
        for chars in product(alphabet, repeat=size):
            value = "".join(chars)
            assert layout._cleaned(value) == cleanBlockQuotedText(value), repr(value)
