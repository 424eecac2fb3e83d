"""CaribClear watchlist matching engine: pure Python, no Django.

>>> from caribclear.screening.engine import Entity, Index
>>> index = Index.build([Entity("1", "Person", ("GARCIA LOPEZ, María José",), ("1970-03-05",))])
>>> [m.entity_id for m in index.screen(Entity("q", "Person", ("MARIA JOSE GARCIA",), ("1970-03-05",)))]
['1']
"""

from .batch import DEFAULT_LIMIT, ScreenSummary, screen_file, screen_many
from .errors import InputError, WorkerError
from .formats import FORMATS, detect_format, iter_queries, read_watchlist
from .index import DEFAULT_THRESHOLD, Index
from .model import SCHEMAS, Entity, Evidence, ListInfo, Match, Schema

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "FORMATS",
    "SCHEMAS",
    "Entity",
    "Evidence",
    "Index",
    "InputError",
    "ListInfo",
    "Match",
    "Schema",
    "ScreenSummary",
    "WorkerError",
    "detect_format",
    "iter_queries",
    "read_watchlist",
    "screen_file",
    "screen_many",
]
