"""The UN/EDIFACT interchange reader: files as carriers really send them.

What it takes care of, before and around the syntax:

- SITA/ARINC Type-B telex header lines before UNA/UNB, and mail footers or STX/ETX after UNZ;
- byte-order marks, any encoding, stray control characters;
- line breaks anywhere (segments end with the segment terminator, not with a line break), so segments
  hard-wrapped at a fixed width, even mid-tag, are joined again; spaces and tabs before a segment;
- any separators a UNA sets (``*``, ``$``, a newline as segment terminator...), the release character;
- UNB/UNZ, UNG/UNE functional groups, several messages per interchange and several interchanges per file;
- a UNH with an empty message type (taken from the UNG when there is one).

Counts that disagree (UNT, UNE, UNZ) are warnings with the segment's line. A file where no interchange can
be found, or whose UNA sets impossible separators, raises :class:`ReadError` naming the line.

The tokeniser is our own rather than pydifact's: pydifact (0.2.3) reads none of the real PAXLST files in
the shared fixtures (no UNG/UNE, no Type-B envelope, no leading whitespace), does not tell the line of a
segment, and walks the text a character at a time. The tests check that both agree segment for segment
on clean interchanges.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .limits import MAX_BYTES, check_size
from .model import EdifactFile, Group, Interchange, Issue, Message, ReadError, Segment, Where
from .text import decode

DEFAULT_SEPARATORS = ":+.? '"
_START = re.compile(r"UN[AB]")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# C0 controls (and DEL) that have no place in a segment: STX/ETX of a telex, form feeds, NULs.
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])


@dataclass(frozen=True, slots=True)
class Separators:
    component: str
    element: str
    decimal: str
    release: str  # "" when none
    repetition: str  # "" when none
    terminator: str

    @classmethod
    def from_una(cls, chars: str, where: Where) -> Separators:
        component, element, decimal, release, repetition, terminator = (chars[i] for i in range(6))
        release = "" if release == " " else release
        repetition = "" if repetition == " " else repetition
        used = [component, element, terminator] + ([release] if release else [])
        if len(set(used)) != len(used):
            raise ReadError(
                "una_separators",
                f"UNA sets the same character twice among its separators ({chars!r}).",
                where,
            )
        if any(c.isalnum() for c in used):
            raise ReadError(
                "una_separators", f"UNA sets a letter or digit as a separator ({chars!r}).", where
            )
        if repetition in used:
            repetition = ""
        return cls(component, element, decimal, release, repetition, terminator)

    def as_una(self) -> str:
        return (
            self.component
            + self.element
            + self.decimal
            + (self.release or " ")
            + (self.repetition or " ")
            + self.terminator
        )


class _Text:
    """The file's text with its line breaks taken out, and the way back to each original line."""

    def __init__(self, text: str, keep_newlines: bool) -> None:
        pieces = _LINE_BREAK.split(text)
        joiner = "\n" if keep_newlines else ""
        # Offset in `clean` where each original line begins.
        self._starts = list(itertools.accumulate((len(p) + len(joiner) for p in pieces[:-1]), initial=0))
        self.clean = joiner.join(pieces)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def _split(text: str, sep: str, release: str) -> list[str]:
    if not release or release not in text:
        return text.split(sep)
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == release and i + 1 < n:
            current.append(c)
            current.append(text[i + 1])
            i += 2
            continue
        if c == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


def _unescape(value: str, release: str) -> str:
    if not release or release not in value:
        return value
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == release and i + 1 < n:
            out.append(value[i + 1])
            i += 2
            continue
        if c != release:  # a release character at the very end releases nothing
            out.append(c)
        i += 1
    return "".join(out)


def _segments(clean: str, start: int, seps: Separators) -> Iterator[tuple[int, str]]:
    """(offset, raw text) of each segment from `start`, split on terminators not released."""
    term, release = seps.terminator, seps.release
    if not release or release not in clean[start:]:
        pos = start
        while pos < len(clean):
            end = clean.find(term, pos)
            if end < 0:
                yield pos, clean[pos:]
                return
            yield pos, clean[pos:end]
            pos = end + 1
        return
    pattern = re.compile(
        "((?:[^"
        + re.escape(release + term)
        + "]|"
        + re.escape(release)
        + ".)*)(?:"
        + re.escape(term)
        + "|$)",
        re.DOTALL,
    )
    pos = start
    n = len(clean)
    while pos < n:
        m = pattern.match(clean, pos)
        if m is None:  # pragma: no cover - the pattern matches any text, even an empty one
            yield pos, clean[pos:]
            return
        yield pos, m.group(1)
        if m.end() == pos:  # a lone release character before the end of the text
            yield pos, clean[pos:]
            return
        pos = m.end()


def parse_segment(raw: str, seps: Separators) -> list[list[str]]:
    """Elements (each a list of components) of one segment's text, tag first."""
    release = seps.release
    if not release or release not in raw:
        return [e.split(seps.component) for e in raw.split(seps.element)]
    return [
        [_unescape(c, release) for c in _split(e, seps.component, release)]
        for e in _split(raw, seps.element, release)
    ]


class _Builder:
    """Puts segments into interchanges, groups and messages, and checks the counts."""

    def __init__(self, result: EdifactFile) -> None:
        self.result = result
        self.interchange: Interchange | None = None
        self.group: Group | None = None
        self.group_messages = 0
        self.message: list[Segment] | None = None
        self.ignored_outside = 0

    def warn(self, code: str, message: str, where: Where) -> None:
        self.result.warnings.append(Issue(code, message, where))

    def start_interchange(self, seg: Segment, seps: Separators) -> None:
        if self.interchange is not None:
            self.end_interchange(None)
        syntax = seg.components(1)
        sender = seg.components(2)
        recipient = seg.components(3)
        prepared = ":".join(c for c in seg.components(4) if c)
        self.interchange = Interchange(
            syntax=syntax[0] if syntax else "",
            syntax_version=syntax[1] if len(syntax) > 1 else "",
            sender=sender[0] if sender else "",
            sender_qualifier=sender[1] if len(sender) > 1 else "",
            recipient=recipient[0] if recipient else "",
            recipient_qualifier=recipient[1] if len(recipient) > 1 else "",
            prepared=prepared,
            control_reference=seg.get(5),
            application_reference=seg.get(7),
            test=seg.get(11) == "1",
            line=seg.line,
            separators=seps.as_una(),
        )
        self.result.interchanges.append(self.interchange)

    def segment(self, seg: Segment) -> None:
        tag = seg.tag
        if tag == "UNH":
            if self.message is not None:
                self.warn("unt_missing", "A message ends without UNT before the next UNH.", seg.where())
                self.end_message(None)
            if self.interchange is None:
                self.warn("unb_missing", "A message comes before any UNB.", seg.where())
                self.interchange = Interchange("", "", "", "", "", "", "", "", "", False, seg.line, "")
                self.result.interchanges.append(self.interchange)
            seg.position = 1
            self.message = [seg]
            return
        if tag == "UNT":
            if self.message is None:
                self.warn("unt_outside", "UNT without a UNH before it.", seg.where())
                return
            seg.position = len(self.message) + 1
            self.message.append(seg)
            self.end_message(seg)
            return
        if tag == "UNG":
            if self.message is not None:
                self.warn("unt_missing", "A message ends without UNT before UNG.", seg.where())
                self.end_message(None)
            self.group = Group(
                message_type=seg.get(1),
                sender=seg.get(2),
                recipient=seg.get(3),
                reference=seg.get(5),
                version=":".join(c for c in seg.components(7) if c),
                line=seg.line,
            )
            self.group_messages = 0
            if self.interchange is not None:
                self.interchange.groups.append(self.group)
            return
        if tag == "UNE":
            if self.message is not None:
                self.warn("unt_missing", "A message ends without UNT before UNE.", seg.where())
                self.end_message(None)
            if self.group is None:
                self.warn("une_outside", "UNE without a UNG before it.", seg.where())
                return
            self._check_count(seg, "UNE", self.group_messages, "messages in the group")
            if seg.get(2) and seg.get(2) != self.group.reference:
                self.warn(
                    "reference_mismatch",
                    f"UNE refers to group {seg.get(2)!r}; the UNG was {self.group.reference!r}.",
                    seg.where("UNE 2"),
                )
            self.group = None
            return
        if self.message is None:
            self.ignored_outside += 1
            if self.ignored_outside <= 3:
                self.warn("outside_message", f"Segment {tag} outside any message was ignored.", seg.where())
            return
        seg.position = len(self.message) + 1
        self.message.append(seg)

    def end_message(self, unt: Segment | None) -> None:
        segments = self.message or []
        self.message = None
        if not segments or self.interchange is None:
            return
        unh = segments[0]
        ident = unh.components(2)
        msg_type = ident[0] if ident else ""
        if not msg_type:
            inferred = self.group.message_type if self.group is not None else ""
            self.warn(
                "unh_type_empty",
                "UNH gives no message type"
                + (f"; taken as {inferred} from the UNG." if inferred else "; inferred from the content."),
                unh.where("UNH 2.1"),
            )
            msg_type = inferred
        message = Message(
            reference=unh.get(1),
            type=msg_type.upper(),
            version=ident[1] if len(ident) > 1 else "",
            release=ident[2] if len(ident) > 2 else "",
            agency=ident[3] if len(ident) > 3 else "",
            association=ident[4] if len(ident) > 4 else "",
            common_access_reference=unh.get(3),
            segments=segments,
            line=unh.line,
            group_reference=self.group.reference if self.group is not None else None,
        )
        if unt is not None:
            self._check_count(unt, "UNT", len(segments), "segments from UNH to UNT")
            if unt.get(2) and unt.get(2) != message.reference:
                self.warn(
                    "reference_mismatch",
                    f"UNT refers to message {unt.get(2)!r}; the UNH was {message.reference!r}.",
                    unt.where("UNT 2"),
                )
        self.interchange.messages.append(message)
        self.group_messages += 1

    def end_interchange(self, unz: Segment | None) -> None:
        if self.message is not None:
            where = self.message[-1].where()
            self.warn("unt_missing", "The last message ends without UNT.", where)
            self.end_message(None)
        if self.group is not None:
            self.warn("une_missing", "A functional group ends without UNE.", Where(line=self.group.line))
            self.group = None
        if self.interchange is None:
            return
        if unz is None:
            self.warn("unz_missing", "The interchange ends without UNZ.", Where(line=self.interchange.line))
        else:
            expected = len(self.interchange.groups) or len(self.interchange.messages)
            what = "functional groups" if self.interchange.groups else "messages"
            self._check_count(unz, "UNZ", expected, what)
            if unz.get(2) and unz.get(2) != self.interchange.control_reference:
                self.warn(
                    "reference_mismatch",
                    f"UNZ refers to interchange {unz.get(2)!r}; the UNB was "
                    f"{self.interchange.control_reference!r}.",
                    unz.where("UNZ 2"),
                )
        self.interchange = None

    def _check_count(self, seg: Segment, tag: str, actual: int, what: str) -> None:
        declared = seg.get(1).strip()
        if not declared.isdigit():
            self.warn(
                "count_missing", f"{tag} gives no count of {what} ({declared!r}).", seg.where(f"{tag} 1")
            )
        elif int(declared) != actual:
            self.warn(
                "count_mismatch",
                f"{tag} says {int(declared)} {what}; there are {actual}.",
                seg.where(f"{tag} 1"),
            )


def _find_start(clean: str, pos: int) -> int:
    """Offset of the next UNA or UNB that begins an interchange, or -1."""
    while True:
        m = _START.search(clean, pos)
        if m is None:
            return -1
        i = m.start()
        after = clean[i + 3 : i + 4]
        if clean[i + 2] == "A" and len(clean) >= i + 9:
            return i
        if clean[i + 2] == "B" and after and not after.isalnum() and not after.isspace():
            return i
        pos = i + 1


def read_interchanges(data: bytes, *, max_bytes: int | None = MAX_BYTES) -> EdifactFile:
    """Every interchange in a file. Raises ReadError when not one can be found."""
    check_size(data, max_bytes)
    text = decode(data)
    una = text.find("UNA")
    # A newline as segment terminator: the sixth character of an unbroken UNA service string.
    # A line broken right before the terminator looks the same; then the terminator, not UNB, follows it.
    newline_terminated = (
        una >= 0
        and len(text) > una + 8
        and text[una + 8] in "\r\n"
        and not any(c in "\r\n" for c in text[una + 3 : una + 8])
        and text[una + 9 :].lstrip("\r\n").startswith("UN")
    )
    source = _Text(text, keep_newlines=newline_terminated)
    clean = source.clean
    result = EdifactFile()
    builder = _Builder(result)
    start = _find_start(clean, 0)
    if start < 0:
        raise ReadError(
            "no_interchange",
            "No UN/EDIFACT interchange was found: the file has neither UNA nor UNB.",
            Where(line=1),
        )
    if clean[:start].strip():
        result.warnings.append(
            Issue(
                "envelope",
                f"{source.line_of(start) - 1} line(s) before the interchange (a telex or mail header) were skipped.",
                Where(line=1),
            )
        )
    while start >= 0:
        start = _read_one(clean, start, source, builder)
    return result


def _read_one(clean: str, start: int, source: _Text, builder: _Builder) -> int:
    """Read one interchange from `start`; return where the next begins (-1 when none)."""
    result = builder.result
    if clean.startswith("UNA", start):
        chars = clean[start + 3 : start + 9]
        seps = Separators.from_una(chars, Where(line=source.line_of(start), segment="UNA"))
        pos = start + 9
    else:
        seps = Separators(":", "+", ".", "?", "", "'")
        if re.match(r"UNB\+UNO[A-Z]:4", clean[start : start + 12]):
            seps = Separators(":", "+", ".", "?", "*", "'")
        pos = start
    controls = set(_CONTROLS) - {seps.component, seps.element, seps.terminator, seps.release, seps.repetition}
    strip_chars = " \t" + "".join(controls)
    has_control = re.compile("[" + re.escape("".join(sorted(controls))) + "]").search if controls else None
    drop_controls = {ord(c): None for c in controls}
    saw_unb = False
    line_of = source.line_of
    for offset, raw in _segments(clean, pos, seps):
        if raw[:1].isalpha():  # the usual case: the segment's tag right after the terminator
            lead, body = 0, raw
        else:
            lead = len(raw) - len(raw.lstrip(strip_chars))
            body = raw[lead:]
            if not body.strip(strip_chars):
                continue
        line = line_of(offset + lead)
        if has_control is not None and has_control(body):
            body = body.translate(drop_controls)
        elements = parse_segment(body, seps)
        tag = elements[0][0].strip().upper() if elements and elements[0] else ""
        if not _TAG.match(tag):
            if builder.message is None and saw_unb and builder.interchange is None:
                break  # text after UNZ
            result.errors.append(
                Issue(
                    "bad_segment",
                    f"Not a segment: {body[:40]!r} (a segment begins with a three-letter tag).",
                    Where(line=line, element="tag"),
                )
            )
            if builder.message is None and builder.interchange is None:
                break
            continue
        seg = Segment(tag, elements[1:], line)
        message = builder.message
        if message is not None and tag[:2] != "UN":  # the usual case: a segment of the open message
            seg.position = len(message) + 1
            message.append(seg)
            continue
        if tag == "UNB":
            if saw_unb and builder.interchange is None:
                return offset + lead  # the next interchange (same separators)
            saw_unb = True
            builder.start_interchange(seg, seps)
            continue
        if tag == "UNA":
            if builder.interchange is not None:
                builder.end_interchange(None)
            return offset + lead
        if tag == "UNZ":
            if builder.interchange is None:
                result.warnings.append(Issue("unz_outside", "UNZ without a UNB before it.", seg.where()))
                continue
            builder.end_interchange(seg)
            nxt = _find_start(clean, offset + len(raw) + 1)
            after = offset + len(raw) + 1
            trailing = clean[after : nxt if nxt >= 0 else len(clean)]
            if trailing.strip(strip_chars + " \n"):
                first = after + len(trailing) - len(trailing.lstrip(strip_chars + " \n"))
                result.warnings.append(
                    Issue(
                        "envelope",
                        "Text after UNZ (a mail footer or telex end) was skipped.",
                        Where(line=source.line_of(first)),
                    )
                )
            return nxt
        builder.segment(seg)
    if builder.interchange is not None or builder.message is not None:
        builder.end_interchange(None)
    return -1
