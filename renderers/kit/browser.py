"""A browser for pages made of HTML: Debian's Chromium, driven by Playwright, with the network off.

One ``Browser`` per worker process, started on first use and reused across pages; it is started
again after a page times out or the browser dies, and every ``restart_every`` pages (Chromium's
memory grows with the pages it has seen). A page is loaded from a file in its own folder:

- no network: every request but those for files inside the page's folder is aborted (and
  counted), and the browser context is offline;
- JavaScript is off unless asked for (our own templates may use it; users' pages never);
- a time limit per page, and a page taller than ``MAX_HEIGHT`` pixels is refused;
- animations and transitions finished and the caret hidden for the screenshot, the viewport and
  pixel ratio fixed, fonts hinted the same way every time: the same page gives the same PNG bytes.

Chromium refuses its own sandbox when run as root, which is how the set-up and CI run; it runs
without it (``--no-sandbox``). What keeps an untrusted page in check is therefore the above: no
JavaScript, no request leaving its folder, a time limit. Words come from the laid-out DOM: each
visible text node split at white space, each word's client rectangles in pixels of the screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from gotdata.renderer import RendererUnavailable

CHROMIUM = ("chromium", "chromium-browser")
ARGS = [
    "--no-sandbox",  # refused as root anyway: see the module's docstring
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--force-color-profile=srgb",
]
MAX_HEIGHT = 40_000  # CSS pixels: a taller page is refused (it would take long to lay out)
RESTART_EVERY = 200
MAX_IMAGE_PIXELS = 40_000_000  # an image file declaring more (a decompression bomb) is not loaded
MEMORY_CAP = 3 * 1024**3  # bytes of resident memory the browser's processes may hold together

# every visible word of the page: its text, its rectangles, the index of its block and whether CSS
# changes its case (text-transform: the image would then show other letters than the DOM holds).
# Blocks are the page's own ``data-block`` elements where it marks them, else the nearest element
# that is not inline. Words inside ``data-words="none"`` (typeset math, figures) are not words.
WORDS_SCRIPT = """
(marked) => {
  const blocks = new Map();
  const words = [];
  const clipped = [];
  const blockOf = (el) => {
    if (marked) {
      const owner = el.closest("[data-block]");
      return owner ? Number(owner.dataset.block) : -1;
    }
    while (el.parentElement && getComputedStyle(el).display.startsWith("inline")) el = el.parentElement;
    if (!blocks.has(el)) blocks.set(el, blocks.size);
    return blocks.get(el);
  };
  // the area an element's content shows in: its clipping ancestors' boxes (overflow, clip), intersected
  const clips = new Map();
  const clipOf = (el) => {
    if (!el) return [-Infinity, -Infinity, Infinity, Infinity];
    if (clips.has(el)) return clips.get(el);
    let area = clipOf(el.parentElement);
    const style = getComputedStyle(el);
    if (el !== document.documentElement && el !== document.body && (style.overflowX !== "visible"
        || style.overflowY !== "visible" || style.clip !== "auto" || style.clipPath !== "none")) {
      const r = el.getBoundingClientRect();
      area = [Math.max(area[0], r.left), Math.max(area[1], r.top), Math.min(area[2], r.right),
              Math.min(area[3], r.bottom)];
    }
    clips.set(el, area);
    return area;
  };
  // the share of a rectangle inside an area
  const shown = (r, a) => {
    const w = Math.max(0, Math.min(r[2], a[2]) - Math.max(r[0], a[0]));
    const h = Math.max(0, Math.min(r[3], a[3]) - Math.max(r[1], a[1]));
    return (w * h) / Math.max(1e-6, (r[2] - r[0]) * (r[3] - r[1]));
  };
  // a word of glyphs moved one by one (``data-word``, handwriting): one word, boxed by the union of
  // its glyphs' boxes on each line it is on
  const written = new Set();
  const writtenWord = (word, flow, spaced) => {
    const pieces = [];
    for (const glyph of word.querySelectorAll(".g")) {
      const r = glyph.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const last = pieces[pieces.length - 1];
      const sameLine = last && (flow.axis === "v"
        ? Math.abs(last.mid - (r.left + r.right) / 2) < 0.5 * r.width
        : Math.abs(last.mid - (r.top + r.bottom) / 2) < 0.5 * r.height);
      if (sameLine) {
        last.text += glyph.textContent;
        last.rect = [Math.min(last.rect[0], r.left), Math.min(last.rect[1], r.top),
                     Math.max(last.rect[2], r.right), Math.max(last.rect[3], r.bottom)];
      } else pieces.push({text: glyph.textContent, rect: [r.left, r.top, r.right, r.bottom],
                          mid: flow.axis === "v" ? (r.left + r.right) / 2 : (r.top + r.bottom) / 2});
    }
    const block = blockOf(word);
    pieces.forEach((piece, number) => words.push({text: piece.text, rects: [piece.rect], block,
      transformed: false, spaced, ...(pieces.length > 1 ? {piece: number} : {}), ...flow}));
  };
  // whether white space comes before a word in the text (a word and the comma after it in another
  // element are one word as written); ``before``: the last character of the text walked so far
  let before = " ";
  const graphemes = new Intl.Segmenter(undefined, {granularity: "grapheme"});
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName)) continue;
    if (el.closest('[data-words="none"]')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const hand = marked ? el.closest("[data-word]") : null;
    if (hand) {
      if (!written.has(hand)) {
        written.add(hand);
        const style = getComputedStyle(hand);
        const flow = {};
        if (style.writingMode.startsWith("vertical")) flow.axis = "v";
        if (style.direction === "rtl") flow.rtl = true;
        writtenWord(hand, flow, /\\s/.test(before));
        before = "x";
      }
      continue;
    }
    const style = getComputedStyle(el);
    const transformed = style.textTransform !== "none";
    // the writing direction: a vertical line is a column, a right-to-left one starts at the right
    const flow = {};
    if (style.writingMode.startsWith("vertical") || style.writingMode.startsWith("sideways")) flow.axis = "v";
    if (style.direction === "rtl") flow.rtl = true;
    const pattern = /\\S+/g;
    let match;
    while ((match = pattern.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const area = clipOf(el);
      // a piece hidden by its clipping ancestors is no word; one cut by them is a clipped word
      const all = [...range.getClientRects()]
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => [r.left, r.top, r.right, r.bottom]);
      const rects = all.filter((r) => shown(r, area) > 0.1);
      if (rects.some((r) => shown(r, area) < 0.9)) clipped.push(match[0]);
      const spaced = /\\s/.test(match.index > 0 ? node.data[match.index - 1] : before);
      if (rects.length === 1) {
        words.push({text: match[0], rects, block: blockOf(el), transformed, spaced, ...flow});
      }
      else if (rects.length > 1) {
        // a word broken across lines (at a hyphen, or wrapped anywhere): one piece per line, each
        // with the characters it holds
        // with the characters it holds (grapheme clusters: a Thai vowel or a Devanagari sign stays
        // with its letter; a mark drawn without a box of its own still belongs to the piece)
        const pieces = [];
        for (const {segment: ch, index} of graphemes.segment(match[0])) {
          range.setStart(node, match.index + index);
          range.setEnd(node, match.index + index + ch.length);
          const box = [...range.getClientRects()].find((r) => r.width > 0 && r.height > 0);
          const last = pieces[pieces.length - 1];
          if (!box) {
            if (last) last.text += ch;
            continue;
          }
          // on the line of the piece before: overlapping it across the writing direction by half
          const [lo, hi, from, to] = flow.axis === "v"
            ? [0, 2, box.left, box.right] : [1, 3, box.top, box.bottom];
          const overlap = last && Math.min(last.rect[hi], to) - Math.max(last.rect[lo], from);
          const sameLine = last && overlap >= 0.5 * Math.min(last.rect[hi] - last.rect[lo], to - from);
          if (sameLine) {
            last.text += ch;
            last.rect = [Math.min(last.rect[0], box.left), Math.min(last.rect[1], box.top),
                         Math.max(last.rect[2], box.right), Math.max(last.rect[3], box.bottom)];
          } else pieces.push({text: ch, rect: [box.left, box.top, box.right, box.bottom]});
        }
        const block = blockOf(el);
        pieces.forEach((piece, number) =>
          words.push({text: piece.text, rects: [piece.rect], block, transformed, piece: number, spaced,
                      ...flow}));
      }
    }
    before = node.data.slice(-1) || before;
  }
  return {words, clipped};
}
"""

# a marked page's blocks (their rectangles, and their table rows') and its frame, the area its
# flow must stay in
BLOCKS_SCRIPT = """
() => {
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const frame = document.querySelector("[data-frame]");
  return {
    frame: frame ? rect(frame) : null,
    blocks: [...document.querySelectorAll("[data-block]")].map((el) => ({
      block: Number(el.dataset.block),
      rect: rect(el),
      framed: frame ? frame.contains(el) : false,
      rows: [...el.querySelectorAll("tr[data-row]")].map((row) => rect(row)),
    })),
  };
}
"""


# an untrusted page made drawable as text nodes alone: embedded documents and canvases go (their
# text is not this DOM's), images lose their alt text and form fields their values (drawn, but not
# text nodes); text that CSS generates (::before/::after content) is counted, for the page's rejection
PREPARE_SCRIPT = """
() => {
  document.querySelectorAll("iframe, frame, object, embed, canvas, select").forEach((e) => e.remove());
  document.querySelectorAll("img").forEach((e) => e.setAttribute("alt", ""));
  document.querySelectorAll("input, textarea").forEach((e) => {
    e.setAttribute("value", ""); e.value = ""; e.setAttribute("placeholder", "");
    if (e.tagName === "TEXTAREA") e.textContent = "";
  });
  let generated = 0;
  for (const el of document.querySelectorAll("body *")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      const content = style.content;
      if (!content || content === "none" || content === "normal" || !/[^\\s"']/.test(content)) continue;
      // drawn only if shown: a clearfix's hidden "." is not
      const shown = style.display !== "none" && style.visibility === "visible" && style.opacity !== "0"
        && style.height !== "0px" && style.fontSize !== "0px";
      if (shown) generated++;
    }
  }
  return generated;
}
"""


class BrowserRefused(Exception):
    """A page the browser would not render: ``reason`` is a short key for counting."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class LaidOut:
    png: bytes
    width: int
    height: int
    # {"text", "rects": [[x1, y1, x2, y2], ...], "block", "transformed"}; a word broken across lines
    # comes as one entry per line, numbered by "piece" from 0
    words: list[dict[str, Any]]
    blocked: list[str] = field(default_factory=list)  # requests aborted: they left the page's folder
    refused_images: list[str] = field(default_factory=list)  # image files too large to decode
    clipped: list[str] = field(default_factory=list)  # words a clipping ancestor cuts (part shown)
    generated_text: int = 0  # unmarked pages: elements whose ::before/::after content is text
    blocks: list[dict[str, Any]] = field(default_factory=list)  # marked: {"block", "rect", "framed", "rows"}
    frame: list[float] | None = None  # marked pages: the area the flow must stay in


def find_chromium() -> str:
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    raise RendererUnavailable("chromium not found: install Debian's chromium package (make setup does)")


class _Drivers(threading.local):
    """One Playwright driver per thread, shared by the thread's browsers: Playwright's sync API
    refuses a second driver in a thread whose first still runs (two html components of one recipe
    in one worker). Stopped when the thread's last browser closes."""

    def __init__(self) -> None:
        self.driver: Any = None
        self.users = 0

    def acquire(self) -> Any:
        if self.driver is None:
            from playwright.sync_api import sync_playwright

            self.driver = sync_playwright().start()
        self.users += 1
        return self.driver

    def release(self) -> None:
        self.users -= 1
        if self.users == 0:
            with contextlib.suppress(Exception):  # its browsers are gone already
                self.driver.stop()
            self.driver = None


_drivers = _Drivers()


class Browser:
    def __init__(
        self, timeout: float = 20.0, restart_every: int = RESTART_EVERY, memory_cap: int = MEMORY_CAP
    ):
        self.timeout = timeout
        self.restart_every = restart_every
        self.memory_cap = memory_cap
        self.peak_memory = 0  # bytes: the most the browser's processes held together at a check
        self._playwright: Any = None
        self._browser: Any = None
        self._pages = 0
        self._own: Any = None  # (context, page, CDP session) reused for our own (marked) pages
        self._folder = Path("/")  # the folder the current page may load from
        self._blocked: list[str] = []
        self._refused_images: list[str] = []

    def _start(self) -> None:
        executable = find_chromium()
        self._playwright = _drivers.acquire()
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=ARGS)
        self._pages = 0

    def close(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        except Exception:
            pass  # a dead browser has nothing left to close
        if self._playwright is not None:
            _drivers.release()
        self._browser = self._playwright = self._own = None

    def render(
        self,
        page_file: Path,
        width: int,
        javascript: bool = False,
        *,
        height: int | None = None,
        scale: float = 1.0,
        marked: bool = False,
        accept: Callable[[LaidOut], bool] | None = None,
    ) -> LaidOut:
        """The page at ``page_file`` laid out ``width`` CSS pixels wide and ``height`` high (None:
        as high as its content), drawn at ``scale`` image pixels per CSS pixel: its screenshot,
        words and, on ``marked`` pages, blocks. Rectangles are in CSS pixels. A page ``accept``
        turns down once measured (its blocks, on marked pages) comes back as measured only: no words,
        empty PNG bytes. Raises BrowserRefused (timeout, page_too_tall, browser_error...)."""
        if self._browser is None or not self._browser.is_connected() or self._pages >= self.restart_every:
            self.close()
            self._start()
        self._pages += 1
        self._folder = page_file.resolve().parent
        self._blocked, self._refused_images = [], []
        watch = MemoryWatch(self.memory_cap)
        try:
            with watch:
                if marked and not javascript:
                    return self._render_own(page_file.resolve(), width, height, scale, accept)
                return self._render_untrusted(page_file.resolve(), width, javascript, height, scale, marked)
        except BrowserRefused:
            raise
        except Exception as err:
            self.close()  # a timeout or a crash: the next page gets a fresh browser
            reason = "timeout" if type(err).__name__ == "TimeoutError" else "browser_error"
            if watch.exceeded:
                reason = "memory_cap"
            raise BrowserRefused(reason, f"{type(err).__name__}: {str(err)[:200]}") from None
        finally:
            self.peak_memory = max(self.peak_memory, watch.peak)

    def _route(self, request_route: Any) -> None:
        url = request_route.request.url
        if not _inside(url, self._folder):
            self._blocked.append(url)
            request_route.abort("blockedbyclient")
        elif _too_many_pixels(url):
            self._refused_images.append(url)
            request_route.abort("blockedbyclient")
        else:
            request_route.continue_()

    def _new_context(self, width: int, scale: float, javascript: bool) -> Any:
        context = self._browser.new_context(
            viewport={"width": width, "height": 600},
            device_scale_factor=scale,
            java_script_enabled=javascript,
            offline=True,
            reduced_motion="reduce",
            color_scheme="light",
            locale="en-US",
            timezone_id="UTC",
        )
        context.set_default_timeout(self.timeout * 1000)
        context.route("**/*", self._route)
        return context

    def _render_own(
        self,
        page_file: Path,
        width: int,
        fixed_height: int | None,
        scale: float,
        accept: Callable[[LaidOut], bool] | None,
    ) -> LaidOut:
        """Our own templates, made from escaped text: one tab reused from page to page (a fresh
        context costs more than the page itself), its size and pixel ratio set through the DevTools
        protocol, which the screenshot then follows; the bytes equal a fresh context's."""
        if self._own is None:
            context = self._new_context(width, 1.0, javascript=False)
            page = context.new_page()
            self._own = (context, page, context.new_cdp_session(page))
        _, page, cdp = self._own

        def size(height: int) -> None:
            metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False}
            cdp.send("Emulation.setDeviceMetricsOverride", metrics)

        size(fixed_height or 600)
        page.goto(page_file.as_uri(), wait_until="load")
        height = fixed_height or self._content_height(page)
        if height != (fixed_height or 600):
            size(height)
        laid = page.evaluate(BLOCKS_SCRIPT)
        measured = self._laid_out(b"", width, height, {"words": [], "clipped": []}, laid)
        if accept is not None and not accept(measured):
            return measured
        found = page.evaluate(WORDS_SCRIPT, True)
        clip = {"x": 0, "y": 0, "width": width, "height": max(1, height), "scale": 1}
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "clip": clip})
        return self._laid_out(base64.b64decode(shot["data"]), width, height, found, laid)

    def _render_untrusted(
        self,
        page_file: Path,
        width: int,
        javascript: bool,
        fixed_height: int | None,
        scale: float,
        marked: bool,
    ) -> LaidOut:
        """A user's page (or one that runs JavaScript): a fresh context of its own, nothing kept
        from one page to the next."""
        context = self._new_context(width, scale, javascript)
        try:
            page = context.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            generated = 0 if marked else int(page.evaluate(PREPARE_SCRIPT))
            content = self._content_height(page)  # refused when too tall, whatever the sheet's height
            height = fixed_height or content
            page.set_viewport_size({"width": width, "height": max(1, height)})
            found = page.evaluate(WORDS_SCRIPT, marked)
            laid = page.evaluate(BLOCKS_SCRIPT) if marked else {"blocks": [], "frame": None}
            # animations and transitions run to their end (endless ones stop), the caret is hidden
            png = page.screenshot(type="png", animations="disabled", caret="hide")
            return self._laid_out(png, width, height, found, laid, generated)
        finally:
            context.close()

    @staticmethod
    def _content_height(page: Any) -> int:
        content = int(page.evaluate("() => document.documentElement.scrollHeight"))
        if content > MAX_HEIGHT:
            raise BrowserRefused("page_too_tall", f"{content} px, at most {MAX_HEIGHT}")
        return content

    def _laid_out(
        self, png: bytes, width: int, height: int, found: dict, laid: dict, generated: int = 0
    ) -> LaidOut:
        return LaidOut(
            png,
            width,
            max(1, height),
            found["words"],
            blocked=list(self._blocked),
            refused_images=list(self._refused_images),
            clipped=found["clipped"],
            generated_text=generated,
            blocks=laid["blocks"],
            frame=laid["frame"],
        )


def _too_many_pixels(url: str) -> bool:
    """Whether a local file is an image declaring more than MAX_IMAGE_PIXELS (read from its header
    alone: nothing is decoded)."""
    if not url.startswith("file://"):
        return False
    from urllib.parse import unquote, urlparse

    from PIL import Image

    try:
        with Image.open(unquote(urlparse(url).path)) as image:
            return image.width * image.height > MAX_IMAGE_PIXELS
    except Image.DecompressionBombError:
        return True
    except Exception:
        return False  # not an image PIL knows: Chromium decides


class MemoryWatch:
    """While a page renders, the resident memory of this process's Chromium children, summed,
    checked every 50 ms; over the cap, they are killed (the render then fails, the page is
    rejected and the next one gets a fresh browser). Playwright gives no hook for limits of its
    own, and an address-space limit does not suit Chromium, which reserves terabytes it never uses."""

    def __init__(self, cap: int, every: float = 0.05):
        self.cap = cap
        self.every = every
        self.peak = 0
        self.exceeded = False
        self._stop = threading.Event()

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        me = psutil.Process()
        while True:
            total, members = 0, []
            for child in me.children(recursive=True):
                try:
                    if "chrom" in child.name().lower():
                        total += child.memory_info().rss
                        members.append(child)
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            if total > self.cap:
                self.exceeded = True
                for member in members:
                    with contextlib.suppress(psutil.Error):
                        member.kill()
                return
            if self._stop.wait(self.every):
                return


def _inside(url: str, folder: Path) -> bool:
    """Whether a request stays in the page's folder (a file below it, or inline data)."""
    if url.startswith("data:"):
        return True
    if not url.startswith("file://"):
        return False
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(url).path)).resolve()
    return path == folder or folder in path.parents
