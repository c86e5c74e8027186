"""Writing files so that nobody ever sees half of one: a temporary file in the same folder,
fsync, then an atomic rename. Files get the usual permissions (0666 less the umask), not
mkstemp's private 0600, so a web server or another user can read reports and pages.
A full disk raises disk.DiskFull naming the file and the bytes it needed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from paperbrief.disk import raise_if_full


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_atomic(path: Path | str, data: str | bytes, *, sync: bool = True) -> None:
    """Replace `path` with `data` (text is written as UTF-8 with \\n line ends) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise_if_full(e, path, len(payload))
        raise
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise_if_full(e, path, len(payload))
        raise
