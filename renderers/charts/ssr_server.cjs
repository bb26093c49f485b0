// ECharts server-side rendering to SVG strings, one persistent process per worker.
// Protocol: one JSON request per stdin line {id, option, width, height, theme, family, advances};
// one JSON reply per stdout line {id, svg} or {id, error}.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const echarts = require("echarts");

const themeDir = path.join(path.dirname(require.resolve("echarts/package.json")), "theme");
const loadedThemes = new Set();

// Theme files are UMD scripts; handing them an AMD define registers them on our echarts instance.
function loadTheme(name) {
  if (!name || loadedThemes.has(name)) return;
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad theme name ${name}`);
  const define = (deps, factory) => factory({}, echarts);
  define.amd = true;
  new Function("define", fs.readFileSync(path.join(themeDir, `${name}.js`), "utf8"))(define);
  loadedThemes.add(name);
}

// Text is measured with the real fonts' advance widths (em per character, sent by the caller), so
// ECharts lays out labels, legends and margins for the glyphs resvg will draw.
const advances = new Map(); // family -> Map(char -> em)
function measureText(text, font) {
  const match = /(\d+(?:\.\d+)?)px\s+(.*)$/.exec(font || "");
  const size = match ? parseFloat(match[1]) : 12;
  const family = match ? match[2].split(",")[0].replace(/["']/g, "").trim() : "";
  const table = advances.get(family);
  const bold = /\bbold(er)?\b|\b[6-9]00\b/.test(font || "") ? 1.06 : 1.0;
  let width = 0;
  for (const char of text || "") {
    const known = table && table.get(char);
    width += known !== undefined ? known : char.codePointAt(0) > 0x2e80 ? 1.0 : 0.62;
  }
  return { width: width * size * bold };
}
echarts.setPlatformAPI({ measureText });

function render(request) {
  loadTheme(request.theme);
  if (request.family && request.advances) {
    const table = advances.get(request.family) || new Map();
    for (const [char, em] of Object.entries(request.advances)) table.set(char, em);
    advances.set(request.family, table);
  }
  const chart = echarts.init(null, request.theme || null, {
    renderer: "svg",
    ssr: true,
    width: request.width,
    height: request.height,
  });
  try {
    chart.setOption(request.option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    reply = { id: request.id };
    try {
      reply.svg = render(request);
    } catch (err) {
      reply.error = String(err && err.message ? err.message : err);
    }
  } catch (err) {
    reply = { id: null, error: `bad request: ${err.message}` };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
lines.on("close", () => process.exit(0));
