"""Feed bytes → text, whatever the feed claims its charset is; and a mojibake detector.

Arabic feeds lie about charsets both ways: windows-1256 bytes under an UTF-8 declaration
(feedparser then falls back to windows-1252 and yields "ãÞÊá"), and UTF-8 bytes declared as
windows-1256 (feedparser obeys and yields "ظ…ظ‚طھظ„"). Both would be stored silently, so
the bytes are decoded here first and handed to feedparser as clean UTF-8.
"""

from __future__ import annotations

import codecs
import re

_PROLOG = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8 = {"utf-8", "utf8"}
# Codecs that, applied to UTF-8 bytes by mistake, turn Arabic into mojibake.
_MISREAD_AS = ("cp1256", "cp1252", "latin-1")


def has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(XML declaration's encoding, HTTP Content-Type charset), as Python codec names."""
    prolog = _PROLOG.match(body[:256])
    header = _CHARSET.search(content_type or "")
    return (_codec(prolog.group(2).decode("ascii")) if prolog else None,
            _codec(header.group(1)) if header else None)


def decode(body: bytes, content_type: str | None = None, language: str = "ar") -> str | None:
    """The document as text, or None when no charset gives readable text.

    Order: a BOM; then UTF-8 if the bytes are valid UTF-8 (Arabic in a single-byte charset is
    never valid UTF-8, so this beats any declaration); then each declared charset; then, for
    an Arabic feed, windows-1256. For Arabic feeds a candidate must yield Arabic letters
    if any candidate does, so Latin-1 guesses cannot win over the real charset.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(name)
            except UnicodeDecodeError:
                return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [c for c in declared(body, content_type) if c and c not in _UTF8]
    if language == "ar":
        candidates.append("cp1256")
    texts = []
    for name in dict.fromkeys(candidates):
        try:
            texts.append(body.decode(name))
        except UnicodeDecodeError:
            continue
    if language == "ar":
        return next((t for t in texts if has_arabic(t)), texts[0] if texts else None)
    return texts[0] if texts else None


def as_utf8(text: str) -> bytes:
    """`text` as UTF-8 bytes whose XML declaration (if any) says UTF-8."""
    data = text.encode("utf-8")
    return _PROLOG.sub(rb"\1utf-8\3", data, count=1)


def is_mojibake(text: str) -> bool:
    """True when `text` is UTF-8 Arabic that was decoded with a single-byte charset somewhere
    upstream (or carries U+FFFD from a failed decode): re-encoding it with that charset gives
    valid UTF-8 Arabic. Real Arabic in windows-1256 is never valid UTF-8, so no false alarms
    on readable text. C1 controls (U+0080-U+009F) are what Latin-1 makes of UTF-8
    continuation bytes; no real text has them, and whitespace folding mangles them (U+0085
    is a line break to Python), so they are caught by presence, not by re-encoding."""
    if "\ufffd" in text or any("\x80" <= ch <= "\x9f" for ch in text):
        return True
    for name in _MISREAD_AS:
        try:
            fixed = text.encode(name).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text and has_arabic(fixed):
            return True
    return False
