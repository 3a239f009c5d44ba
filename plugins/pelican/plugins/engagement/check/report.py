"""One problem found in the output, printed the way compilers print theirs (``file:line: …``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

#: Problem kinds, in the order a report lists them.
KINDS = ("link", "anchor", "alt", "html", "feed", "embed", "external")


@dataclass(frozen=True, order=True)
class Problem:
    """Something in ``path`` (relative to the output folder) that a reader would trip over."""

    path: str
    line: int
    kind: str
    message: str
    #: The URL the problem is about, as the page has it (what to search for in the source).
    target: str = field(default="", compare=False)
    #: The Markdown (or other) source file the page was built from, and the line there, when the
    #: offending text was found in it: the place an editor fixes.
    source: str = field(default="", compare=False)
    source_line: int = field(default=0, compare=False)
    #: Other pages showing the same mistake of the same source line (lists, feeds of summaries).
    elsewhere: int = field(default=0, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.source:
            more = f" and {self.elsewhere} other page(s)" if self.elsewhere else ""
            return f"{self.source}:{self.source_line}: {self.kind}: {self.message} (in {where}{more})"
        return f"{where}: {self.kind}: {self.message}"

    def found_in(self, source: str, line: int) -> Problem:
        """The same problem, traced back to the line of its source file."""
        return replace(self, source=source, source_line=line)
