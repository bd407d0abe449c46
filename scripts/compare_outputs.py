"""Compare the outputs of two PAR workbook runs: ``python compare_outputs.py [-v] BEFORE AFTER``.

``--parlib-versions 0.1.0,0.2.0`` masks parlib's own version numbers, which a release changes in
every footer and manifest (nothing else is masked by it).

Each root is a project folder with ``data/processed/`` and ``reports/``; every file under both is
listed (dot-folders such as ``.staging`` and the lock ``.parlib.lock`` ignored) and compared by kind.
Exit 0 when all is identical up to these normalisations (a pure code move changes nothing else), 1
otherwise, 2 on a usage error:

* CSV: none; exact text, floats included. On a difference the first differing cells are shown
  (pandas, all columns as str, keep_default_na=False).
* JSON: run-to-run keys are dropped: ``*_at`` (generated_at, ...), ``seconds``, ``duration*``,
  ``run_id``, ``git_commit``, ``fingerprint`` (it hashes the code files). All else must match,
  input ``sha256`` and ``versions`` included; the root's absolute path becomes ``<ROOT>``.
* Text (HTML pages, notebook outputs, the xlsx provenance sheet, run.log): the root path becomes
  ``<ROOT>`` (reports print ``history_root=/abs/path``); run ids (``20261201T215929.98Z``,
  ``20261201T221500-abcdef``) ``<RUNID>``; ISO date-times ``<TIMESTAMP>``; bare HH:MM:SS ``<TIME>``;
  durations (``1.2 s``, ``33.1s``, ``5 ms``, ``3 giây``) ``<DUR>``; ``git <commit>`` and hex of 7-64
  characters with a digit and a letter ``<HEX>``, EXCEPT prefixes of input SHA-256 hashes (of the
  files under data/raw and those in run.json, either side), which are still checked. Plain numbers
  are never taken for hashes; dates like 03/12/2012 are kept (here they are data). Whitespace is
  collapsed.
* HTML: visible text only (<style>/<script> dropped, tags stripped, entities decoded) plus link
  targets (href/src but data: URIs), so a broken link shows. Embedded base64 images: the count per
  type must match; whether the bytes are identical is reported, not counted (matplotlib may vary).
* ipynb: outputs only (text/html as visible text, text/plain, streams, errors), normalised; images
  as for HTML. Code, injected parameters and papermill metadata are not compared.
* xlsx: every cell of every sheet as text, exact; only the provenance sheet is normalised.
* Great Expectations Data Docs (``reports/**/data_docs/``, ``data/processed/**/gx/``): GX writes
  random ids and timestamps, so only file names are compared, timestamp folders masked.
* Anything else (fonts, .gitkeep, ...): byte for byte.
"""

import difflib
import hashlib
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from itertools import zip_longest
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

AREAS = ("data/processed", "reports")
IGNORED_NAMES = {".parlib.lock"}
VOLATILE_KEYS = {"run_id", "fingerprint", "git_commit", "seconds"}  # plus *_at and duration*
MAX_CELLS, MAX_DIFF_LINES = 10, 40

RUNID = re.compile(r"\b\d{8}T\d{6}(?:\.\d+)?Z?(?:-[0-9a-f]{4,})?\b")
MASKS = [  # applied in this order
    (RUNID, "<RUNID>"),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
        ),
        "<TIMESTAMP>",
    ),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b"), "<TIME>"),
    (re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:ms|s|sec|seconds?|giây|min|phút)\b"), "<DUR>"),
    (re.compile(r"\bgit [0-9a-f]{7,40}\b"), "git <HEX>"),
]
BLOCKS = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "pre",
    "caption",
    "footer",
}
HEX = re.compile(r"\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7,64}\b")  # a digit and a letter


class Normaliser:
    """Masks what differs between runs of the same code (see the module docstring)."""

    def __init__(self, roots: list[Path], stable_hashes: set[str], versions: tuple[str, ...] = ()):
        # both roots, for both sides: a copied run's pages still name the folder where it ran
        self.roots = sorted({str(r.resolve()) for r in roots}, key=len, reverse=True)
        self.stable = stable_hashes
        # --parlib-versions OLD,NEW: a release's own version number is not a difference
        self.versions = (
            re.compile("|".join(rf"(?<![\w.]){re.escape(v)}(?![\w.])" for v in versions))
            if versions
            else None
        )

    def unroot(self, text: str) -> str:
        for root in self.roots:
            text = text.replace(root, "<ROOT>")
        return self.versions.sub("<PARLIB-VERSION>", text) if self.versions else text

    def _hex(self, m: re.Match) -> str:
        return m.group(0) if any(h.startswith(m.group(0)) for h in self.stable) else "<HEX>"

    def __call__(self, text: str) -> str:
        text = self.unroot(text)
        for pattern, mask in MASKS:
            text = pattern.sub(mask, text)
        return re.sub(r"\s+", " ", HEX.sub(self._hex, text)).strip()


class PageText(HTMLParser):
    """Visible text, link targets and embedded images of an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # decodes entities
        self.text, self.links, self.images, self._skip = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.text += ["\n"] if tag in BLOCKS else []
        for name, value in attrs:
            if name in ("href", "src") and value and value.startswith("data:image/"):
                mime, _, payload = value[5:].partition(";base64,")
                self.images.append((mime, hashlib.sha256(payload.encode()).hexdigest()))
            elif name in ("href", "src") and value and not value.startswith("data:"):
                self.links.append(f"[{name}={value}]")

    def handle_endtag(self, tag):
        self._skip = max(0, self._skip - (tag in ("style", "script")))
        self.text += ["\n"] if tag in BLOCKS else []

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse_html(source: str, norm: Normaliser) -> tuple[list[str], list]:
    """Normalised text, a line per block (paragraph, heading, table row...) for readable diffs; images."""
    page = PageText()
    page.feed(source)
    lines = [line for line in map(norm, " ".join(page.text).split("\n")) if line]
    return lines + ["LINKS:"] + [norm(x) for x in page.links], page.images


def notebook_outputs(path: Path, norm: Normaliser) -> tuple[list[str], list]:
    lines, images = [], []
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        for out in cell.get("outputs", []):
            data, parts = out.get("data", {}), []
            if "text" in out:  # a stream
                parts.append(norm(out.get("name", "") + ": " + "".join(out["text"])))
            if out.get("output_type") == "error":
                parts.append(norm(f"error {out.get('ename')}: {out.get('evalue')}"))
            if "text/html" in data:
                text, imgs = parse_html("".join(data["text/html"]), norm)
                parts, images = parts + ["html: " + t for t in text], images + imgs
            if "text/plain" in data:
                parts.append("plain: " + norm("".join(data["text/plain"])))
            images += [
                (k, hashlib.sha256("".join(v).encode()).hexdigest())
                for k, v in data.items()
                if k.startswith("image/")
            ]
            lines += [f"[cell {i}] {p}" for p in parts]
    return lines, images


def first(messages: list[str], what: str, limit: int = MAX_CELLS) -> list[str]:
    return messages[:limit] + (
        [f"  ... {len(messages) - limit} more {what}"] if len(messages) > limit else []
    )


def diff_lines(a: list[str], b: list[str]) -> list[str]:
    diff = difflib.unified_diff(a, b, "before", "after", lineterm="", n=1)
    return first(["  " + line for line in diff], "diff lines", MAX_DIFF_LINES)


# Comparers: (before_path, after_path, normaliser) -> (problems, notes). Problems make the file
# differ; notes are only reported.


def compare_csv(a: Path, b: Path, _norm):
    if a.read_bytes() == b.read_bytes():
        return [], []
    da, db = (pd.read_csv(p, dtype=str, keep_default_na=False) for p in (a, b))
    out = (
        []
        if list(da.columns) == list(db.columns)
        else [f"  columns differ: before {list(da.columns)}, after {list(db.columns)}"]
    )
    if da.shape != db.shape:
        out.append(f"  shape (rows, columns) differs: before {da.shape}, after {db.shape}")
    cells = sorted(
        (row, col)
        for col in da.columns
        if col in db.columns
        for row in range(min(len(da), len(db)))
        if da[col].iat[row] != db[col].iat[row]
    )
    key = next(
        (c for c in da.columns if c.endswith("_id") or c in ("code", "criterion")), da.columns[0]
    )
    out += first(
        [
            f"  row {row} (file line {row + 2}, {key}={da[key].iat[row]!r}), column {col!r}: "
            f"before {da[col].iat[row]!r}, after {db[col].iat[row]!r}"
            for row, col in cells
        ],
        "differing cells",
    )
    return out or [
        "  text differs (line endings, quoting or trailing lines) but every cell is equal"
    ], []


def strip_volatile(obj, norm: Normaliser):
    if isinstance(obj, dict):
        return {
            k: strip_volatile(v, norm)
            for k, v in obj.items()
            if k not in VOLATILE_KEYS and not k.endswith("_at") and not k.startswith("duration")
        }
    if isinstance(obj, list):
        return [strip_volatile(v, norm) for v in obj]
    return norm.unroot(obj) if isinstance(obj, str) else obj


def json_diffs(a, b, where="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b), key=str)
            for d in json_diffs(a.get(k, "<missing>"), b.get(k, "<missing>"), f"{where}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in json_diffs(x, y, f"{where}[{i}]")
        ]
    show = lambda v: json.dumps(v, ensure_ascii=False)[:200]  # noqa: E731
    return [] if a == b else [f"  key {where or '<top>'}: before {show(a)}, after {show(b)}"]


def compare_json(a: Path, b: Path, norm):
    ja, jb = (strip_volatile(json.loads(p.read_text(encoding="utf-8")), norm) for p in (a, b))
    return json_diffs(ja, jb), []


def text_and_images(extract):
    """A comparer for pages and notebooks: normalised text lines, and embedded images whose count
    per type must match; new bytes with the same count are only a note (matplotlib may vary)."""

    def compare(a: Path, b: Path, norm):
        (ta, ia), (tb, ib) = extract(a, norm), extract(b, norm)
        cb, ca = Counter(m for m, _ in ia), Counter(m for m, _ in ib)
        problems = (
            [f"  embedded images differ in count: before {dict(cb)}, after {dict(ca)}"]
            if cb != ca
            else []
        )
        notes = (
            [f"  note: {len(ia)} embedded image(s), bytes NOT identical"]
            if not problems and ia != ib
            else []
        )
        return problems + diff_lines(ta, tb), notes

    return compare


def compare_xlsx(a: Path, b: Path, norm):
    wa, wb = (openpyxl.load_workbook(p, read_only=True, data_only=True) for p in (a, b))
    out = (
        []
        if wa.sheetnames == wb.sheetnames
        else [f"  sheets: before {wa.sheetnames}, after {wb.sheetnames}"]
    )
    for name in [s for s in wa.sheetnames if s in wb.sheetnames]:
        clean = (
            norm if name == "provenance" else str
        )  # only the provenance sheet has volatile cells
        rows = zip_longest(
            *[
                [
                    ["" if v is None else clean(str(v)) for v in row]
                    for row in book[name].iter_rows(values_only=True)
                ]
                for book in (wa, wb)
            ],
            fillvalue=[],
        )
        out += first(
            [
                f"  sheet {name!r} cell {get_column_letter(c + 1)}{r + 1}: before {x!r}, after {y!r}"
                for r, (xa, xb) in enumerate(rows)
                for c, (x, y) in enumerate(zip_longest(xa, xb, fillvalue=""))
                if x != y
            ],
            f"differing cells in sheet {name!r}",
        )
    wa.close(), wb.close()
    return out, []


def compare_log(a: Path, b: Path, norm):
    la, lb = ([norm(line) for line in p.read_text(encoding="utf-8").splitlines()] for p in (a, b))
    return diff_lines(la, lb), []


def compare_bytes(a: Path, b: Path, _norm):
    return ([] if a.read_bytes() == b.read_bytes() else ["  bytes differ"]), []


def is_gx(rel: str) -> bool:
    return "/data_docs/" in rel or "/gx/" in rel


COMPARERS = {
    ".csv": compare_csv,
    ".json": compare_json,
    ".xlsx": compare_xlsx,
    ".log": compare_log,
    ".html": text_and_images(lambda p, n: parse_html(p.read_text(encoding="utf-8"), n)),
    ".ipynb": text_and_images(notebook_outputs),
}


def list_files(root: Path) -> dict[str, Path]:
    """Files under data/processed and reports, by path relative to root; no dot-folders, no lock."""
    return {
        p.relative_to(root).as_posix(): p
        for area in AREAS
        for p in sorted((root / area).rglob("*"))
        if p.is_file()
        and p.name not in IGNORED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(root).parts[:-1])
    }


def stable_hashes(root: Path) -> set[str]:
    """SHA-256 of the inputs (files under data/raw, and those recorded in run.json): never masked."""
    raw = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (root / "data/raw").rglob("*")
        if p.is_file()
    }
    return raw | {
        i["sha256"]
        for run in (root / "data/processed").rglob("run.json")
        for i in json.loads(run.read_text(encoding="utf-8")).get("inputs", [])
        if "sha256" in i
    }


def main(before_root: str, after_root: str, verbose: bool = False, versions: tuple = ()) -> int:
    before, after = Path(before_root), Path(after_root)
    for root in (before, after):
        if not all((root / area).is_dir() for area in AREAS):
            sys.exit(print(f"{root}: no data/processed/ or reports/ folder", file=sys.stderr) or 2)
    hashes = stable_hashes(before) | stable_hashes(after)
    norm = Normaliser([before, after], hashes, versions)
    fb, fa = list_files(before), list_files(after)

    gx_b, gx_a = (Counter(RUNID.sub("<RUNID>", r) for r in files if is_gx(r)) for files in (fb, fa))
    print(
        f"NOTE Great Expectations Data Docs (data_docs/, gx/): {sum(gx_b.values())} files before, "
        f"{sum(gx_a.values())} after, {sum((gx_b & gx_a).values())} names match; compared by file name "
        "only (timestamp folders masked), contents skipped: GX writes random ids and timestamps."
    )
    only_b = sorted(r for r in set(fb) - set(fa) if not is_gx(r)) + sorted((gx_b - gx_a).elements())
    only_a = sorted(r for r in set(fa) - set(fb) if not is_gx(r)) + sorted((gx_a - gx_b).elements())

    identical, differ, new_image_bytes = 0, 0, []
    for rel in sorted(r for r in set(fb) & set(fa) if not is_gx(r)):
        compare = COMPARERS.get(Path(rel).suffix, compare_bytes)  # fonts, images, .gitkeep
        try:
            problems, notes = compare(fb[rel], fa[rel], norm)
        except Exception as exc:  # an unreadable file is a difference, not a crash
            problems, notes = [f"  could not compare: {type(exc).__name__}: {exc}"], []
        if problems:
            differ += 1
            print(f"DIFFERS {rel}\n" + "\n".join(problems + notes))
        else:
            identical += 1
            new_image_bytes += [rel] if notes else []
    shown = ", ".join(
        new_image_bytes if verbose else new_image_bytes[:5] + ["..."] * (len(new_image_bytes) > 5)
    )
    print(
        f"NOTE {len(new_image_bytes)} identical file(s) have embedded images of the same count whose bytes "
        f"differ (not counted as a difference; -v lists all): {shown}"
        if new_image_bytes
        else "NOTE embedded images: all byte-identical"
    )
    for line in [f"ONLY BEFORE {r}" for r in only_b] + [f"ONLY AFTER  {r}" for r in only_a]:
        print(line)
    print(
        f"{identical + differ} files compared, {identical} identical, {differ} differ, "
        f"only-before {len(only_b)}, only-after {len(only_a)}"
    )
    return 0 if differ == 0 and not only_b and not only_a else 1


if __name__ == "__main__":
    argv = sys.argv[1:]
    versions: tuple = ()
    if "--parlib-versions" in argv:  # e.g. --parlib-versions 0.1.0,0.2.0
        at = argv.index("--parlib-versions")
        versions = tuple(argv[at + 1].split(",")) if at + 1 < len(argv) else ()
        argv = argv[:at] + argv[at + 2 :]
    args = [a for a in argv if a != "-v"]
    if len(args) != 2 or ("--parlib-versions" in sys.argv and not versions):
        usage = "usage: python compare_outputs.py [-v] [--parlib-versions OLD,NEW] BEFORE AFTER"
        sys.exit(print(usage, file=sys.stderr) or 2)
    sys.exit(main(*args, verbose="-v" in argv, versions=versions))
