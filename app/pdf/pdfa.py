"""PDF/A-1b with reportlab: PDF 1.4, embedded fonts, XMP metadata, an sRGB OutputIntent, a stable ID."""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406 # escapes text for the XMP packet; parses no XML

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, PDFText
from reportlab.pdfgen.canvas import Canvas

from app.pdf.icc import DESCRIPTION, srgb_profile
from app.pdf.subsets import Hole, Inline, SharedSubsetFont, Written, flate_stream, written

REGULAR, BOLD = "IBMPlexSans", "IBMPlexSans-Bold"
FONT_FILES = {REGULAR: "IBMPlexSans-Regular.ttf", BOLD: "IBMPlexSans-Bold.ttf"}
PRODUCER = "Foreningsstøtte (ReportLab)"
_PROJECT = Path(__file__).resolve().parents[2]
FONT_DIRS = (_PROJECT / "app/static/dkfds/fonts/IBMPlexSans/complete/ttf",
             _PROJECT / "node_modules/dkfds/dist/fonts/IBMPlexSans/complete/ttf")


class FontsMissing(RuntimeError):
    """The IBM Plex Sans TTF files from DKFDS are not installed (run scripts/build_static.sh)."""


@dataclass(frozen=True)
class DocumentInfo:
    """What the Info dictionary and the XMP metadata say about a document."""

    title: str
    author: str
    subject: str
    fingerprint: bytes  # the document ID is derived from this: same content, same ID


def register_fonts(font_dir: Path | None = None) -> None:
    """Register the embedded TrueType fonts once per process."""
    _require_eol_before_endstream()
    if all(name in pdfmetrics.getRegisteredFontNames() for name in FONT_FILES):
        return
    directory = font_dir or next((d for d in FONT_DIRS if (d / FONT_FILES[REGULAR]).is_file()), None)
    if directory is None:
        raise FontsMissing("IBM Plex Sans TTF files not found; run scripts/build_static.sh")
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(SharedSubsetFont(name, str(directory / filename)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _require_eol_before_endstream() -> None:
    """PDF/A-1 (ISO 19005-1 6.1.7) wants an EOL before 'endstream'; reportlab writes none."""
    if getattr(PDFStream.format, "_pdfa", False):
        return
    original = PDFStream.format

    def format_with_eol(self, document):
        out = original(self, document)
        return out[:-len(b"endstream\n")] + b"\nendstream\n" if out.endswith(b"endstream\n") else out

    format_with_eol._pdfa = True
    PDFStream.format = format_with_eol
    if "OutputIntents" not in pdfdoc.PDFCatalog.__NoDefault__:
        pdfdoc.PDFCatalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]


class _FixedTime:
    """reportlab's TimeStamp, pinned to the creation date we are given (UTC)."""

    def __init__(self, when: datetime) -> None:
        when = when.astimezone(timezone.utc)
        self.YMDhms = (when.year, when.month, when.day, when.hour, when.minute, when.second)
        self.dhh = self.dmm = 0
        self.t = when.timestamp()
        self.tzname = "UTC"


class _UnfilteredStream(PDFStream):
    """A stream written as is: PDF/A-1 forbids filters on the metadata stream."""

    def format(self, document):
        dictionary = PDFDictionary({**self.dictionary.dict, "Length": len(self.content)})
        return pdfdoc.format(dictionary, document) + b"\nstream\n" + self.content + b"\nendstream\n"


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{date}</xmp:CreateDate><xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:CreatorTool>{tool}</xmp:CreatorTool></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>{tool}</pdf:Producer>
<pdf:Keywords></pdf:Keywords></rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


class PdfACanvas(Canvas):
    """A canvas that writes PDF/A-1b: call through `canvasmaker(info, created)`."""

    def __init__(self, *args, info: DocumentInfo, created: datetime, **kwargs) -> None:
        kwargs.update(pdfVersion=(1, 4), invariant=1, initialFontName=REGULAR, enforceColorSpace="rgb")
        super().__init__(*args, **kwargs)
        self._pdfa_info, self._pdfa_created = info, created
        self._doc._timeStamp = _FixedTime(created)
        digest = hashlib.sha256(info.fingerprint).digest()[:16]
        ident = PDFText(digest, enc="raw").format(pdfdoc.DummyDoc())
        self._doc._ID = b"\n[" + ident + ident + b"]\n"

    def _set_info(self) -> None:
        # platypus overwrites these after creating the canvas; the Info dictionary must equal the XMP.
        info = self._pdfa_info
        self.setTitle(info.title)
        self.setAuthor(info.author)
        self.setSubject(info.subject)
        self.setCreator(PRODUCER)
        self.setProducer(PRODUCER)
        self.setKeywords("")

    def _flate_only(self) -> None:
        # reportlab wraps page streams in ASCII85 on top of Flate (rl_config.useA85, a process-wide switch we
        # leave alone): binary Flate alone is valid PDF/A, a fifth smaller and saves an encoding pass per page.
        for page in self._doc.Pages.pages:
            if not page.Contents and page.stream:
                page.Contents = PDFStream(content=page.stream, filters=[pdfdoc.PDFZCompress])

    def save(self) -> None:
        self._set_info()
        self._flate_only()
        catalog = self._doc.Catalog
        catalog.Metadata = _UnfilteredStream(
            PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), self._xmp())
        profile, intents = _output_intent()
        catalog.OutputIntents = Inline(intents, self._doc.Reference(Written(profile)))
        super().save()

    def _xmp(self) -> bytes:
        info = self._pdfa_info
        date = self._pdfa_created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return XMP.format(title=escape(info.title), author=escape(info.author), subject=escape(info.subject),
                          date=date, tool=escape(PRODUCER)).encode("utf-8")


@lru_cache(maxsize=1)
def _output_intent() -> tuple[tuple, tuple]:
    """The sRGB profile's stream and the OutputIntents array referring to it, written once per process."""
    profile = written(flate_stream(zlib.compress(srgb_profile()), N=3))
    intents = written(PDFArray([PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(DESCRIPTION), "Info": PDFString(DESCRIPTION),
        "DestOutputProfile": Hole(0)})]))
    return profile, intents


def canvasmaker(info: DocumentInfo, created: datetime):
    """The canvas factory for platypus' `build(..., canvasmaker=...)`."""
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    return partial(PdfACanvas, info=info, created=created)
