"""Confined paths: a file a dataset names must be a file inside the dataset's own folder.

In: the dataset folder and a path as written in ``dataset.toml`` (or a file found by its default
name). Out: the file's resolved path (symbolic links followed), or ``Refused`` saying why: the path
is absolute, it leaves the folder (``..``, or a symbolic link pointing outside), or there is no such
file. Where it points is shown relative to the project when inside it, else as the text written —
never as a local absolute path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from parlib.core import paths


@dataclass(frozen=True)
class Refused(Exception):
    """Why a path was refused: a check id and the English and Vietnamese messages."""

    check: str  # config_path_outside | config_missing_file
    message: str
    message_vi: str


def _absolute(written: str) -> bool:
    return PurePosixPath(written).is_absolute() or PureWindowsPath(written).is_absolute()


def inside(folder: Path, written: str) -> Path:
    """``written`` (relative to ``folder``) resolved, if it is an existing file inside ``folder``."""
    home = Path(folder).resolve()
    where = paths.display(home)
    if _absolute(written) or PureWindowsPath(written).drive:
        raise Refused(
            "config_path_outside",
            f"an absolute path; write it relative to the dataset folder {where}/",
            f"đường dẫn tuyệt đối; hãy ghi đường dẫn tương đối so với thư mục bộ dữ liệu {where}/",
        )
    candidate = home / written
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise Refused(
            "config_missing_file",
            f"cannot be followed ({type(exc).__name__}: a loop of symbolic links?)",
            "không theo được đường dẫn (vòng lặp liên kết tượng trưng?)",
        ) from None
    if not resolved.is_relative_to(home):
        # inside as written, outside once links are followed: a symbolic link leads out
        linked = Path(os.path.normpath(candidate)).is_relative_to(home)
        root = paths.project_root()
        if resolved.is_relative_to(root):
            shown = resolved.relative_to(root).as_posix()
            to, to_vi = f" (to {shown})", f" (tới {shown})"
        elif linked:
            to, to_vi = " (to a file outside the project)", " (tới một tệp ngoài dự án)"
        else:  # the value itself says where
            to, to_vi = "", ""
        how = "through a symbolic link " if linked else ""
        how_vi = "qua một liên kết tượng trưng " if linked else ""
        raise Refused(
            "config_path_outside",
            f"points {how}outside the dataset folder {where}/{to}; inputs must be files inside it",
            f"trỏ {how_vi}ra ngoài thư mục bộ dữ liệu {where}/{to_vi}; dữ liệu đầu vào phải nằm "
            "trong thư mục đó",
        )
    if not resolved.is_file():
        missing = "is a folder, not a file" if resolved.is_dir() else "no such file"
        slash = "; write / between folders, not \\" if "\\" in written else ""
        slash_vi = "; hãy dùng / giữa các thư mục, không dùng \\" if "\\" in written else ""
        raise Refused(
            "config_missing_file",
            f"{missing} in the dataset folder {where}/{slash}",
            f"không có tệp này trong thư mục bộ dữ liệu {where}/{slash_vi}",
        )
    return resolved.resolve(strict=True)
