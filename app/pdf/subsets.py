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

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFObjectReference, PDFStream
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap

# The characters every document's subset 0 holds after ASCII: Latin-1's letters (æ ø å é ü ñ ...), the signs and
# the typography our letters use. Each costs about 100 bytes in every PDF; a character outside them still works,
# it only makes that document's subset one of its own.
COMMON = "".join(chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7)) + "§«»°½·×–—‘’“”„…€"


def flate_stream(content: bytes, **entries) -> PDFStream:
    """A stream of content compressed already (`flated`), so reportlab writes it as it is."""
    return PDFStream(PDFDictionary({**entries, "Filter": PDFArray([PDFName("FlateDecode")])}), content)


class Hole(PDFObject):
    """Where a written object refers to another: the document fills in that object's number."""

    def __init__(self, index: int) -> None:
        self.index = index

    def format(self, document) -> bytes:
        return b"\0hole%d\0" % self.index


_HOLES = re.compile(rb"\0hole(\d)\0")


class _WritingDoc(pdfdoc.DummyDoc):
    defaultStreamFilters = None  # every stream written here says its filter itself


def written(obj: PDFObject) -> tuple[bytes | int, ...]:
    """`obj` as reportlab writes it, once: bytes, with the index of a `Hole` where each reference goes
    (a stream's compressed content is never searched for holes: streams here refer to nothing)."""
    out = pdfdoc.format(obj, _WritingDoc(), toplevel=1)
    if isinstance(obj, PDFStream):
        return (out,)
    return tuple(int(part) if n % 2 else part for n, part in enumerate(_HOLES.split(out)))


class Inline(PDFObject):
    """A constant PDF object written once per process (`written`); each document puts in its own references.

    The instance is per document (reportlab marks the objects it registers); only the bytes are shared."""

    def __init__(self, parts: tuple[bytes | int, ...], *refs: PDFObjectReference) -> None:
        self.parts, self.refs = parts, refs

    def format(self, document) -> bytes:
        if len(self.parts) == 1:
            return self.parts[0]
        return b"".join(self.refs[part].format(document) if isinstance(part, int) else part for part in self.parts)


class Written(Inline):
    """An `Inline` that is an indirect object of its own (a stream, a font), as reportlab would make it."""

    __RefOnly__ = 1


@dataclass(frozen=True)
class SubsetParts:
    """A subset's PDF objects, as bytes."""

    cmap: tuple  # the ToUnicode CMap stream, compressed and `written`
    program: tuple  # the font program (a TrueType subset) stream, compressed and `written`
    descriptor: tuple  # the FontDescriptor, `written` with a hole for the program
    font: tuple  # the Font dictionary, `written` with holes for the descriptor and the CMap


def _numbered(state) -> frozenset[str]:
    """The characters a document's font state has numbered (kept on the state until it numbers more)."""
    assignments = state.assignments
    if getattr(state, "_numbered_count", -1) != len(assignments):
        state._numbered = frozenset(chr(code) for code in assignments)
        state._numbered_count = len(assignments)
    return state._numbered


class _SeedKey:
    """A stand-in document to number COMMON once (reportlab keys font states by document, weakly)."""


class SharedSubsetFont(TTFont):
    """A TTFont whose subsets, and their PDF objects, are shared by every document of the process."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._parts = lru_cache(maxsize=64)(self._build_parts)
        key = _SeedKey()
        super().splitString(COMMON, key)
        seed = self.state.pop(key)
        # What numbering COMMON leaves in a document's state, copied into each new one instead of numbered again.
        self._seed = (dict(seed.assignments), tuple(tuple(s) for s in seed.subsets), seed.nextCode, _numbered(seed))

    def _new_state(self, doc):
        assignments, subsets, next_code, numbered = self._seed
        state = self.state[doc] = TTFont.State.__new__(TTFont.State)  # its __init__ numbers ASCII: done already
        state.assignments, state.subsets, state.nextCode = dict(assignments), [list(s) for s in subsets], next_code
        state.internalName, state.frozen = None, 0
        state._numbered, state._numbered_count = numbered, len(assignments)
        return state

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is None:  # a new document: the common characters numbered first, in a fixed order
            state = self._new_state(doc)
        if isinstance(text, str) and text and state.nextCode <= 256 and set(text) <= _numbered(state):
            # Every character is numbered already, all in subset 0 (the usual case once COMMON is in): one
            # translate gives what reportlab's character-by-character loop would, a tenth of a letter's time.
            return [(0, text.translate(state.assignments).encode("latin-1"))]
        return super().splitString(text, doc, encoding)

    def _build_parts(self, subset: tuple[int, ...], base_name: str, internal_name: str) -> SubsetParts:
        face = self.face
        widths = pdfdoc.format(PDFArray([face.getCharWidth(code) for code in subset]), pdfdoc.DummyDoc())
        program = face.makeSubset(list(subset))
        cmap = zlib.compress(makeToUnicodeCMap(base_name, list(subset)).encode())
        descriptor = PDFDictionary({
            "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
            "Descent": face.descent, "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": PDFArray(face.bbox), "FontName": PDFName(base_name), "ItalicAngle": face.italicAngle,
            "StemV": face.stemV, "FontFile2": Hole(0), "MissingWidth": face.defaultWidth})
        font = pdfdoc.PDFTrueTypeFont()
        font.Name, font.BaseFont = internal_name, base_name
        font.FirstChar, font.LastChar = 0, len(subset) - 1
        font.Widths, font.FontDescriptor, font.ToUnicode = widths, Hole(0), Hole(1)
        return SubsetParts(cmap=written(flate_stream(cmap)),
                           program=written(flate_stream(zlib.compress(program), Length1=len(program))),
                           descriptor=written(descriptor), font=written(font))

    def addObjects(self, doc) -> None:
        """reportlab's TTFont.addObjects, with the subsets' objects written once and taken from the cache."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = (b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
            parts = self._parts(tuple(subset), base_name, internal_name)
            cmap = doc.Reference(Written(parts.cmap), f"toUnicodeCMap:{base_name}")
            program = doc.Reference(Written(parts.program), f"fontFile:{face.filename}({base_name})")
            descriptor = doc.Reference(Written(parts.descriptor, program), f"fontDescriptor:{base_name}")
            font = Written(parts.font, descriptor, cmap)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]
