// Reads {"items": [[tex, display], ...], "html": bool} on stdin; writes, for each formula, its
// HTML (or null when only checking) and KaTeX's error message when it cannot typeset it.
const katex = require("katex");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const answers = request.items.map(([formula, display]) => {
    try {
      const html = katex.renderToString(formula, {
        displayMode: display,
        throwOnError: true,
        strict: "ignore",
        output: "html", // no hidden MathML copy: every text node of the output is drawn
      });
      return { html: request.html ? html : null, error: null };
    } catch (err) {
      return { html: null, error: String(err.message || err) };
    }
  });
  process.stdout.write(JSON.stringify(answers));
});
