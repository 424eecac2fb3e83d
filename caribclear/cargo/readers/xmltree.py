"""A small, safe XML reader for the cargo formats: elements by local name, with their line numbers.

No DTD, no entities (the cargo formats never need them; refusing them stops entity expansion and
external fetches), namespaces dropped to local names (Cargo-XML files mix prefixes freely).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from caribclear.edifact.model import ReadError, Where


@dataclass(slots=True)
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def find(self, path: str) -> Node | None:
        node: Node | None = self
        for name in path.split("/"):
            if node is None:
                return None
            node = next((c for c in node.children if c.tag == name), None)
        return node

    def findall(self, path: str) -> list[Node]:
        *head, last = path.split("/")
        parent = self.find("/".join(head)) if head else self
        return [c for c in parent.children if c.tag == last] if parent is not None else []

    def value(self, path: str) -> str:
        node = self.find(path)
        return node.text if node is not None else ""

    def iter(self, tag: str) -> Iterator[Node]:
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.iter(tag)

    def path(self) -> str:
        names = []
        node: Node | None = self
        while node is not None:
            names.append(node.tag)
            node = node.parent
        return "/" + "/".join(reversed(names))

    def where(self) -> Where:
        return Where(line=self.line, element=self.path())


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def parse_xml(data: bytes) -> Node:
    """The root element; ReadError (with the line) for XML that is not well formed or has a DTD."""
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Node] = []
    root: list[Node] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= 100:
            raise ReadError(
                "xml_depth", "The XML nests deeper than 100 elements.", Where(line=parser.CurrentLineNumber)
            )
        node = Node(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(name: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack:
            stack[-1].parts.append(text)

    def refuse_dtd(*args: object) -> None:
        raise ReadError(
            "xml_dtd",
            "The XML file declares a DTD or entities, which are not accepted.",
            Where(line=parser.CurrentLineNumber),
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ReadError(
            "xml_syntax",
            f"The XML is not well formed: {expat.ErrorString(exc.code)}.",
            Where(line=exc.lineno, element=f"column {exc.offset + 1}"),
        ) from None
    if not root:
        raise ReadError("xml_empty", "The XML file has no element.", Where(line=1))
    return root[0]
