"""Bytes to text: byte-order marks, encodings (UNOA..UNOY are ASCII, ISO 8859 or UTF-8)."""

from __future__ import annotations

import codecs


def decode(data: bytes) -> str:
    """Text of a file whatever its encoding; never fails (ISO 8859-1 takes any byte)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            data = data[2:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.lstrip("\ufeff")
