"""No view or API module reads a model's default manager: records reach pages through selectors, which
restrict them with the visibility layer (`core/visibility.py`) first.

The modules are parsed, not imported: `Model.objects`, `Model._default_manager` / `_base_manager` and
`get_object_or_404(Model, ...)` / `get_list_or_404(Model, ...)` are reported with their line. A queryset
from a selector (`get_object_or_404(selectors.vessels_for(user), pk=pk)`) is fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

# Models that are not anyone's records: every page may read them directly. Keep this short.
ALLOWED = {
    # Reference data, the same for everyone: UN/LOCODE ports of entry looked up by code.
    "Port": "reference data",
    # The member administrations, a public list (forms and API payloads name them by ISO code).
    "Administration": "reference data",
}

MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _modules() -> list[Path]:
    found = [
        path
        for path in PACKAGE.rglob("*.py")
        if (path.name in ("views.py", "api.py") or path.name.endswith("_views.py"))
        and "tests" not in path.relative_to(PACKAGE).parts
    ]
    return sorted(found)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def direct_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) of every direct read of a model's manager in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _name(node.value)
            if model not in ALLOWED:
                found.append((node.lineno, f"{model}.{node.attr}"))
        elif isinstance(node, ast.Call) and _name(node.func) in SHORTCUTS and node.args:
            model = _name(node.args[0])
            # A model class, not a queryset a selector returned (a call) or a variable holding one.
            if model is not None and model[:1].isupper() and model not in ALLOWED:
                found.append((node.lineno, f"{_name(node.func)}({model}, ...)"))
    return sorted(found)


def test_the_check_finds_each_kind_of_direct_read() -> None:
    source = (
        "a = Vessel.objects.filter(pk=1)\n"
        "b = models.Vessel._default_manager.all()\n"
        "c = get_object_or_404(Vessel, pk=1)\n"
        "d = get_object_or_404(selectors.vessels_for(user), pk=1)\n"
        "e = Port.objects.get(locode='AGSJO')\n"
    )
    assert direct_reads(source) == [
        (1, "Vessel.objects"),
        (2, "Vessel._default_manager"),
        (3, "get_object_or_404(Vessel, ...)"),
    ]


def test_no_view_or_api_module_reads_a_model_directly() -> None:
    modules = _modules()
    assert len(modules) >= 10, "the view and API modules were not found"
    problems = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in modules
        for line, what in direct_reads(path.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "Views and API endpoints read records through a selector that starts from "
        "caribclear.core.visibility.visible()/get_visible_or_404() (register the model's rule in its "
        "app's visibility.py):\n" + "\n".join(problems)
    )
