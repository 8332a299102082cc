"""Turn input bytes into text, or a clear reason why they cannot be read."""

from __future__ import annotations

import codecs
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
#: C0 control characters other than tab, newline and carriage return, UTF-16 surrogates (a
#: lone one comes from a JSON "\ud800" escape; Python lets it into a str, UTF-8 cannot encode
#: it) and the noncharacters U+FFFE and U+FFFF: what XML 1.0 does not allow, so that lxml
#: takes any text. Form feed and vertical tab are line breaks to a reader: they become "\n".
_UNSTORABLE = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Python codecs that a charset label can name but that are not character sets: a page
#: declaring one ("undefined" raises on any input, the escape codecs turn text into other text).
_NOT_CHARSETS = frozenset({
    "undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "charmap",
})
#: Byte order marks that say which Unicode encoding follows (UTF-32 first: its little-endian
#: mark starts with UTF-16's). Windows tools write UTF-16 text with a BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE_BREAKS = str.maketrans("\x0b\x0c", "\n\n")


def sniff_format(data: bytes | str) -> Literal["text", "html"]:
    """'html' when the content starts like an HTML page, else 'text'."""
    head = data[:1024].lstrip()
    if isinstance(head, bytes):
        head = head.decode("latin-1")
    head = head.lstrip("\ufeff").lower()
    return "html" if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head else "text"


def clean_text(text: str) -> str:
    """Text every store and XML parser takes, of the same length: controls become spaces,
    surrogates and the noncharacters U+FFFE and U+FFFF become U+FFFD.

    PostgreSQL rejects NUL in text columns, and a surrogate cannot be encoded as UTF-8, so a
    JSON line with "\\u0000" or "\\ud800" in it would be read and then fail when saved. We
    replace rather than reject: such characters are artifacts (of a scraper, a bad escape, a
    truncated UTF-16 pair), the article around them is still worth reading, and a document
    failing for one invisible character would be a surprise. Replacing one code point by one
    keeps the length, so offsets into the text (format "clean", dropped spans) stay valid.
    Tab, newline and carriage return are kept; vertical tab and form feed become newlines.
    Bytes that look binary (NULs, many controls) are still rejected by :func:`decode`.
    (Fuzzing found U+FFFF failing HTML extraction: lxml refuses what XML 1.0 does not allow.)
    """
    if not _UNSTORABLE.search(text):
        return text.translate(_LINE_BREAKS) if "\x0b" in text or "\x0c" in text else text
    cleaned = _UNSTORABLE.sub(lambda m: "\ufffd" if m.group() >= "\ud800" else " ", text)
    return cleaned.translate(_LINE_BREAKS)


def clean_optional(value: str | None) -> str | None:
    """:func:`clean_text` for an optional metadata field (title, URL, outlet)."""
    return clean_text(value) if value else value


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
    valid UTF-8. The text is passed through :func:`clean_text`, so it can be stored.
    """
    text = clean_text(_decode(name, data, fmt, charset))
    if not text.strip():  # a BOM alone, or controls that became spaces
        raise InputError(name, "empty input")
    return text


def _decode(name: str, data: bytes, fmt: str, charset: str | None) -> str:
    if not data.strip():
        raise InputError(name, "empty input")
    for bom, encoding in _BOMS:  # before the binary check: UTF-16 text is full of NULs
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {encoding} byte order mark but is not "
                                       f"{encoding} (offset {exc.start + len(bom)})") from None
            if not text.strip():
                raise InputError(name, "empty input")
            return text
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
            return data.decode(_codec(label))
        except LookupError:
            failures.append(f"unknown declared charset {label.strip()!r}")
        except UnicodeError as inner:  # UnicodeDecodeError, or any error of a codec
            failures.append(f"cannot decode as declared charset {label.strip()!r}: {inner}")
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


def _codec(label: str) -> str:
    """The Python codec for a declared charset label; LookupError for a codec that is Python's
    own (escape codecs, "undefined", IDNA) rather than a character set a page can be in."""
    name = _WHATWG_ALIASES.get(label.strip().lower(), label.strip())
    try:
        codec = codecs.lookup(name).name
    except ValueError:  # "embedded null character" in a label read from bytes
        raise LookupError(f"{label!r} is not a character set") from None
    if codec in _NOT_CHARSETS:
        raise LookupError(f"{label!r} is not a character set")
    return name


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
