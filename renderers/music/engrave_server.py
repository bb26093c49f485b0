"""Child process that engraves Humdrum with verovio and converts scores to Humdrum, one JSON request
per stdin line, one JSON reply per line.

It runs apart from the renderer because verovio is a C++ library that can crash or hang on odd
input; then only this process dies. verovio also prints to stdout, so replies go to a copy of the
original stdout while fd 1 points at /dev/null. Imports nothing from gotdata (run as a script).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import tempfile
import zipfile

MAX_UNZIPPED = 64 * 1024 * 1024  # bytes a compressed MusicXML may expand to


def main() -> None:
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    import verovio

    verovio.enableLog(verovio.LOG_OFF)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            # a new toolkit per request: a reused one carries layout state from the previous score
            # (time signatures moved after a change of music font), which would make a sample
            # depend on what its worker engraved before
            reply = HANDLERS[request["op"]](verovio.toolkit(), request)
        except Exception as error:  # reported to the renderer, which rejects the sample
            reply = {"error": f"{type(error).__name__}: {error}"[:300]}
        replies.write(json.dumps({**reply, "id": request["id"]}, ensure_ascii=False) + "\n")
        replies.flush()


def engrave(toolkit, request: dict) -> dict:
    """The first page's SVG, the page count and the systems and measures on the first page."""
    toolkit.setOptions({**request["options"], "inputFrom": "humdrum"})
    if not toolkit.loadData(request["kern"]) or toolkit.getPageCount() < 1:
        return {"error": "verovio could not load the Humdrum data"}
    svg = toolkit.renderToSVG(1)
    return {
        "svg": svg,
        "pages": toolkit.getPageCount(),
        "systems": len(re.findall(r'class="system"', svg)),
        "measures": len(re.findall(r'class="measure"', svg)),
    }


def convert(toolkit, request: dict) -> dict:
    """A MusicXML, MEI or ABC file as Humdrum: music21 reads it and converter21 writes Humdrum.
    Without them, MusicXML goes through verovio's own converter, which crashes on many real scores
    (this process absorbs that); its MEI converter drops notes, so MEI and ABC need music21."""
    path, kind = request["path"], request["format"]
    if kind in ("musicxml", "mxl") and importlib.util.find_spec("converter21") is None:
        data = _unzip_musicxml(path) if kind == "mxl" else _read_text(path)
        toolkit.setOptions({"inputFrom": "musicxml-hum"})
        if not toolkit.loadData(data):
            return {"error": "verovio could not read the MusicXML"}
        return {"kern": toolkit.getHumdrumBuffer()}
    return {"kern": _via_music21(path, "musicxml" if kind == "mxl" else kind)}


def _read_text(path: str) -> str:
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", errors="replace")


def _unzip_musicxml(path: str) -> str:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = None
        if "META-INF/container.xml" in names:
            match = re.search(r'full-path="([^"]+)"', archive.read("META-INF/container.xml").decode("utf-8"))
            root = match.group(1) if match else None
        if root not in names:
            root = next((n for n in names if n.endswith((".xml", ".musicxml")) and "META-INF" not in n), None)
        if root is None:
            raise ValueError("no MusicXML file inside the archive")
        if archive.getinfo(root).file_size > MAX_UNZIPPED:
            raise ValueError("the archived MusicXML is too large")
        return archive.read(root).decode("utf-8", errors="replace")


def _via_music21(path: str, kind: str) -> str:
    import converter21
    from music21 import converter, stream

    converter21.register(converter21.ConverterName.HUMDRUM)  # only its writer: music21 reads
    score = converter.parse(path, format=kind, forceSource=True)
    if isinstance(score, stream.Opus):
        score = score.scores[0]
    with tempfile.TemporaryDirectory() as scratch:
        written = score.write("humdrum", fp=os.path.join(scratch, "score.krn"))
        with open(written, encoding="utf-8") as handle:
            return handle.read()


HANDLERS = {"engrave": engrave, "convert": convert}

if __name__ == "__main__":
    main()
