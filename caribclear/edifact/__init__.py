"""UN/EDIFACT for CaribClear: the interchange reader and the CUSRES writer (pure Python, no Django)."""

from .model import EdifactFile, Group, Interchange, Issue, Message, ReadError, Segment, Where
from .reader import Separators, read_interchanges

__all__ = [
    "EdifactFile",
    "Group",
    "Interchange",
    "Issue",
    "Message",
    "ReadError",
    "Segment",
    "Separators",
    "Where",
    "read_interchanges",
]
