"""The renderer kit: pieces that several renderer plugins share and no plugin owns.

The TeX sandbox, PDF and SVG rasterisation, font lookups, the JSON-lines child process and the limits
its children run under, and the LaTeX page-writing pieces (templates, text, formulas, tables). Plugins
import the kit, never each other: a plugin can then change, or be left out, without breaking another.
"""
