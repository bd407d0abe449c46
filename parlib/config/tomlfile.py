"""Reading a TOML file a dataset declares (``dataset.toml``, ``alternatives.toml``) from its bytes.

In: the file's path and the name it is shown by. Out: the parsed document, or a ``DataError`` with
one located ``Problem``: an encoding other than UTF-8 named (a UTF-8 byte-order mark is tolerated;
UTF-16 and UTF-32 are recognised by their byte-order mark, or by NUL bytes when there is none), or
the line and column where the text stops being valid TOML.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from parlib.core.errors import DataError, Problem

# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "UTF-32", "UTF-32 BE"),
    (b"\xff\xfe", "UTF-16", "UTF-16 LE"),
    (b"\xfe\xff", "UTF-16", "UTF-16 BE"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _refusal(
    shown: str, check: str, value: str, message: str, message_vi: str, row: int | None = None
) -> DataError:
    name = Path(shown).name
    problem = Problem(
        "critical",
        check,
        shown,
        row=row,
        value=value,
        expected="UTF-8 text in TOML syntax (a UTF-8 byte-order mark is tolerated)",
        expected_vi="văn bản UTF-8 theo cú pháp TOML (chấp nhận dấu BOM của UTF-8)",
        message=message.format(name=name),
        message_vi=message_vi.format(name=name),
    )
    return DataError(f"{shown}: {problem.message}", [problem])


def decode(data: bytes, shown: str) -> str:
    """The text of a TOML file's bytes; any encoding but UTF-8 is refused by name."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    for mark, family, exact in _BOMS:
        if data.startswith(mark):
            raise _refusal(
                shown,
                "config_encoding",
                f"{exact} (byte-order mark {mark.hex(' ').upper()})",
                f"{{name}} is {family}; save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)",
                f"{{name}} được lưu ở dạng {family}; hãy lưu lại ở dạng UTF-8 "
                "(Notepad: Save as, Encoding UTF-8)",
            )
    if b"\x00" in data[:4096]:
        raise _refusal(
            shown,
            "config_encoding",
            "NUL bytes (UTF-16 or UTF-32 without a byte-order mark)",
            "{name} looks like UTF-16 or UTF-32 (it holds NUL bytes); save it as UTF-8",
            "{name} có vẻ được lưu ở dạng UTF-16 hoặc UTF-32 (có byte NUL); hãy lưu lại ở dạng UTF-8",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise _refusal(
            shown,
            "config_encoding",
            f"byte 0x{byte} on line {line}",
            "{name} is not UTF-8 (a legacy code page such as Windows-1252, Windows-1258, TCVN3 "
            f"or VNI; undecodable byte 0x{byte} on line {line}); save it as UTF-8",
            "{name} không phải UTF-8 (có thể là bảng mã cũ như Windows-1258, TCVN3 hoặc VNI; "
            f"byte 0x{byte} ở dòng {line}); hãy lưu lại ở dạng UTF-8",
            row=line,
        ) from None


def load(path: Path, shown: str) -> dict:
    """``path`` read as bytes, decoded (``decode``) and parsed; invalid TOML names line and column."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:  # permissions, a folder of that name, a file removed meanwhile
        raise _refusal(
            shown,
            "config_unreadable",
            type(exc).__name__,
            f"{{name}} cannot be read ({exc.strerror or type(exc).__name__})",
            f"không đọc được {{name}} ({exc.strerror or type(exc).__name__})",
        ) from None
    text = decode(data, shown)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        at = _AT.search(reason)
        line, column = (int(at.group(1)), int(at.group(2))) if at else (None, None)
        lines = text.splitlines()
        quoted = lines[line - 1].strip()[:80] if line and line <= len(lines) else ""
        where = f"line {line}, column {column}" if at else "the end of the file"
        where_vi = f"dòng {line}, cột {column}" if at else "cuối tệp"
        raise _refusal(
            shown,
            "config_invalid_toml",
            quoted,
            f"{{name}} is not valid TOML at {where}: {_AT.sub('', reason).strip()}",
            f"{{name}} sai cú pháp TOML ở {where_vi}: {_AT.sub('', reason).strip()}",
            row=line,
        ) from None
