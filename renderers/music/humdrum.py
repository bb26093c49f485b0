"""Humdrum files cut into measures, and excerpts of consecutive measures as valid files of their own.

An excerpt starts with the exclusive interpretations, then the clef, key signature, key, meter and
other state every spine has at its first measure, then the measures' lines, a closing barline and
spine terminators, so it engraves alone. Cuts are only made where the spine layout is the file's
base layout (no split voices open) and no tie or slur crosses the cut. Measure numbers are dropped
from barlines: an image of an excerpt cannot show which bar of the source it starts at.

Lyrics come out as a printed score shows them. A verse label (``*v:2``, printed "2.") stands once,
where its verse starts: converter21 repeats it before every syllable, and verovio would print it each
time. Converted scores keep none: converter21 makes them from MusicXML's lyric names ("1", "verse",
"part1verse2"), which identify a lyric line and are not printed (a printed number is lyric text).
Text spines without a syllable in the excerpt are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# tandem interpretations that are state, re-stated at the head of an excerpt, in this order
STATE_KINDS = [
    ("part", re.compile(r"^\*part\d")),
    ("staff", re.compile(r"^\*staff\d")),
    ("instrument", re.compile(r"^\*I[^:]")),
    ("clef", re.compile(r"^\*clef")),
    ("keysig", re.compile(r"^\*k\[")),
    ("key", re.compile(r"^\*[A-Ga-g][#-]*:")),
    ("meter", re.compile(r"^\*M\d")),
    ("metsym", re.compile(r"^\*met\(")),
]
MANIPULATORS = {"*^", "*v", "*x", "*+", "*-"}
BAR_NUMBER = re.compile(r"^(=+)\d*[a-z]?")
TEXT_SPINES = {"**text", "**silbe"}  # lyrics, one verse per spine
VERSE_LABEL = re.compile(r"^\*(v{1,2}):")  # verse label, printed "2." for *v:2, or (*vv:) its abbreviation
NULL = {"*", ".", "!"}  # null interpretation, data and local comment tokens


class HumdrumError(ValueError):
    """A file that is not usable Humdrum **kern; the message starts with a rejection reason."""


@dataclass
class Measure:
    lines: list[str]  # starts with its opening barline unless it is a pickup before the first one
    clean_start: bool  # a cut may be made before it
    state: dict[str, list[str]]  # state interpretations in force at its start, per base spine


@dataclass
class HumdrumScore:
    exclusive: str
    spines: int
    measures: list[Measure]
    closing: list[str]  # barline closing each measure (numbers dropped): measures[i] -> closing[i]
    clean_end: list[bool]  # a cut may be made after measure i
    references: dict[str, str] = field(default_factory=dict)  # !!!OTL, !!!COM, ...

    def cut_points(self, count: int) -> list[tuple[int, int]]:
        """(start, stop) measure ranges of at most ``count`` measures, each as long as clean cuts
        allow, one per clean start."""
        ranges = []
        for start, measure in enumerate(self.measures):
            if not measure.clean_start:
                continue
            stops = [
                s
                for s in range(start + 1, min(start + count, len(self.measures)) + 1)
                if self.clean_end[s - 1]
            ]
            if stops:
                ranges.append((start, stops[-1]))
        return ranges

    def excerpt(self, start: int, stop: int, references: dict[str, str] | None = None) -> str:
        """Measures [start, stop) as a complete Humdrum file."""
        first = self.measures[start]
        state = {kind: list(values) for kind, values in first.state.items()}
        body = list(first.lines)
        if body and body[0].startswith("="):
            body = body[1:]  # the excerpt's own start needs no barline
        # interpretations before the first note belong to the header's state; of the others only
        # verse labels (where verses start) are kept, on a line of their own after the state
        base = list(range(self.spines))
        labels = ["*"] * self.spines
        while body and body[0].startswith("*") and not _is_manipulation(body[0]):
            fields = body[0].split("\t")
            _apply_state(state, fields, base)
            labels = [t if VERSE_LABEL.match(t) else label for t, label in zip(fields, labels, strict=True)]
            body = body[1:]
        for measure in self.measures[start + 1 : stop]:
            body += measure.lines
        body.append(self.closing[stop - 1])
        columns = _columns(body, self.spines)
        kinds = self.exclusive.split("\t")
        kept = _kept_spines(kinds, body, columns)
        lines = [f"!!!{key}: {value}" for key, value in (references or {}).items()]
        lines.append("\t".join(kinds[s] for s in kept))
        for kind, _ in STATE_KINDS:
            if kind in state and any(v != "*" for v in state[kind]):
                lines.append("\t".join(state[kind][s] for s in kept))
        if any(labels[s] != "*" for s in kept):
            lines.append("\t".join(labels[s] for s in kept))
        for line, spines in zip(body, columns, strict=True):
            fields = line.split("\t")
            shown = [token for spine, token in zip(spines, fields, strict=True) if spine in kept]
            if shown != fields and all(token in NULL for token in shown):
                continue  # it held only what was left out
            lines.append("\t".join(shown))
        lines.append("\t".join(["*-"] * len(kept)))
        return "\n".join(lines) + "\n"


def parse(text: str, verse_labels: bool = True) -> HumdrumScore:
    """The first Humdrum segment of ``text`` with at least one **kern spine, cut into measures;
    without ``verse_labels`` (a converted score's), with no verse label."""
    if "\x00" in text:
        raise HumdrumError("unreadable: binary data")
    references: dict[str, str] = {}
    lines = [line.rstrip("\r") for line in text.split("\n")]
    index = 0
    while index < len(lines) and not lines[index].startswith("**"):
        match = re.match(r"^!!!(\w+):\s*(.*)$", lines[index])
        if match and match.group(2).strip():
            references.setdefault(match.group(1), match.group(2).strip())
        index += 1
    if index == len(lines):
        raise HumdrumError("no_kern: no exclusive interpretation line (**kern)")
    exclusive = lines[index].split("\t")
    if "**kern" not in exclusive:
        raise HumdrumError("no_kern: no **kern spine")
    spines = len(exclusive)
    base = list(range(spines))
    layout: list[int] | None = list(base)  # base spine of each current spine; None once untraceable
    state: dict[str, list[str]] = {}
    labels: dict[tuple[int, str], str] = {}  # verse label in force per (base spine, v or vv)
    open_marks = [0] * spines  # ties and slurs open per base spine
    measures: list[Measure] = []
    closing: list[str] = []
    current = Measure([], True, {})
    has_data = False
    for line in lines[index + 1 :]:
        if not line or line.startswith("!!"):
            continue  # blank lines and global comments are not excerpt content
        fields = line.split("\t")
        if layout is not None and len(fields) != len(layout):
            raise HumdrumError(
                f"malformed: a line has {len(fields)} fields where {len(layout)} spines are open"
            )
        if line.startswith("="):
            if has_data:
                measures.append(current)
                closing.append(_strip_number(fields))
            # a segment without notes (the header, an empty bar) leaves only its state behind
            clean = layout == base and not any(open_marks)
            current = Measure([_strip_number(fields)], clean, {k: list(v) for k, v in state.items()})
            has_data = False
            continue
        if line.startswith("*"):
            if all(f == "*-" for f in fields):
                break
            if any(f.startswith("*>") for f in fields):
                continue  # expansion lists and section labels would make verovio repeat sections
            if _is_manipulation(line):
                layout = _manipulate(layout, fields)
            elif layout is not None:
                _apply_state(state, fields, layout)
                kept = _new_labels(fields, layout, labels if verse_labels else None)
                if kept != fields:
                    if all(f == "*" for f in kept):
                        continue
                    line = "\t".join(kept)
            current.lines.append(line)
            continue
        if layout is not None and not line.startswith("!"):
            for spine, token in zip(layout, fields, strict=True):
                if exclusive[spine] == "**kern":
                    open_marks[spine] = max(0, open_marks[spine] + _marks(token))
            has_data = True
        current.lines.append(line)
    if has_data:
        measures.append(current)
        closing.append("\t".join(["=="] * spines))
    if not measures:
        raise HumdrumError("no_music: no measure with notes or rests")
    clean_end = [m.clean_start for m in measures[1:]] + [layout == base]
    return HumdrumScore("\t".join(exclusive), spines, measures, closing, clean_end, references)


def _new_labels(fields: list[str], layout: list[int], labels: dict[tuple[int, str], str] | None) -> list[str]:
    """``fields`` with each verse label that restates the one in force on its spine (in ``labels``,
    updated) made null; with ``labels`` None, every verse label."""
    kept = list(fields)
    for index, (spine, token) in enumerate(zip(layout, fields, strict=True)):
        match = VERSE_LABEL.match(token)
        if match and labels is None:
            kept[index] = "*"
        elif match:
            if labels.get((spine, match.group(1))) == token:
                kept[index] = "*"
            labels[(spine, match.group(1))] = token
    return kept


def _columns(lines: list[str], spines: int) -> list[list[int]]:
    """The base spine of each field of each line, for lines that start at the base layout and stay
    traceable (as between clean cuts)."""
    layout: list[int] | None = list(range(spines))
    columns = []
    for line in lines:
        assert layout is not None  # no *+ or *- between clean cuts
        columns.append(layout)
        if line.startswith("*") and _is_manipulation(line):
            layout = _manipulate(layout, line.split("\t"))
    return columns


def _kept_spines(kinds: list[str], body: list[str], columns: list[list[int]]) -> list[int]:
    """The base spines an excerpt keeps: all but text spines without a syllable in ``body``."""
    text = {spine for spine, kind in enumerate(kinds) if kind in TEXT_SPINES}
    kept = set()
    for line, spines in zip(body, columns, strict=True):
        fields = line.split("\t")
        if line.startswith("*") and _is_manipulation(line):
            for index, token in enumerate(fields):
                if token in ("*x", "*v") and len({spines[i] for i in _run(fields, index)}) > 1:
                    kept.update(spines[i] for i in _run(fields, index))  # exchanged or merged: kept
        elif not line.startswith(("*", "=", "!")):
            kept.update(s for s, token in zip(spines, fields, strict=True) if s in text and token != ".")
    return [spine for spine in range(len(kinds)) if spine not in text or spine in kept]


def _run(fields: list[str], index: int) -> range:
    """The fields an exchange or a merge at ``index`` joins."""
    token = fields[index]
    end = index + 1
    while end < len(fields) and fields[end] == token:
        end += 1
    while index > 0 and fields[index - 1] == token:
        index -= 1
    return range(index, end)


def _strip_number(fields: list[str]) -> str:
    return "\t".join(BAR_NUMBER.sub(r"\1", f) for f in fields)


def _is_manipulation(line: str) -> bool:
    return any(f in MANIPULATORS for f in line.split("\t"))


def _manipulate(layout: list[int] | None, fields: list[str]) -> list[int] | None:
    """The base spine of each spine after a line of spine manipulators."""
    if layout is None or "*+" in fields or "*-" in fields:
        return None  # added or ended spines: no cut is clean from here on
    result: list[int] = []
    index = 0
    while index < len(fields):
        token = fields[index]
        if token == "*^":
            result += [layout[index], layout[index]]
        elif token == "*v":
            run = index
            while run < len(fields) and fields[run] == "*v":
                run += 1
            result.append(layout[index])
            index = run
            continue
        elif token == "*x" and index + 1 < len(fields) and fields[index + 1] == "*x":
            result += [layout[index + 1], layout[index]]
            index += 1
        else:
            result.append(layout[index])
        index += 1
    return result


def _apply_state(state: dict[str, list[str]], fields: list[str], layout: list[int]) -> None:
    spines = max(layout) + 1 if layout else 0
    for spine, token in zip(layout, fields, strict=False):
        for kind, pattern in STATE_KINDS:
            if pattern.match(token):
                state.setdefault(kind, ["*"] * spines)[spine] = token


def _marks(token: str) -> int:
    """Ties and slurs a kern token opens (positive) or closes (negative)."""
    if token == "." or token.startswith("!"):
        return 0
    return token.count("[") + token.count("(") - token.count("]") - token.count(")")
