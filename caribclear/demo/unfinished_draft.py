"""Demo of issue 9's forms points: the skipper has a draft kept as typed (a vessel, the last port and the
master chosen, no port of entry or time yet), to continue or discard from My voyages."""

from __future__ import annotations

from collections.abc import Callable

from caribclear.accounts.models import User
from caribclear.clearance.models import UnfinishedNotification
from caribclear.clearance.services import unfinished_save
from caribclear.vessels.models import Person, Vessel


def seed_unfinished_draft_demo(*, skipper: User, write: Callable[[str], object]) -> None:
    if not UnfinishedNotification.objects.filter(account=skipper).exists():
        vessel = Vessel.objects.filter(account=skipper).order_by("pk").first()
        master = Person.objects.filter(account=skipper, category="crew").order_by("pk").first()
        data: dict[str, list[str]] = {"last_port": ["Rodney Bay"], "last_port_country": ["LC"]}
        if vessel is not None:
            data["vessel"] = [str(vessel.pk)]
        if master is not None:
            data[f"role_{master.pk}"] = ["master"]
        unfinished_save(actor=skipper, data=data)
    write("  The skipper has a draft kept as typed (no port or time yet) under My voyages.")
