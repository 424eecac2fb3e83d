"""What the interchange reader returns: segments with their line, messages, groups, interchanges, issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Where:
    """Where something was found: the line of the original file, the segment and its position, the element."""

    line: int | None = None
    segment: str | None = None
    position: int | None = None  # 1-based position of the segment in its message (UNH is 1)
    element: str | None = None  # e.g. "NAD 4.1" or an XML path
    row: int | None = None  # CSV/XLSX row
    column: str | None = None  # CSV/XLSX column

    def to_json(self) -> dict[str, Any]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) is not None}

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.segment is not None:
            seg = f"segment {self.segment}"
            if self.position is not None:
                seg += f" (#{self.position} of its message)"
            parts.append(seg)
        if self.element is not None:
            parts.append(f"element {self.element}")
        return ", ".join(parts) or "file"


@dataclass(frozen=True, slots=True)
class Issue:
    """A warning (the file is read) or an error (the part it names is rejected)."""

    code: str
    message: str
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "where": self.where.to_json()}

    def __str__(self) -> str:
        return f"{self.message} ({self.where})"


class ReadError(Exception):
    """A file (or an interchange in it) that cannot be read, with where reading stopped."""

    def __init__(self, code: str, message: str, where: Where | None = None) -> None:
        super().__init__(message)
        self.issue = Issue(code, message, where or Where())

    def __str__(self) -> str:
        return str(self.issue)


@dataclass(slots=True)
class Segment:
    """One segment: tag, elements (each a list of components), line in the original file."""

    tag: str
    elements: list[list[str]]
    line: int
    position: int = 0

    def get(self, element: int, component: int = 1) -> str:
        """Element and component numbered from 1 after the tag, as the directories number them; '' if absent."""
        if element < 1 or element > len(self.elements):
            return ""
        comps = self.elements[element - 1]
        if component < 1 or component > len(comps):
            return ""
        return comps[component - 1]

    def components(self, element: int) -> list[str]:
        if element < 1 or element > len(self.elements):
            return []
        return self.elements[element - 1]

    def where(self, element: str | None = None) -> Where:
        return Where(line=self.line, segment=self.tag, position=self.position or None, element=element)


@dataclass(slots=True)
class Message:
    """UNH ... UNT, with its type as declared (or inferred when UNH left it empty)."""

    reference: str
    type: str
    version: str
    release: str
    agency: str
    association: str
    common_access_reference: str
    segments: list[Segment]
    line: int
    group_reference: str | None = None

    @property
    def directory(self) -> str:
        return f"{self.version}{self.release}" if self.version or self.release else ""

    def body(self) -> list[Segment]:
        """The segments between UNH and UNT."""
        return [s for s in self.segments if s.tag not in ("UNH", "UNT")]


@dataclass(slots=True)
class Group:
    """UNG ... UNE (a functional group)."""

    message_type: str
    sender: str
    recipient: str
    reference: str
    version: str
    line: int


@dataclass(slots=True)
class Interchange:
    """UNB ... UNZ."""

    syntax: str
    syntax_version: str
    sender: str
    sender_qualifier: str
    recipient: str
    recipient_qualifier: str
    prepared: str  # date:time as sent (YYMMDD:HHMM or CCYYMMDD:HHMM)
    control_reference: str
    application_reference: str
    test: bool
    line: int
    separators: str
    groups: list[Group] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "syntax": f"{self.syntax}:{self.syntax_version}" if self.syntax_version else self.syntax,
            "sender": self.sender,
            "recipient": self.recipient,
            "prepared": self.prepared,
            "control_reference": self.control_reference,
            "application_reference": self.application_reference,
            "test": self.test,
            "groups": len(self.groups),
            "messages": len(self.messages),
            "line": self.line,
        }


@dataclass(slots=True)
class EdifactFile:
    """Every interchange read from one file, and what was noticed on the way."""

    interchanges: list[Interchange] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def messages(self) -> list[Message]:
        return [m for i in self.interchanges for m in i.messages]


def issue_for(exc: Exception) -> Issue:
    """What a reader reports when it stops: the ``ReadError``'s own issue, or, for anything else (a reader
    bug, which must never become a 500; the tests assert it never happens), an internal error."""
    if isinstance(exc, ReadError):
        return exc.issue
    return Issue("internal", f"The file could not be read ({type(exc).__name__}); please report it.", Where())
