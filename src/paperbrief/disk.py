"""A full disk, said plainly: which path could not be written, how much was needed, how much is free.

    try:
        f.write(data)
    except OSError as e:
        raise_if_full(e, path, needed=len(data))
        raise

`DiskFull` is an OSError (errno ENOSPC), so code that already handles OSError keeps working;
its message is one line for the user.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def human(n: int | float) -> str:
    """A byte count for people: 512 B, 3.4 MB, 1.2 GB."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def free_bytes(path: Path | str) -> int | None:
    """Free bytes on the disk that holds `path` (or its nearest existing parent); None if unknown."""
    p = Path(path)
    for candidate in (p, *p.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


class DiskFull(OSError):
    """Writing `path` failed because its disk (or quota, or file size limit) is full."""

    def __init__(self, path: Path | str, needed: int | None = None, cause: OSError | None = None) -> None:
        self.path = Path(path)
        self.needed = needed
        self.free = free_bytes(self.path)
        code = cause.errno if cause is not None and cause.errno in FULL_ERRNOS else errno.ENOSPC
        super().__init__(code, self.describe(cause), str(path))

    def describe(self, cause: OSError | None = None) -> str:
        why = {errno.EDQUOT: "the disk quota is used up", errno.EFBIG: "the file size limit is reached"}.get(
            (cause.errno or 0) if cause is not None else 0, "the disk is full"
        )
        need = f"; it needed {human(self.needed)}" if self.needed else ""
        free = f", {human(self.free)} free" if self.free is not None else ""
        return f"cannot write {self.path}: {why}{free}{need}. Free some space and run the same command again"

    def __str__(self) -> str:
        return self.strerror or "disk full"


def is_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in FULL_ERRNOS


def raise_if_full(error: OSError, path: Path | str, needed: int | None = None) -> None:
    """Raise DiskFull for `path` when `error` says the disk is full; otherwise do nothing."""
    if isinstance(error, DiskFull):
        raise error
    if is_full(error):
        raise DiskFull(path, needed, error) from error
