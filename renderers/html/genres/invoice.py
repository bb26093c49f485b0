"""An invoice: seller and buyer, invoice details, a table of line items (dense numeric columns, a
spanning header), totals, payment terms; a stamp (PAID) and a signature may sit on it."""

from __future__ import annotations

from datetime import timedelta

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Cell, Table
from gotdata.renderers.html.page import Page

WIDTH, HEIGHT = 794, 1123
WORDS = {
    "en": {
        "invoice": "Invoice",
        "number": "Invoice no.",
        "date": "Date",
        "due": "Due date",
        "bill": "Bill to",
        "item": "Description",
        "qty": "Qty",
        "price": "Unit price",
        "amount": "Amount",
        "subtotal": "Subtotal",
        "tax": "VAT",
        "total": "Total due",
        "terms": "Payment terms",
        "line": "Line items",
    },
    "zh": {
        "invoice": "发票",
        "number": "发票号码",
        "date": "开票日期",
        "due": "付款期限",
        "bill": "购买方",
        "item": "货物或服务名称",
        "qty": "数量",
        "price": "单价",
        "amount": "金额",
        "subtotal": "小计",
        "tax": "税额",
        "total": "价税合计",
        "terms": "付款条件",
        "line": "明细",
    },
}
STAMPS = {"en": ["PAID", "RECEIVED", "APPROVED", "COPY"], "zh": ["已付款", "已收讫", "财务专用章"]}


def build(ctx) -> Page:
    fake, w = ctx.fake, WORDS[ctx.language]
    style, stack = ctx.style(ctx.pick(["sans", "serif"]))
    currency = ctx.pick(["EUR", "USD", "GBP"]) if ctx.language == "en" else "CNY"
    seller = fake.company()
    issued = ctx.moment(3)
    due = issued + timedelta(days=ctx.pick([14, 30, 45, 60]))
    blocks = [
        b.text("title", seller, region="seller", tag="div", classes="seller-name"),
        b.text("paragraph", fake.address().replace("\n", ", "), region="seller", classes="muted"),
        b.title(f"{w['invoice']} {fake.bothify('??-####').upper()}", region="meta"),
        b.text("paragraph", f"{w['date']}: {issued:%Y-%m-%d}", region="meta"),
        b.text("paragraph", f"{w['due']}: {due:%Y-%m-%d}", region="meta"),
        b.heading(w["bill"], 3, region="buyer"),
        b.text("paragraph", fake.name(), region="buyer"),
        b.text("paragraph", fake.address().replace("\n", ", "), region="buyer"),
    ]
    rows, subtotal = [], 0.0
    for _ in range(ctx.between(3, 48)):  # a long invoice runs on to a second sheet
        qty = ctx.between(1, 40)
        price = round(float(ctx.rng.uniform(2, 900)), 2)
        subtotal += qty * price
        item = ctx.words(2, 5) if ctx.language == "en" else ctx.words(2, 5)
        rows.append(
            [
                Cell(fake.bothify("##-???").upper()),
                Cell(item),
                Cell(str(qty), numeric=True),
                Cell(f"{price:,.2f}", numeric=True),
                Cell(f"{qty * price:,.2f}", numeric=True),
            ]
        )
    head = [
        [
            Cell("#", rowspan=2, header=True),
            Cell(w["item"], rowspan=2, header=True),
            Cell(w["line"], colspan=3, header=True),
        ],
        [
            Cell(w["qty"], header=True),
            Cell(w["price"], header=True),
            Cell(f"{w['amount']} ({currency})", header=True),
        ],
    ]
    if ctx.chance(0.5):  # a one-row header as often
        head = [
            [
                Cell("#", header=True),
                Cell(w["item"], header=True),
                Cell(w["qty"], header=True),
                Cell(w["price"], header=True),
                Cell(f"{w['amount']} ({currency})", header=True),
            ]
        ]
    style_name = ctx.pick(["grid", "zebra", "rules", "borderless"])
    blocks.append(Table(head, rows, style=style_name).block())
    rate = ctx.pick([0.05, 0.07, 0.1, 0.19, 0.2])
    tax = subtotal * rate
    totals = Table(
        [],
        [
            [Cell(w["subtotal"], header=True), Cell(f"{subtotal:,.2f}", numeric=True)],
            [Cell(f"{w['tax']} {rate:.0%}", header=True), Cell(f"{tax:,.2f}", numeric=True)],
            [Cell(w["total"], header=True), Cell(f"{subtotal + tax:,.2f} {currency}", numeric=True)],
        ],
        style="borderless",
    )
    totals_block = totals.block()
    totals_block.classes += " totals"
    blocks.append(totals_block)
    blocks.append(b.heading(w["terms"], 3))
    blocks.append(b.text("paragraph", ctx.sentences(ctx.between(1, 3))))
    blocks.append(
        b.text("footer", f"{fake.company_email()} · {fake.phone_number()}", region="footer", role="furniture")
    )
    blocks.append(b.text("page_number", "{page}", region="footer", role="furniture", classes="number"))
    blocks += ctx.overlays(WIDTH, HEIGHT, ("stamp", "signature", "watermark"), STAMPS[ctx.language])
    return Page("invoice", "sheet", WIDTH, HEIGHT, ctx.language, blocks, style, {}, stack)
