"""Embedded font subsets made once per process, not once per document.

reportlab cuts a subset out of the TrueType file for every document, numbering the characters in the order the
text first uses them, then compresses it: for a one-page letter that was a fifth of the render time. Here every
document's first subset starts with the same characters in the same order (all of Latin-1 and the punctuation
Danish letters use), so a letter written in those characters has the same subset as every other letter, and the
subset's PDF objects (the font program and its ToUnicode map, compressed; the widths) are built the first time and
reused. A document with rarer characters gets them in further subsets, built (and kept) the same way.

The cache is per process and holds immutable bytes only: safe to share between threads, and a Celery child
process inherits a copy (or builds its own) without locks to worry about."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap

# The characters every document's subset 0 holds after ASCII: Latin-1's letters (æ ø å é ü ñ ...), the signs and
# the typography our letters use. Each costs about 100 bytes in every PDF; a character outside them still works,
# it only makes that document's subset one of its own.
COMMON = "".join(chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7)) + "§«»°½·×–—‘’“”„…€"


def flate_stream(content: bytes, **entries) -> PDFStream:
    """A stream of content compressed already (`flated`), so reportlab writes it as it is."""
    return PDFStream(PDFDictionary({**entries, "Filter": PDFArray([PDFName("FlateDecode")])}), content)


@lru_cache(maxsize=16)
def flated(content: bytes) -> bytes:
    """`content` compressed, once per process for the few constant streams (the ICC profile)."""
    return zlib.compress(content)


@dataclass(frozen=True)
class SubsetParts:
    """A subset's PDF objects, as bytes."""

    widths: bytes  # the Widths array, formatted
    cmap: bytes  # the ToUnicode CMap, compressed
    program: bytes  # the font program (a TrueType subset), compressed
    program_length: int  # its length uncompressed (Length1)


def _numbered(state) -> frozenset[str]:
    """The characters a document's font state has numbered (kept on the state until it numbers more)."""
    assignments = state.assignments
    if getattr(state, "_numbered_count", -1) != len(assignments):
        state._numbered = frozenset(chr(code) for code in assignments)
        state._numbered_count = len(assignments)
    return state._numbered


class SharedSubsetFont(TTFont):
    """A TTFont whose subsets, and their PDF objects, are shared by every document of the process."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._parts = lru_cache(maxsize=64)(self._build_parts)

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is None:  # a new document: number the common characters first, in a fixed order
            super().splitString(COMMON, doc)
        elif isinstance(text, str) and text and state.nextCode <= 256 and set(text) <= _numbered(state):
            # Every character is numbered already, all in subset 0 (the usual case once COMMON is in): one
            # translate gives what reportlab's character-by-character loop would, a tenth of a letter's time.
            return [(0, text.translate(state.assignments).encode("latin-1"))]
        return super().splitString(text, doc, encoding)

    def _build_parts(self, subset: tuple[int, ...], base_name: str) -> SubsetParts:
        widths = pdfdoc.format(PDFArray([self.face.getCharWidth(code) for code in subset]), pdfdoc.DummyDoc())
        program = self.face.makeSubset(list(subset))
        return SubsetParts(widths=widths, cmap=zlib.compress(makeToUnicodeCMap(base_name, list(subset)).encode()),
                           program=zlib.compress(program), program_length=len(program))

    def addObjects(self, doc) -> None:
        """reportlab's TTFont.addObjects, with the subsets' objects taken from the cache."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = (b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
            parts = self._parts(tuple(subset), base_name)
            font = pdfdoc.PDFTrueTypeFont()
            font.Name, font.BaseFont = internal_name, base_name
            font.FirstChar, font.LastChar = 0, len(subset) - 1
            font.Widths = parts.widths
            font.ToUnicode = doc.Reference(flate_stream(parts.cmap), f"toUnicodeCMap:{base_name}")
            program = doc.Reference(flate_stream(parts.program, Length1=parts.program_length),
                                    f"fontFile:{face.filename}({base_name})")
            font.FontDescriptor = doc.Reference(PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
                "Descent": face.descent, "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": PDFArray(face.bbox), "FontName": PDFName(base_name), "ItalicAngle": face.italicAngle,
                "StemV": face.stemV, "FontFile2": program, "MissingWidth": face.defaultWidth}),
                f"fontDescriptor:{base_name}")
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]
