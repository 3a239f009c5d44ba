"""rsync targets: an SSH host (``user@host:/var/www/site/``), an rsync daemon or a local folder.

A full deploy is one ``rsync`` command, printed as it runs (``--dry-run`` prints it without running
it): ``--checksum`` because Pelican rewrites every file (new modification times) on each build;
``--delete-after`` so pages disappear only once the new ones are in place. A push of changed
files after an approval is the same command restricted to a list (``--files-from``); paths that
the update removed are in the list too, and ``--delete-missing-args`` deletes them on the target.
SSH options (port, key) come from the usual places (``~/.ssh/config``, ``RSYNC_RSH``).

A push runs in the background of a moderating process or the page worker, holding the ``pages``
lease: a host that accepts the connection and then says nothing must not hold it for ever, so a
push gives up after :data:`PUSH_IO_TIMEOUT` seconds without any data moving (rsync's
``--timeout``) and is retried with back-off like any other failure.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pelican.plugins.engagement.deploy.errors import DeployError

_COMMON = ["--recursive", "--links", "--checksum", "--compress", "--chmod=D755,F644"]
#: Seconds a push may go without data moving before rsync gives up (a hung SSH host).
PUSH_IO_TIMEOUT = 60


def find_tool(name: str) -> str | None:
    """``name`` on PATH, or installed next to this Python."""
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else None


class RsyncTarget:
    """Copies to ``destination`` with the ``rsync`` command."""

    def __init__(self, destination: str, *, delete: bool = True) -> None:
        self.destination = destination.rstrip("/") + "/"
        self.delete = delete

    def full_command(self, output: Path) -> list[str]:
        """The command of a full deploy: the folder's contents, not the folder itself."""
        command = ["rsync", *_COMMON[:4], "--human-readable", "--itemize-changes", _COMMON[4]]
        if self.delete:
            command.append("--delete-after")
        return [*command, str(output).rstrip("/") + "/", self.destination]

    def deploy_all(self, output: Path, *, dry_run: bool = False) -> list[str]:
        command = self.full_command(output)
        if not dry_run:
            self._run(command)
        return [" ".join(command)]

    def push(self, output: Path, paths: Iterable[str]) -> None:
        """Copy ``paths`` (relative to ``output``) and delete those no longer in ``output``."""
        listed = sorted(set(paths))
        if not listed:
            return
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".files") as files:
            files.write("\n".join(listed) + "\n")
            files.flush()
            self._run(["rsync", *_COMMON, f"--files-from={files.name}", "--delete-missing-args",
                       f"--timeout={PUSH_IO_TIMEOUT}", str(output).rstrip("/") + "/", self.destination])

    @staticmethod
    def _run(command: list[str]) -> None:
        tool = find_tool("rsync")
        if tool is None:
            raise DeployError("rsync is not installed (apt-get install rsync)")
        result = subprocess.run([tool, *command[1:]], check=False, capture_output=True, text=True)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise DeployError(f"rsync failed with exit status {result.returncode}"
                              + (f": {detail[-1]}" if detail else ""))
