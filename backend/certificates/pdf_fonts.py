"""fpdf2 fonts parsed once per process instead of once per certificate.

fpdf2's `add_font` parses the font for every document (the character map and the width of every
glyph: ~7,600 glyphs even in the GB2312 subset of fonts.py), and at `output()` fontTools reads the
font's tables again, cuts them down to the glyphs printed and recompiles every glyph to recompute its
bounding box. For a one-page certificate that was well over half of the rendering time. Here:

- the parse (`fpdf.fonts.TTFFont`: metrics, cmap, glyph ids) is done once per font file and each
  document gets a shallow copy with its own subset map (the only per-document state fpdf2 keeps on it);
- the font's tables are read once; at output time the document's font is a small in-memory TrueType
  holding only the glyphs it printed (plus their composite components and the four recommended ones),
  in the original glyph order, so fontTools' subsetting — still fpdf2's own, unchanged — works on a
  few hundred glyphs whose outlines are copied byte for byte (bounding boxes are not recomputed: the
  outlines do not change, so neither do their boxes).

The shared objects are only read after they are built, so documents may render in parallel threads.
Fonts that are not TrueType outlines (a CFF font such as Noto CJK) keep the per-document copy of the
parse and a fresh lazily-read font, which is still the bigger half of the saving.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import cmap_format_4, cmap_format_12
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import OutputProducer

# Tables the subsetting step rebuilds from the glyphs (the rest are copied per document, they are small).
_PER_GLYPH = {"GlyphOrder", "glyf", "loca", "hmtx", "cmap", "vmtx", "vhea"}
# Never embedded by fpdf2 (it drops them itself); not worth copying.
_DROPPED = {"GSUB", "GPOS", "GDEF", "BDF ", "EBDT", "EBLC", "EBSC", "FFTM", "hdmx", "meta", "MATH"}


@dataclass(frozen=True)
class _Outlines:
    """A TrueType font's tables, read once: what a per-document font is assembled from."""

    font: TTFont
    glyph_order: tuple[str, ...]
    small_tables: tuple[str, ...]
    components: dict[str, tuple[str, ...]]  # composite glyph → the glyphs it is drawn from


@dataclass(frozen=True)
class _ParsedFont:
    path: str
    index: int
    template: TTFFont
    outlines: _Outlines | None  # None: not glyf outlines (CFF), or too big to keep in memory


_parsed: dict[tuple[str, int], _ParsedFont] = {}
_lock = threading.Lock()
# The full 17 MB collection is only used for the rare character outside the subset: keep its parse
# (cmap and widths) but not all of its outlines in memory.
_MAX_OUTLINE_BYTES = 8 * 1024 * 1024


def _components(glyf, name: str) -> tuple[str, ...]:
    glyph = Glyph(glyf.glyphs[name].data)  # a private copy: expanding the shared one would change it
    glyph.expand(glyf)
    return tuple(component.glyphName for component in glyph.components)


def _read_outlines(path: str, index: int) -> _Outlines | None:
    if Path(path).stat().st_size > _MAX_OUTLINE_BYTES:
        return None
    font = TTFont(path, fontNumber=index, recalcTimestamp=False, recalcBBoxes=False)
    if "glyf" not in font:
        return None
    tags = [tag for tag in font.keys() if tag not in _DROPPED]
    for tag in tags:
        font[tag]  # noqa: B018 (decompile every table now, never lazily from two threads)
    glyf = font["glyf"]
    composites = {
        name: _components(glyf, name)
        for name, glyph in glyf.glyphs.items()
        if getattr(glyph, "data", b"")[:2] and int.from_bytes(glyph.data[:2], "big", signed=True) < 0
    }
    return _Outlines(
        font=font,
        glyph_order=tuple(font.getGlyphOrder()),
        small_tables=tuple(tag for tag in tags if tag not in _PER_GLYPH),
        components=composites,
    )


def _parse(path: str, index: int) -> _ParsedFont:
    key = (path, index)
    parsed = _parsed.get(key)
    if parsed is None:
        with _lock:
            parsed = _parsed.get(key)
            if parsed is None:
                template = TTFFont(FPDF(), Path(path), "cjk", "", collection_font_number=index)
                parsed = _parsed[key] = _ParsedFont(path, index, template, _read_outlines(path, index))
    return parsed


class _DocumentFont(TTFFont):
    """One document's use of a parsed font: the shared parse, its own subset map and output font."""

    __slots__ = ("parsed",)


def add_font(pdf: FPDF, family: str, path: str, index: int = 0) -> None:
    """`pdf.add_font(family, fname=path, collection_font_number=index)` without parsing the font again.

    The document must be written with `CachedFontsProducer` (`pdf.output(output_producer_class=…)`)."""
    parsed = _parse(path, index)
    font = _DocumentFont.__new__(_DocumentFont)
    for slot in TTFFont.__slots__:
        if hasattr(parsed.template, slot):
            setattr(font, slot, getattr(parsed.template, slot))
    font.parsed = parsed
    font.i = len(pdf.fonts) + 1
    font.fontkey = family
    font.ttfont = None  # made at output time, when the glyphs printed are known
    font._hbfont = None
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    pdf.fonts[family] = font


def _document_ttfont(font: _DocumentFont) -> TTFont:
    parsed = font.parsed
    outlines = parsed.outlines
    if outlines is None:
        return TTFont(parsed.path, fontNumber=parsed.index, lazy=True, recalcTimestamp=False)
    names = set(font.subset.get_all_glyph_names()) | set(outlines.glyph_order[:4])
    pending = [name for name in names if name in outlines.components]
    while pending:
        for component in outlines.components[pending.pop()]:
            if component not in names:
                names.add(component)
                pending.append(component)
    source = outlines.font
    ttfont = TTFont(recalcTimestamp=False, recalcBBoxes=False)
    ttfont.setGlyphOrder(list(outlines.glyph_order))
    for tag in outlines.small_tables:
        ttfont[tag] = copy.deepcopy(source[tag])
    glyf = ttfont["glyf"] = newTable("glyf")
    glyf.glyphOrder = ttfont.getGlyphOrder()
    # Fresh Glyph objects over the same bytes: fontTools rewrites composite glyphs' data in place.
    glyf.glyphs = {name: Glyph(getattr(source["glyf"].glyphs[name], "data", b"")) for name in names}
    ttfont["loca"] = newTable("loca")
    hmtx = ttfont["hmtx"] = newTable("hmtx")
    hmtx.metrics = {name: source["hmtx"].metrics[name] for name in names}
    ttfont["cmap"] = _cmap(font, names)
    return ttfont


def _cmap(font: _DocumentFont, names: set[str]):
    mapping = {code: name for code, name in font.cmap.items() if name in names}
    table = newTable("cmap")
    table.tableVersion = 0
    bmp = cmap_format_4(4)
    bmp.platformID, bmp.platEncID, bmp.language = 3, 1, 0
    bmp.cmap = {code: name for code, name in mapping.items() if code <= 0xFFFF}
    table.tables = [bmp]
    if len(bmp.cmap) < len(mapping):
        full = cmap_format_12(12)
        full.platformID, full.platEncID, full.language = 3, 10, 0
        full.cmap = mapping
        table.tables.append(full)
    return table


class CachedFontsProducer(OutputProducer):
    """fpdf2's own PDF writer, with each cached font's output font assembled just before it embeds
    (and subsets) the fonts: only then are all the document's glyphs known (page footers included)."""

    def _add_fonts(self, *args, **kwargs):
        for font in self.fpdf.fonts.values():
            if isinstance(font, _DocumentFont) and font.ttfont is None:
                font.ttfont = _document_ttfont(font)
        return super()._add_fonts(*args, **kwargs)
