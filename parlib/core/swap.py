"""The publish swap: complete staged folders replace published ones so that no crash, at any
instant, loses the last complete copy, and ``recover`` finishes or undoes what a killed run left.

In: pairs (staged folder, target folder), each staged folder complete, and the journal file of the
swap. Out: the targets replaced; the old folders removed.

The protocol (``publish``):

1. **Commit.** The journal (``<journal>.json``, written atomically) lists every pair of the swap
   (for a dataset-year, its processed tables and its reports), with paths relative to the
   journal's folder. It is written only once the staged folders are complete, so a journal names
   complete copies: before it exists the swap has not started and the staged folders are leftovers
   that may be swept; once it exists the swap will be finished, by this run or by the next one.
2. **Swap**, pair by pair: the target is renamed aside (``.<name>.old-<id>``, beside it), then the
   staged folder is renamed into place. Renames are atomic, so at every instant each dataset-year
   has a complete copy under a name recovery knows: the target, its aside copy, or the staged
   folder the journal names.
3. The journal is removed (the swap is done), then each aside copy is renamed to
   ``.<name>.trash-<id>`` (a name that never denotes the only copy) and deleted.

An exception during step 2 undoes the renames done so far (the targets as they were) and removes
the journal; a kill leaves the journal for ``recover``, which, at the start of the next run and
under its lock, rolls every journalled swap forward (the staged copies are complete: that is what
the journal says), then restores any aside copy whose target is missing (a swap killed with no
journal left, e.g. by an older version) and deletes aside copies whose target exists and every
trash folder. Only then may staging folders be swept: none of them is the only complete copy.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from pathlib import Path

from parlib.core import paths
from parlib.core.storage import write_json

log = logging.getLogger(__name__)

ASIDE = re.compile(r"^\.(?P<name>.+)\.old-[0-9a-f]+$")


def _aside(target: Path, swap_id: str) -> Path:
    return target.with_name(f".{target.name}.old-{swap_id}")


def _discard(folder: Path) -> None:
    """Delete a folder that is not the only copy of anything: renamed first (atomic) to a trash
    name, so a deletion killed midway never leaves a partial folder under a name that counts."""
    trash = folder.with_name(f".{folder.name.lstrip('.')}.trash-{uuid.uuid4().hex[:8]}")
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def publish(pairs: list[tuple[Path, Path]], journal: Path) -> None:
    """Replace each pair's target folder by its complete staged folder (the protocol above)."""
    journal = Path(journal)
    swap_id = uuid.uuid4().hex[:8]
    pairs = [(Path(s), Path(t)) for s, t in pairs]
    for _, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
    base = journal.parent
    entries = [
        {
            "staged": os.path.relpath(staged, base),
            "target": os.path.relpath(target, base),
            "aside": os.path.relpath(_aside(target, swap_id), base),
        }
        for staged, target in pairs
    ]
    write_json(journal, {"swap": swap_id, "pairs": entries})  # the commit point
    done: list[tuple[Path, Path]] = []  # renames made, (from, to), to undo on an exception
    try:
        for staged, target in pairs:
            aside = _aside(target, swap_id)
            if target.exists():
                os.replace(target, aside)
                done.append((target, aside))
            os.replace(staged, target)
            done.append((staged, target))
    except BaseException:  # an error or Ctrl-C; a kill runs nothing and leaves the journal
        _undo(done, journal)
        raise
    journal.unlink()
    for _, target in pairs:
        aside = _aside(target, swap_id)
        try:
            if aside.exists():
                _discard(aside)
        except OSError as exc:  # published already: the next run's recovery deletes it
            log.warning(f"the previous copy {paths.display(aside)} stays for now ({exc})")


def _undo(done: list[tuple[Path, Path]], journal: Path) -> None:
    """Reverse the renames of a failed swap (newest first); if that fails too, the journal stays
    and ``recover`` finishes the swap at the next run."""
    try:
        for source, moved_to in reversed(done):
            os.replace(moved_to, source)
    except OSError:
        log.warning(f"the swap could not be undone; the next run completes it ({journal.name})")
        return
    journal.unlink(missing_ok=True)


def pending(journal: Path) -> bool:
    """Whether a swap's journal is still there (its staged folders must then be kept)."""
    return Path(journal).is_file()


def recover(journals: Path, bases: list[Path]) -> list[str]:
    """Finish the swaps killed midway (journals in the folder ``journals``), then restore or delete
    aside copies under ``bases``; returns what was done, one line each (paths as ``display``s)."""
    done: list[str] = []
    for journal in sorted(Path(journals).glob("*.json")) if Path(journals).is_dir() else []:
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # never written whole (the journal's write is atomic): not a commit
        for entry in record.get("pairs", []):
            staged, target, aside = (
                journal.parent / entry[k] for k in ("staged", "target", "aside")
            )
            if staged.is_dir():
                if target.exists() and not aside.exists():
                    os.replace(target, aside)
                if not target.exists():
                    os.replace(staged, target)
                    done.append(f"published {paths.display(target)} (a swap killed midway)")
            elif not target.exists() and aside.is_dir():
                os.replace(aside, target)
                done.append(f"restored {paths.display(target)}")
        journal.unlink()
    for base in bases:
        for folder in sorted(Path(base).glob("**/.*.old-*")):
            match = ASIDE.match(folder.name)
            if not match or not folder.is_dir():
                continue
            target = folder.with_name(match["name"])
            if target.exists():
                _discard(folder)
            else:
                os.replace(folder, target)
                done.append(f"restored {paths.display(target)} (its previous copy)")
        for folder in Path(base).glob("**/.*.trash-*"):
            shutil.rmtree(folder, ignore_errors=True)
    return done
