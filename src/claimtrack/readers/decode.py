"""Turn input bytes into text, or a clear reason why they cannot be read."""

from __future__ import annotations

import re
from typing import Literal

from charset_normalizer import from_bytes

from claimtrack.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_CONTROL = set(range(9)) | {11} | set(range(14, 32))

#: Labels browsers read as windows-1252 (WHATWG Encoding Standard): servers that say
#: "iso-8859-1" mostly send cp1252 curly quotes and dashes, which latin-1 turns into controls.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
}
#: Encodings a web page can be in without a BOM (the WHATWG Encoding Standard's legacy
#: encodings), most common first so that ties go to the likelier one. Limiting detection to
#: these keeps DOS and Mac code pages (cp775, cp437, ...) from winning on English pages.
WEB_ENCODINGS = (
    "cp1252", "cp1251", "cp1250", "gb18030", "shift_jis", "euc_kr", "big5", "euc_jp",
    "iso2022_jp", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874",
    "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "mac_roman", "iso8859_2", "iso8859_3",
    "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
)
#: Detection is accepted only when the decoded text reads as a language (charset_normalizer's
#: coherence, at its own default language threshold) with little mess (its default threshold).
#: Without a language signal every single-byte code page "decodes" any bytes, so short or
#: garbled inputs stay an error instead of becoming confident mojibake.
MIN_COHERENCE = 0.1
MAX_CHAOS = 0.2


def sniff_format(data: bytes | str) -> Literal["text", "html"]:
    """'html' when the content starts like an HTML page, else 'text'."""
    head = data[:1024].lstrip()
    if isinstance(head, bytes):
        head = head.decode("latin-1")
    head = head.lstrip("\ufeff").lower()
    return "html" if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head else "text"


def check_size(name: str, size: int, max_bytes: int) -> None:
    """Reject inputs over the limit before reading them whole."""
    if size > max_bytes:
        raise InputError(
            name,
            f"too large: {size / 1e6:.1f} MB exceeds the {max_bytes / 1e6:.1f} MB limit "
            "(setting reader.max_bytes)",
        )


def looks_binary(data: bytes) -> bool:
    """True for bytes no text encoding produces: NULs, or more than 5% control characters."""
    sample = data[:8192]
    return b"\x00" in sample or sum(b in _CONTROL for b in sample) > len(sample) * 0.05


def decode(name: str, data: bytes, fmt: str, charset: str | None = None) -> str:
    """Decode UTF-8, else the declared charset, else a detected one; reject empty and binary input.

    ``charset`` is what the transport declared (an HTTP Content-Type header); an HTML page's
    own ``<meta charset>`` comes after it. Valid UTF-8 wins over both, because servers that
    declare a legacy charset for UTF-8 pages are common and legacy text is almost never
    valid UTF-8.
    """
    if not data.strip():
        raise InputError(name, "empty input")
    if looks_binary(data):
        raise InputError(name, "binary content, not text or HTML")
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = [charset] if charset else []
    meta = _META_CHARSET.search(data[:4096]) if fmt == "html" else None
    if meta:
        declared.append(meta.group(1).decode("ascii"))
    failures = []
    for label in declared:
        try:
            return data.decode(_WHATWG_ALIASES.get(label.strip().lower(), label.strip()))
        except (LookupError, UnicodeDecodeError) as inner:
            failures.append(f"cannot decode as declared charset {label}: {inner}")
    detected = detect_charset(data)
    if detected:
        return data.decode(detected)
    if failures:
        raise InputError(name, "; ".join(failures))
    raise InputError(
        name,
        f"not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}) "
        "and no charset declared or detected",
    )


def detect_charset(data: bytes) -> str | None:
    """The web encoding the bytes are confidently in, or None when the evidence is too thin."""
    matches = [
        m for m in from_bytes(data, cp_isolation=list(WEB_ENCODINGS), threshold=MAX_CHAOS)
        if m.chaos <= MAX_CHAOS and m.coherence >= MIN_COHERENCE
    ]
    if not matches:
        return None
    top = min((m.chaos, -m.coherence) for m in matches)
    tied = {
        enc for m in matches if (m.chaos, -m.coherence) == top for enc in m.could_be_from_charset
    }
    encoding = next((enc for enc in WEB_ENCODINGS if enc in tied), None)
    if encoding is None:
        return None
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding
