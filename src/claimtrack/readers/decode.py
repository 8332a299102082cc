"""Turn input bytes into text, or a clear reason why they cannot be read."""

from __future__ import annotations

import re

from claimtrack.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_CONTROL = set(range(9)) | {11} | set(range(14, 32))


def sniff_format(data: bytes | str) -> str:
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


def decode(name: str, data: bytes, fmt: str) -> str:
    """Decode UTF-8 (or an HTML page's declared charset); reject empty and binary input."""
    if not data.strip():
        raise InputError(name, "empty input")
    sample = data[:8192]
    if b"\x00" in sample or sum(b in _CONTROL for b in sample) > len(sample) * 0.05:
        raise InputError(name, "binary content, not text or HTML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        declared = _META_CHARSET.search(data[:4096]) if fmt == "html" else None
        if declared:
            charset = declared.group(1).decode("ascii")
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError) as inner:
                raise InputError(name, f"cannot decode as declared charset {charset}: {inner}")
        raise InputError(
            name,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) "
            "and no charset declared",
        ) from None
    return text.lstrip("\ufeff")
