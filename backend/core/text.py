"""Text as it enters the system: cleaned once, at the schema (backend/core/schemas.py), for every field.

- Refused (422): NUL (PostgreSQL text cannot hold it), lone surrogates (not encodable as UTF-8: they
  would fail in the database or in the JSON answer), and the bidirectional embedding, override and
  isolate controls U+202A–U+202E and U+2066–U+2069, which make text read differently on screen than it
  is stored ("Trojan Source"): a certificate must say what it seems to say, so they are refused rather
  than silently dropped.
- Removed: every other Unicode format character (category Cf: zero-width space and joiners, word
  joiner, byte-order mark, soft hyphen, left-to-right and right-to-left marks…). They are invisible, so
  nothing is lost for a reader, and two codes that look alike compare equal.
- Codes (customs, HS, country, port, currency codes, certificate, inspection and e-record numbers…) are
  also NFKC-normalised and stripped: a full-width 「４４０３９６０ＡＢＣ」 typed on a Chinese keyboard is
  stored, compared and searched as the ASCII 4403960ABC. Free text is not NFKC-normalised: that would
  turn Chinese full-width punctuation （，：） into ASCII.
"""

from __future__ import annotations

import functools
import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _format_characters() -> re.Pattern:
    # Cf characters live in planes 0, 1 and 14 only; walking those is fast enough once per process.
    codepoints = [
        c
        for start, end in ((0, 0x20000), (0xE0000, 0xE1000))
        for c in range(start, end)
        if unicodedata.category(chr(c)) == "Cf" and chr(c) not in BIDI_CONTROLS
    ]
    return re.compile("[" + "".join(re.escape(chr(c)) for c in codepoints) + "]")


FORMAT_CHARACTERS = _format_characters()
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")

# Field names that hold codes: …_code, …_no, number, …_prefix, …_country, …_port, currency (and plurals).
CODE_FIELD = re.compile(r"(?:^|_)(?:codes?|no|nos|numbers?|prefix|country|countries|port|currency)$")

MESSAGES = {
    "nul": "不能包含 NUL 字符 / must not contain NUL (U+0000)",
    "surrogate": "包含无效的 Unicode 字符（孤立代理项） / contains an invalid character (lone surrogate)",
    "bidi": "不能包含文字方向控制字符（U+202A–202E、U+2066–2069） / must not contain bidirectional "
    "override or isolate controls (U+202A–202E, U+2066–2069)",
}


class TextRefused(ValueError):
    """The text holds a character that is refused; `reason` is a key of MESSAGES."""

    def __init__(self, reason: str):
        super().__init__(MESSAGES[reason])
        self.reason = reason


@functools.lru_cache(maxsize=4096)  # a few hundred field names, asked for every value of every body
def is_code_field(name: str) -> bool:
    """Whether a field of this name holds a code (NFKC-normalised and stripped)."""
    return bool(CODE_FIELD.search(name))


# Secrets (passwords) are compared as typed: never changed, only refused when they cannot be stored.
SECRET_FIELD = re.compile(r"(?:^|_)password$")


@functools.lru_cache(maxsize=4096)
def is_secret_field(name: str) -> bool:
    """Whether a field of this name holds a secret, kept exactly as typed."""
    return bool(SECRET_FIELD.search(name))


def clean_text(value: str, *, code: bool = False, secret: bool = False) -> str:
    """The stored form of `value`; raises TextRefused for NUL, lone surrogates or bidi controls.

    A secret is returned unchanged (only NUL and lone surrogates are refused): removing an invisible
    character from a password would make the stored one differ from the one the user typed.
    """
    if "\x00" in value:
        raise TextRefused("nul")
    if value.isascii():
        return value.strip() if code else value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TextRefused("surrogate") from None
    if secret:
        return value
    if _BIDI.search(value):
        raise TextRefused("bidi")
    value = FORMAT_CHARACTERS.sub("", value)
    if code:
        value = unicodedata.normalize("NFKC", value).strip()
    return value


def printable_key(key: str) -> str:
    """A field name safe to echo in an error answer (lone surrogates and controls escaped)."""
    if key.isascii() and key.isprintable():
        return key
    return key.encode("ascii", "backslashreplace").decode("ascii")

