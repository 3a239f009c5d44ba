"""Writing a whole file in one step, without destroying what is not a regular file.

Every file the plugin writes (the export, spliced pages, comment pages and feeds, the page index
and threads manifest, the embed snapshot and its images, mention photos, the headers file) goes
through :func:`write_file`. A temporary file renamed over the target means a web server, the
endpoint or a backup job reads the old file or the new one, never half of one. That rename is
only right for a regular file or a new path, though: renamed over ``/dev/null`` it turns the
device into a plain file (as root every service on the machine then fails to write to it), over a
named pipe it cuts off the program reading it, over a symlink it replaces the link instead of the
file the link names. So the target is looked at first:

- ``-``: standard output;
- a symlink: followed, and what it names is judged by these rules (the link stays);
- a regular file or nothing yet: a temporary file beside it, renamed over it;
- a character device (``/dev/null``, a terminal) or a named pipe: written straight into;
- a folder, a block device, a socket: refused with a sentence (:class:`UnsuitableTarget`).
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

STDOUT = "-"


class UnsuitableTarget(Exception):
    """The path names something a file cannot be written to; the message says what and why."""


def write_file(path: Path | str, data: str | bytes, *, mode: int = 0o644, only_if_changed: bool = False,
               durable: bool = False) -> bool:
    """Write ``data`` (text is UTF-8) to ``path``; False only when ``only_if_changed`` found it equal.

    ``mode`` applies to a file this creates or replaces (0o600 for private backups); ``durable``
    flushes it to the disk before the rename, for backups that must survive a power cut.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == STDOUT:
        _write_stdout(payload)
        return True
    kind = _kind(path)
    if kind == "stream":
        # Opened by the name given: the kernel follows /dev/stdout or /dev/fd/N to the pipe itself.
        _write_stream(path, payload)
        return True
    target = Path(os.path.realpath(path))  # the file a symlink names, even a missing one
    if kind == "file" and only_if_changed and target.read_bytes() == payload:
        return False
    _replace(target, (payload,), mode=mode, durable=durable)
    return True


def write_chunks(path: Path | str, chunks: Iterable[bytes], *, mode: int = 0o644,
                 durable: bool = False) -> None:
    """Write the bytes ``chunks`` gives, in order, to ``path``, as :func:`write_file` writes.

    For a file each chunk goes into the temporary file as it comes (a 90 MB export is never one
    string in memory); the rename happens only after the last one, so an error while ``chunks``
    is being read leaves the old file untouched. Standard output, a device or a pipe gets the
    whole content at once, after the last chunk, so a failure midway writes nothing there either.
    """
    if str(path) == STDOUT:
        _write_stdout(b"".join(chunks))
        return
    if _kind(path) == "stream":
        _write_stream(path, b"".join(chunks))
        return
    _replace(Path(os.path.realpath(path)), chunks, mode=mode, durable=durable)


def _kind(path: Path | str) -> str:
    """``new``, ``file`` or ``stream`` for what may be written; UnsuitableTarget for the rest."""
    try:
        found = os.stat(path).st_mode  # follows symlinks, as opening would
    except FileNotFoundError:
        return "new"
    except OSError as error:
        raise UnsuitableTarget(f"{path} cannot be written: {error.strerror}") from None
    if stat.S_ISREG(found):
        return "file"
    if stat.S_ISCHR(found) or stat.S_ISFIFO(found):
        return "stream"
    if stat.S_ISDIR(found):
        raise UnsuitableTarget(f"{path} is a folder: give the name of a file to write")
    what = "a block device" if stat.S_ISBLK(found) else "a socket" if stat.S_ISSOCK(found) else "special"
    raise UnsuitableTarget(f"{path} is not a regular file ({what}); it was left alone")


def _write_stdout(payload: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stand-in (some test runners)
        sys.stdout.write(payload.decode("utf-8"))
    else:
        stream.write(payload)
        stream.flush()
    sys.stdout.flush()


def _write_stream(target: Path | str, payload: bytes) -> None:
    """Write into a device or pipe as a shell redirection would (a pipe waits for its reader)."""
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _replace(target: Path, chunks: Iterable[bytes], *, mode: int, durable: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            for chunk in chunks:
                handle.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
