"""The CJK font for certificates, fast: a GB2312-sized subset of the installed font, built once.

Loading the full WenQuanYi Zen Hei collection (17 MB, ~30,000 glyphs) cost about 0.6 s of every render:
fpdf2 parses the glyph table and the glyph names per document, and its subsetter then changes that
parsed font in place, so the parsed object cannot safely be shared between documents. Instead, once per
process, the installed font is cut down to the characters a certificate normally needs — everything
GB2312 encodes, Latin-1, common punctuation, and every character written in the renderer and the type
catalog — and saved beside the temporary files. fpdf2 then parses that much smaller font per document.

Safety: `font_for(chars)` returns the subset only when it holds every character of the document;
otherwise (a rare character in a name, say) the full font is used, exactly as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib

log = logging.getLogger("chajian.certificates.fonts")

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # Debian fonts-noto-cjk (SC)
)
_SOURCES = ("rendering.py", "catalog.py")
_PUNCTUATION = (range(0x2000, 0x2070), range(0x3000, 0x3040), range(0xFF00, 0xFFF0), range(0x2100, 0x2200))
_lock = threading.Lock()


@lru_cache(maxsize=1)
def find_cjk_font() -> tuple[str, int]:
    """(path, collection index) of an installed CJK font, or a clear error naming the package."""
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise RuntimeError("no CJK font found: apt-get install fonts-wqy-zenhei (see `make system-packages`)")


def _wanted_characters() -> set[int]:
    wanted = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for block in _PUNCTUATION:
        wanted.update(block)
    for codepoint in range(0x2000, 0xFFFF):
        try:
            chr(codepoint).encode("gb2312")
        except UnicodeEncodeError:
            continue
        wanted.add(codepoint)
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        wanted.update(ord(ch) for ch in (here / name).read_text(encoding="utf-8"))
    return wanted


def _build_subset(path: str, index: int, target: Path) -> None:
    font = ttLib.TTFont(path, fontNumber=index, recalcTimestamp=False)
    options = ftsubset.Options(
        notdef_outline=True,
        recommended_glyphs=True,
        glyph_names=True,
        name_IDs=["*"],
        name_languages=["*"],
        layout_features=[],
    )
    # fpdf2 drops these when it embeds the font; dropping them here makes the one-off build quicker.
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BDF ", "EBDT", "EBLC", "EBSC", "FFTM"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=_wanted_characters() & set(font.getBestCmap()))
    subsetter.subset(font)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    font.save(temporary)
    os.replace(temporary, target)  # atomic: concurrent builders write the same bytes


@lru_cache(maxsize=1)
def _fast_font() -> tuple[str, frozenset[int]] | None:
    path, index = find_cjk_font()
    stat = Path(path).stat()
    key = hashlib.sha256(f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}|v2".encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"chajian-cjk-{key}.ttf"
    try:
        with _lock:
            if not target.is_file():
                _build_subset(path, index, target)
        cmap = ttLib.TTFont(target, lazy=True).getBestCmap()
    except Exception:  # a failed cache must never stop certificates: fall back to the full font
        log.exception("could not build the CJK subset font; rendering with the full font")
        return None
    return str(target), frozenset(cmap)


def font_for(characters: set[str]) -> tuple[str, int]:
    """(path, collection index): the fast subset if it covers `characters`, else the full font."""
    fast = _fast_font()
    if fast is not None and all(ord(ch) in fast[1] for ch in characters if not ch.isspace()):
        return fast[0], 0
    return find_cjk_font()


def text_characters(*values) -> set[str]:
    """Every character of the strings found in `values` (dicts and lists walked)."""
    found: set[str] = set()
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.update(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found
