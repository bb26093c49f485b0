"""A generator of plausible piano (grand staff) and single-staff music, written as Humdrum **kern.

Keys, meters, rhythms that fill each bar, stepwise melodies in the key with chromatic neighbours,
left-hand chords and octaves, rests, ties, beams by beat and dynamics in a **dynam spine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# key signature: number of sharps (+) or flats (-) -> (tonic letter, accidentals in the signature)
SHARPS = "fcgdaeb"
FLATS = "beadgcf"
TONICS = {-4: "A-", -3: "E-", -2: "B-", -1: "F", 0: "C", 1: "G", 2: "D", 3: "A", 4: "E"}
METERS = {"4/4": (4, 4), "3/4": (3, 4), "2/4": (2, 4), "6/8": (6, 8), "3/8": (3, 8)}
# durations as kern numbers with their length in quarter notes
DURATIONS = {"1": 4.0, "2.": 3.0, "2": 2.0, "4.": 1.5, "4": 1.0, "8.": 0.75, "8": 0.5, "16": 0.25}
DYNAMICS = ["pp", "p", "mp", "mf", "f", "ff"]
STEPS = "cdefgab"


@dataclass
class Event:
    duration: str
    pitches: list[tuple[int, int]]  # (diatonic step from C4, chromatic alteration); empty: a rest
    tie: str = ""  # "[" starts, "]" ends, "_" continues
    beam: str = ""  # "L" opens, "J" closes


def key_signature(fifths: int) -> str:
    accidentals = SHARPS[:fifths] if fifths > 0 else FLATS[:-fifths]
    sign = "#" if fifths > 0 else "-"
    return "*k[" + "".join(a + sign for a in accidentals) + "]"


def kern_pitch(step: int, alteration: int) -> str:
    """A diatonic step (0 = middle C) as kern: c = C4, cc = C5, C = C3, CC = C2. Kern spells every
    accidental whatever the key signature; the engraver decides which ones to print."""
    octave, degree = divmod(step, 7)
    letter = STEPS[degree]
    name = letter * (octave + 1) if octave >= 0 else letter.upper() * (-octave)
    return name + {1: "#", -1: "-", 2: "##", -2: "--"}.get(alteration, "")


def _key_alteration(letter: str, fifths: int) -> int:
    if fifths > 0 and letter in SHARPS[:fifths]:
        return 1
    if fifths < 0 and letter in FLATS[:-fifths]:
        return -1
    return 0


def _rhythm(rng: np.random.Generator, beats: float, beat: float, busy: float) -> list[str]:
    """Durations filling ``beats`` quarter notes, never crossing a beat with a short note."""
    out: list[str] = []
    left = beats
    position = 0.0
    while left > 1e-9:
        options = [d for d, length in DURATIONS.items() if length <= left + 1e-9]
        if (position % beat) > 1e-9:  # inside a beat: finish it
            options = [d for d in options if DURATIONS[d] <= beat - (position % beat) + 1e-9]
        weights = np.array([(1 + busy * 4) if DURATIONS[d] <= 0.5 else 1.0 for d in options])
        choice = options[int(rng.choice(len(options), p=weights / weights.sum()))]
        out.append(choice)
        left -= DURATIONS[choice]
        position += DURATIONS[choice]
    return out


def _beams(events: list[Event], beat: float) -> None:
    """Beam runs of eighths and shorter that lie inside one beat."""
    group: list[Event] = []
    current = -1
    position = 0.0
    for event in events:
        length = DURATIONS[event.duration]
        first, last = int(position / beat + 1e-9), int((position + length) / beat - 1e-9)
        if length <= 0.75 and event.pitches and first == last:
            if first != current:
                _close_beam(group)
            group.append(event)
            current = first
        else:
            _close_beam(group)
            current = -1
        position += length
    _close_beam(group)


def _close_beam(group: list[Event]) -> None:
    if len(group) >= 2:
        group[0].beam, group[-1].beam = "L", "J"
    group.clear()


def _melody(
    rng, rhythm: list[str], start: int, low: int, high: int, fifths: int, chords: float
) -> list[Event]:
    events = []
    step = start
    for duration in rhythm:
        if rng.random() < 0.08:
            events.append(Event(duration, []))
            continue
        step = int(np.clip(step + rng.choice([-2, -1, -1, 1, 1, 2, 3, -3, 0]), low, high))
        letter = STEPS[step % 7]
        alteration = _key_alteration(letter, fifths)
        if rng.random() < 0.06:  # chromatic neighbour
            alteration += int(rng.choice([-1, 1]))
        pitches = [(step, alteration)]
        if rng.random() < chords:
            for interval in sorted(rng.choice([2, 4, 5, 7], size=int(rng.integers(1, 3)), replace=False)):
                upper = step + int(interval)
                if upper <= high + 4:
                    pitches.append((upper, _key_alteration(STEPS[upper % 7], fifths)))
        events.append(Event(duration, pitches))
    return events


def _ties(rng, bars: list[list[Event]]) -> None:
    """Tie the last note of a bar to a first note of the same pitch in the next, sometimes."""
    for left, right in zip(bars, bars[1:], strict=False):
        last, first = left[-1], right[0]
        if last.pitches and first.pitches and rng.random() < 0.15:
            first.pitches = list(last.pitches)
            last.tie = "_" if last.tie == "]" else "["  # a one-note bar tied into goes on tying
            first.tie = "]"


def _token(event: Event) -> str:
    if not event.pitches:
        return event.duration + "r"
    notes = []
    for i, (step, alteration) in enumerate(event.pitches):
        tie_open = event.tie if event.tie == "[" else ""
        tie_close = event.tie if event.tie in ("]", "_") else ""
        beam = event.beam if i == 0 else ""
        notes.append(tie_open + event.duration + kern_pitch(step, alteration) + beam + tie_close)
    return " ".join(notes)


def generate_kern(rng: np.random.Generator, measures: int, piano: bool = True) -> str:
    """A complete Humdrum file of ``measures`` bars."""
    fifths = int(rng.integers(-4, 5))
    meter = str(rng.choice(list(METERS)))
    top, bottom = METERS[meter]
    beats = top * 4 / bottom
    beat = 1.5 if bottom == 8 else 1.0
    busy = float(rng.uniform(0.1, 0.7))
    right_bars, left_bars = [], []
    step_r, step_l = int(rng.integers(2, 9)), int(rng.integers(-10, -4))
    for _ in range(measures):
        right = _melody(rng, _rhythm(rng, beats, beat, busy), step_r, -1, 12, fifths, 0.15)
        left = _melody(rng, _rhythm(rng, beats, beat, busy * 0.5), step_l, -15, -2, fifths, 0.35)
        for bar in (right, left):
            _beams(bar, beat)
        right_bars.append(right)
        left_bars.append(left)
        step_r = next((e.pitches[0][0] for e in reversed(right) if e.pitches), step_r)
        step_l = next((e.pitches[0][0] for e in reversed(left) if e.pitches), step_l)
    _ties(rng, right_bars)
    dynamics = [str(rng.choice(DYNAMICS)) if rng.random() < 0.3 else "" for _ in range(measures)]
    staves = [left_bars, right_bars] if piano else [right_bars]
    return _assemble(staves, dynamics, fifths, meter, piano)


def _assemble(staves, dynamics: list[str], fifths: int, meter: str, piano: bool) -> str:
    """Merge the staves' bars into spines, one line per onset time."""
    clefs = ["*clefF4", "*clefG2"] if piano else ["*clefG2"]
    spines = len(staves)
    header = [
        "\t".join(["**kern"] * spines + ["**dynam"]),
        "\t".join([f"*staff{spines - i}" for i in range(spines)] + ["*staff1"]),
        "\t".join(clefs + ["*"]),
        "\t".join([key_signature(fifths)] * spines + ["*"]),
        "\t".join([f"*M{meter}"] * spines + ["*"]),
    ]
    lines = list(header)
    for number in range(len(dynamics)):
        lines.append("\t".join([f"={number + 1}"] * (spines + 1)))
        onsets: dict[float, list[str]] = {}
        for index, bars in enumerate(staves):
            time = 0.0
            for event in bars[number]:
                onsets.setdefault(round(time, 6), ["."] * (spines + 1))[index] = _token(event)
                time += DURATIONS[event.duration]
        if dynamics[number]:
            onsets.setdefault(0.0, ["."] * (spines + 1))[spines] = dynamics[number]
        lines += ["\t".join(row) for _, row in sorted(onsets.items())]
    lines.append("\t".join(["=="] * (spines + 1)))
    lines.append("\t".join(["*-"] * (spines + 1)))
    return "\n".join(lines) + "\n"
