"""Writes of the screening app, one module per subject:

- :mod:`.watchlists`: creating imported lists, who may use them, importing a new version of a file;
- :mod:`.lookouts`: regional lookouts entered by officials;
- :mod:`.indexes`: engine indexes cached per list version, lookout revisions and intelligence alerts;
- :mod:`.runs`: screening a declaration (its subjects come from its kind's registration);
- :mod:`.dispositions`: officers' reviews of hits.

Which open declarations a change of a list must screen again is :mod:`caribclear.screening.rechecks` (sent as
a signal, run by :mod:`caribclear.screening.tasks`). The engine (``caribclear.screening.engine``) does the matching; these modules store what it reads and the
hits it finds.
"""

from __future__ import annotations

from .dispositions import hit_dispose
from .entities import content_hash, entity_from_data, entity_to_data, file_sha256, search_name
from .indexes import (
    MATCH_LIMIT,
    IndexCache,
    IntelIndex,
    index_cache,
    intel_list_for,
    intel_lookout_entity,
)
from .lookouts import lookout_create, lookout_entity, lookout_list_for, lookout_update, lookout_withdraw
from .runs import (
    Subject,
    declaration_screen,
    declaration_subjects,
    declaration_subjects_screen,
    declarations_screen,
    screening_sources,
    subject_query,
)
from .watchlists import DIFF_LISTED, watchlist_create, watchlist_import, watchlist_update

__all__ = [
    "DIFF_LISTED",
    "MATCH_LIMIT",
    "IndexCache",
    "IntelIndex",
    "Subject",
    "content_hash",
    "declaration_screen",
    "declaration_subjects",
    "declaration_subjects_screen",
    "declarations_screen",
    "entity_from_data",
    "entity_to_data",
    "file_sha256",
    "hit_dispose",
    "index_cache",
    "intel_list_for",
    "intel_lookout_entity",
    "lookout_create",
    "lookout_entity",
    "lookout_list_for",
    "lookout_update",
    "lookout_withdraw",
    "screening_sources",
    "search_name",
    "subject_query",
    "watchlist_create",
    "watchlist_import",
    "watchlist_update",
]
