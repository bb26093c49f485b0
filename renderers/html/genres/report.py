"""A financial or scientific report: a title, short paragraphs and two or three dense tables:
headers spanning year (or condition) groups over their sub-columns, a first header cell spanning
both header rows, many numeric columns, a few empty cells, and a mix of table styles. A running
head and page numbers as furniture.

Tables are long enough to run onto the next sheet when a sample may have several: the layout cuts
them between body rows and repeats the header rows there."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Cell, Table
from gotdata.renderers.html.genres.article import headline, prose
from gotdata.renderers.html.page import Page

WIDTH, HEIGHT = 794, 1123
WORDS = {
    "en": {
        "annual": ["Annual Report", "Interim Report", "Financial Statements", "Quarterly Review"],
        "technical": ["Technical Report", "Research Report", "Laboratory Report", "Study Report"],
        "sections": ["Summary", "Financial review", "Segment results", "Regional performance", "Outlook"],
        "science": ["Summary", "Methods", "Results", "Measurements", "Discussion"],
        "captions": [
            "Revenue by branch", "Results against budget", "Segment overview",
            "Results by condition", "Batch quality",
        ],
        "segments": [
            "Retail", "Wholesale", "Consumer products", "Industrial", "Services", "Online", "Licensing",
            "Asia Pacific", "Europe", "North America", "Latin America", "Middle East", "Africa", "Other",
        ],
        "item": "Item",
        "region": "Branch",
        "sample": "Sample",
        "table": "Table",
        "note": "Note: amounts in thousands of {cur}; figures in brackets are negative.",
        "science_note": "Note: values are means of {n} replicates; empty cells were not measured.",
        "page": ["Page {page}", "{page}", "- {page} -"],
        "quarters": ["Q1", "Q2", "Q3", "Q4"],
        "halves": ["H1", "H2"],
        "plan": ["Actual", "Budget", "Var. %"],
        "lines": [
            "Revenue", "Cost of sales", "Gross profit", "Distribution costs", "Administrative expenses",
            "Other operating income", "Operating profit", "Finance income", "Finance costs",
            "Profit before tax", "Income tax expense", "Profit for the year", "Depreciation",
            "Amortisation", "Capital expenditure", "Inventories", "Trade receivables",
            "Cash and cash equivalents", "Total assets", "Trade payables", "Borrowings", "Provisions",
            "Total liabilities", "Share capital", "Retained earnings", "Total equity", "Dividends paid",
            "Research and development", "Employee benefits", "Free cash flow",
        ],
        "metrics": ["Revenue", "Op. profit", "Margin %", "Headcount", "Assets", "Capex", "Growth %"],
        "stats": ["Mean", "SD", "n"],
        "conditions": ["Control", "Low dose", "High dose", "20 °C", "37 °C", "pH 5", "pH 7", "Treated"],
        "measures": ["Yield %", "Purity %", "Mass (g)", "Time (s)", "Conc. (mM)", "Loss %", "Score"],
    },
    "zh": {
        "annual": ["年度报告", "半年度报告", "财务报表", "季度报告"],
        "technical": ["技术报告", "研究报告", "实验报告", "检测报告"],
        "sections": ["概要", "财务回顾", "分部业绩", "区域表现", "展望"],
        "science": ["摘要", "方法", "结果", "测量数据", "讨论"],
        "captions": ["各分公司营业收入", "实际与预算对比", "分部概况", "各条件下的测定结果", "批次质量"],
        "segments": [
            "零售", "批发", "消费品", "工业品", "服务", "线上业务", "授权", "华东", "华南", "华北", "华中",
            "西南", "西北", "东北", "海外", "其他",
        ],
        "item": "项目",
        "region": "分公司",
        "sample": "样品",
        "table": "表",
        "note": "注：金额单位为千{cur}；括号内数字为负数。",
        "science_note": "注：数值为{n}次重复的平均值；空白单元格表示未测定。",
        "page": ["第 {page} 页", "{page}", "- {page} -"],
        "quarters": ["一季度", "二季度", "三季度", "四季度"],
        "halves": ["上半年", "下半年"],
        "plan": ["实际", "预算", "差异%"],
        "lines": [
            "营业收入", "营业成本", "毛利", "销售费用", "管理费用", "研发费用", "财务费用", "其他收益",
            "投资收益", "营业利润", "营业外收入", "营业外支出", "利润总额", "所得税费用", "净利润",
            "货币资金", "应收账款", "存货", "固定资产", "无形资产", "资产总计", "短期借款", "应付账款",
            "负债合计", "实收资本", "资本公积", "未分配利润", "所有者权益合计", "经营活动现金流量",
            "投资活动现金流量",
        ],
        "metrics": ["营业收入", "营业利润", "利润率%", "员工人数", "资产", "资本开支", "增长率%"],
        "stats": ["均值", "标准差", "n"],
        "conditions": ["对照组", "低剂量", "高剂量", "20 °C", "37 °C", "pH 5", "pH 7", "处理组"],
        "measures": ["产率%", "纯度%", "质量(g)", "时间(s)", "浓度(mM)", "损失%", "评分"],
    },
}  # fmt: skip


def build(ctx) -> Page:
    fake, w, zh = ctx.fake, WORDS[ctx.language], ctx.language == "zh"
    style, stack = ctx.style(ctx.pick(["serif", "sans"]))
    style["size"] = f"{ctx.between(13, 15)}px"
    science = ctx.chance(0.35)
    year = ctx.between(2012, 2024)
    company = fake.company()
    kind = ctx.pick(w["technical"] if science else w["annual"])
    title = headline(ctx) if science else (f"{year}年{kind}" if zh else f"{kind} {year}")
    pages = ctx.params.max_pages  # longer tables when the sample may run over several sheets
    blocks = [b.title(title)]
    subtitle = f"{company} · {kind}" if science else company
    blocks.append(b.text("paragraph", subtitle, classes="subtitle"))

    tables = [*(science_tables(ctx, w, pages) if science else finance_tables(ctx, w, year, pages))]
    sections = w["science" if science else "sections"]
    for number, (table, topic, note) in enumerate(tables, 1):
        blocks.append(b.heading(f"{number} {sections[number - 1]}", ctx.pick([2, 3])))
        blocks.append(b.text("paragraph", prose(ctx, ctx.between(1, 3))))
        if ctx.chance(0.7):
            label = f"{w['table']} {number}" if zh else f"{w['table']} {number}:"
            table.caption = f"{label} {topic}"
        block = table.block()
        block.classes += f" dense {ctx.pick(['small', 'smaller'])}"
        blocks.append(block)
        if note:
            blocks.append(b.text("footnote", note, classes="note"))
    if ctx.chance(0.6):
        blocks.append(b.heading(f"{len(tables) + 1} {sections[-1]}", 2))
        blocks.append(b.text("paragraph", prose(ctx, ctx.between(2, 4))))

    head = f"{company} · {title}" if not science else f"{kind} · {company}"
    blocks.append(b.text("header", head, region="header", role="furniture", tag="div", classes="running"))
    blocks.append(b.text("page_number", ctx.pick(w["page"]), region="footer", role="furniture", tag="div"))
    blocks += ctx.overlays(WIDTH, HEIGHT, ("watermark",), [])  # a draft or confidential copy
    data = {"head": ctx.pick(["rule", "band", "plain"]), "align": ctx.pick(["center", "right"])}
    return Page("report", "sheet", WIDTH, HEIGHT, ctx.language, blocks, style, data, stack)


# -- numbers -------------------------------------------------------------------------------------
def amount(ctx, scale: float) -> str:
    """An amount in the report's style: thousands separators, negatives in brackets."""
    value = float(ctx.rng.normal(scale, scale / 2))
    shown = f"{abs(value):,.0f}"
    return f"({shown})" if value < 0 else shown


def maybe(ctx, text: str) -> Cell:
    """A numeric cell, now and then left empty (not reported, not applicable)."""
    return Cell("" if ctx.chance(0.05) else text, numeric=True)


# -- financial tables ----------------------------------------------------------------------------
def finance_tables(ctx, w, year: int, pages: int) -> list[tuple[Table, str, str | None]]:
    """(table, what its caption names, the note under it)."""
    cur = ctx.pick(["EUR", "USD", "GBP"]) if ctx.language == "en" else "元"
    styles = list(ctx.rng.permutation(["grid", "zebra", "borderless", "rules"]))
    out = []
    # 1: branches by quarter (or half-year) over two or three years: the long one
    years = [str(y) for y in range(year - ctx.between(1, 2), year + 1)]
    parts = w["quarters"] if len(years) == 2 else ctx.pick([w["halves"], w["quarters"][:3]])
    head = [
        [
            Cell(w["region"], rowspan=2, header=True),
            *(Cell(y, colspan=len(parts), header=True) for y in years),
        ],
        [Cell(p, header=True) for _ in years for p in parts],
    ]
    cities = unique(ctx, lambda: ctx.fake.city(), ctx.between(14, 22) + 28 * (pages - 1))
    scale = ctx.pick([800, 5000, 40000])
    body = [
        [Cell(c), *(maybe(ctx, amount(ctx, scale)) for _ in range(len(years) * len(parts)))] for c in cities
    ]
    out.append((Table(head, body, style=str(styles[0])), w["captions"][0], w["note"].format(cur=cur)))

    # 2: the statement's line items, actual against budget per year
    years = [str(year - 1), str(year)]
    head = [
        [Cell(w["item"], rowspan=2, header=True), *(Cell(y, colspan=3, header=True) for y in years)],
        [Cell(p, header=True) for _ in years for p in w["plan"]],
    ]
    count = min(len(w["lines"]), ctx.between(10, 16) + 10 * (pages - 1))
    body = []
    for line in w["lines"][:count]:
        row = [Cell(line, header=ctx.chance(0.15))]
        for _ in years:
            actual, budget = float(ctx.rng.uniform(100, 9000)), float(ctx.rng.uniform(100, 9000))
            change = (actual - budget) / budget * 100
            row += [maybe(ctx, f"{actual:,.0f}"), maybe(ctx, f"{budget:,.0f}"), maybe(ctx, f"{change:+.1f}")]
        body.append(row)
    out.append((Table(head, body, style=str(styles[1])), w["captions"][1], None))

    # 3 (sometimes): segments against a few metrics, one header row
    if ctx.chance(0.6):
        metrics = list(w["metrics"][: ctx.between(4, 7)])
        head = [[Cell(w["item"], header=True), *(Cell(m, header=True) for m in metrics)]]
        count = ctx.between(5, 10) + 8 * (pages - 1)
        names = [str(s) for s in ctx.rng.permutation(w["segments"])]
        names += unique(ctx, lambda: ctx.fake.city(), max(0, count - len(names)))
        body = [[Cell(n), *(maybe(ctx, amount(ctx, 3000)) for _ in metrics)] for n in names[:count]]
        out.append((Table(head, body, style=str(styles[2])), w["captions"][2], None))
    return out


# -- scientific tables ---------------------------------------------------------------------------
def science_tables(ctx, w, pages: int) -> list[tuple[Table, str, str | None]]:
    styles = list(ctx.rng.permutation(["grid", "zebra", "borderless", "rules"]))
    out = []
    # 1: samples under conditions, mean / SD / n under each condition
    conditions = [str(c) for c in ctx.rng.choice(w["conditions"], size=ctx.between(2, 3), replace=False)]
    stats = w["stats"] if len(conditions) < 3 or ctx.chance(0.5) else w["stats"][:2]
    head = [
        [
            Cell(w["sample"], rowspan=2, header=True),
            *(Cell(c, colspan=len(stats), header=True) for c in conditions),
        ],
        [Cell(s, header=True) for _ in conditions for s in stats],
    ]
    samples = unique(ctx, lambda: ctx.fake.bothify("??-###").upper(), ctx.between(16, 24) + 30 * (pages - 1))
    body = []
    for sample in samples:
        row = [Cell(sample)]
        for _ in conditions:
            mean = float(ctx.rng.uniform(0.5, 120))
            values = [f"{mean:.2f}", f"{mean * ctx.rng.uniform(0.02, 0.2):.2f}", str(ctx.between(3, 12))]
            row += [maybe(ctx, v) for v in values[: len(stats)]]
        body.append(row)
    replicates = ctx.between(3, 6)
    note = w["science_note"].format(n=replicates)
    out.append((Table(head, body, style=str(styles[0])), w["captions"][3], note))

    # 2: measures per batch: one header row, many numeric columns
    measures = [str(m) for m in ctx.rng.choice(w["measures"], size=ctx.between(4, 7), replace=False)]
    head = [[Cell(w["sample"], header=True), *(Cell(m, header=True) for m in measures)]]
    body = [
        [Cell(ctx.fake.bothify("B-##")), *(maybe(ctx, f"{ctx.rng.uniform(0, 100):.1f}") for _ in measures)]
        for _ in range(ctx.between(8, 14) + 14 * (pages - 1))
    ]
    out.append((Table(head, body, style=str(styles[1])), w["captions"][4], None))
    return out


def unique(ctx, draw, count: int) -> list[str]:
    """``count`` different values of ``draw`` (row labels that do not repeat)."""
    seen: list[str] = []
    for _ in range(count * 4):
        value = draw()
        if value not in seen:
            seen.append(value)
        if len(seen) == count:
            break
    return seen
