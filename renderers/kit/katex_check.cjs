// Reads a JSON list of TeX formulas on stdin; writes, for each, null when KaTeX typesets it in
// display mode, or KaTeX's error message when it cannot.
const katex = require("katex");
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const answers = JSON.parse(input).map((formula) => {
    try {
      katex.renderToString(formula, { displayMode: true, throwOnError: true, strict: "ignore" });
      return null;
    } catch (err) {
      return String(err.message || err);
    }
  });
  process.stdout.write(JSON.stringify(answers));
});
