"""Characters a reader cannot see: invisible characters (zero-width space and joiner, a BOM inside
the text, no-break space, soft hyphen, bidirectional controls), letters that look Latin but are
Cyrillic or Greek, and Vietnamese typed in a legacy encoding (TCVN3/ABC, VNI) read as Unicode.

In: one text. Out: what is wrong with it (``id_fault``, ``name_fault``, ``looks_like_legacy``) and
the text with such characters escaped (``escape``: ``'1.1\\u200b'``), for every message about it.
Depends on nothing but the standard library.
"""

from __future__ import annotations

import re
import unicodedata

# Latin-1 letters Vietnamese never uses: in Vietnamese data they come from VNI (a base letter plus
# a byte such as ø ù ä ñ ö) or TCVN3 (å, ç, ë ...) text shown in a Unicode font.
_FOREIGN_LATIN1 = "ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïðñöøûüþÿ"
# Latin-1 symbols that TCVN3 uses for the commonest Vietnamese letters (µ = à, ¸ = á, ¶ = ả,
# · = ã, ¹ = ạ, ¨ = ă, © = â, ª = ê, « = ô, ¬ = ơ, ® = đ, § = Đ, ...).
_TCVN3_SYMBOLS = "".join(chr(c) for c in range(0xA1, 0xC0) if chr(c) not in "°±²³´")
_LEGACY = re.compile(
    rf"[A-Za-z][{re.escape(_FOREIGN_LATIN1 + _TCVN3_SYMBOLS)}]|"
    rf"[{re.escape(_FOREIGN_LATIN1 + _TCVN3_SYMBOLS)}][A-Za-z]"
)


# Greek, Coptic, Cyrillic and their supplements and extensions: found by a regular expression, so
# the common case (printable text with none of them) costs one C-level scan
_LOOK_ALIKE_BLOCKS = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f]"
)


def _plain(text: str) -> bool:
    """Nothing to report: every character printable (``str.isprintable`` is false for control,
    format, separator and unassigned characters, but the plain space) and none Greek or Cyrillic."""
    return text.isprintable() and _LOOK_ALIKE_BLOCKS.search(text) is None


def _invisible(ch: str) -> bool:
    """Format and control characters, and every space but the plain one."""
    category = unicodedata.category(ch)
    return category in ("Cf", "Cc", "Zl", "Zp") or (category == "Zs" and ch != " ")


def _look_alike(ch: str) -> bool:
    """A Cyrillic or Greek letter (``А`` U+0410 looks like the Latin ``A``)."""
    return unicodedata.name(ch, "").startswith(("CYRILLIC", "GREEK"))


def _suspect(ch: str) -> bool:
    return ord(ch) > 0x7E and (_invisible(ch) or _look_alike(ch))


def escape(text: str) -> str:
    """``text`` with invisible and look-alike characters written as ``\\uXXXX``."""
    if _plain(text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if (_suspect(ch) or (ord(ch) < 0x20)) else ch for ch in text)


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'character')}"


def id_fault(text: str) -> str:
    """What makes ``text`` unsafe as an id or a code ('' when nothing): an invisible or a look-alike
    character anywhere, so two ids that look the same would not match."""
    if _plain(text):
        return ""
    bad = [ch for ch in dict.fromkeys(text) if _suspect(ch) or ord(ch) < 0x20]
    if not bad:
        return ""
    kinds = [
        ("a look-alike letter " if _look_alike(ch) else "an invisible character ") + _describe(ch)
        for ch in bad[:3]
    ]
    return ", ".join(kinds)


def name_fault(text: str) -> str:
    """``id_fault`` for a name (a warning there: names are shown, not matched)."""
    return id_fault(text)


def looks_like_legacy(text: str) -> bool:
    """Text that looks like Vietnamese typed in TCVN3 (ABC) or VNI and read as Unicode: a letter
    beside a Latin-1 character that Vietnamese never uses (``Hµ Néi`` = Hà Nội in TCVN3,
    ``Haø Noäi`` in VNI). Plain Vietnamese in Unicode never has one."""
    return not text.isascii() and _LEGACY.search(text) is not None
