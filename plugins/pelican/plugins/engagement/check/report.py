"""One problem found in the output, printed the way compilers print theirs (``file:line: …``)."""

from __future__ import annotations

from dataclasses import dataclass

#: Problem kinds, in the order a report lists them.
KINDS = ("link", "anchor", "alt", "html", "feed", "embed", "external")


@dataclass(frozen=True, order=True)
class Problem:
    """Something in ``path`` (relative to the output folder) that a reader would trip over."""

    path: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.kind}: {self.message}"
