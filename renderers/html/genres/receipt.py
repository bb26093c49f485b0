"""A till receipt: a narrow roll of thermal paper in a monospaced face. The shop and its address,
the date and till, the items bought (a borderless table, amounts right-aligned), the totals, how it
was paid, a thank-you line and a barcode drawn with CSS bars (not text) over its printed number."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Cell, Table
from gotdata.renderers.html.page import Page

WORDS = {
    "en": {
        "receipt": ["RECEIPT", "SALES RECEIPT", "Receipt", "TAX INVOICE"],
        "date": "Date",
        "time": "Time",
        "till": "Till",
        "cashier": "Cashier",
        "number": "Receipt no.",
        "item": "Item",
        "qty": "Qty",
        "amount": "Amount",
        "subtotal": "Subtotal",
        "tax": "Tax",
        "total": "TOTAL",
        "cash": "Cash",
        "change": "Change",
        "card": "ending",
        "items": "Items",
        "tel": "Tel ",
        "colon": ": ",
        "thanks": [
            "Thank you for shopping with us!",
            "THANK YOU - PLEASE COME AGAIN",
            "Thank you for your visit",
            "Keep this receipt for returns within 30 days",
        ],
    },
    "zh": {
        "receipt": ["购物小票", "收银小票", "销售凭证"],
        "date": "日期",
        "time": "时间",
        "till": "收银台",
        "cashier": "收银员",
        "number": "单号",
        "item": "商品",
        "qty": "数量",
        "amount": "金额",
        "subtotal": "小计",
        "tax": "税额",
        "total": "合计",
        "cash": "现金",
        "change": "找零",
        "card": "尾号",
        "items": "件数",
        "tel": "电话：",
        "colon": "：",
        "thanks": ["谢谢惠顾，欢迎再次光临！", "请妥善保管小票，七日内凭票退换", "感谢您的光临"],
    },
}
# What a shop sells (a receipt of prose fragments would not look like one).
GOODS = {
    "en": [
        "Whole milk 1L",
        "Bananas",
        "Sourdough loaf",
        "Free range eggs x6",
        "Coffee beans 250g",
        "Cheddar 400g",
        "Orange juice",
        "Greek yoghurt",
        "Pasta fusilli 500g",
        "Tomatoes vine",
        "Dish soap",
        "Paper towels",
        "Chicken breast",
        "Basmati rice 1kg",
        "Dark chocolate",
        "Sparkling water",
        "Apples Gala",
        "Butter unsalted",
        "Green tea 20s",
        "Croissant",
        "Latte large",
        "Blueberry muffin",
        "AA batteries",
        "Notebook A5",
        "Ballpoint pens",
        "Shampoo 300ml",
        "Toothpaste",
        "Olive oil 500ml",
        "Granola",
        "Frozen peas",
    ],
    "zh": [
        "全脂牛奶1L",
        "香蕉",
        "全麦面包",
        "鸡蛋（10枚）",
        "咖啡豆250g",
        "酸奶",
        "橙汁",
        "挂面500g",
        "西红柿",
        "洗洁精",
        "抽纸",
        "鸡胸肉",
        "东北大米5kg",
        "黑巧克力",
        "矿泉水",
        "红富士苹果",
        "绿茶",
        "牛角包",
        "拿铁（大杯）",
        "五号电池",
        "笔记本",
        "中性笔",
        "洗发水",
        "牙膏",
        "花生油",
        "速冻水饺",
        "酱油",
        "榨菜",
        "方便面",
        "薯片",
    ],
}
CURRENCIES = {"en": ["$", "£", "€"], "zh": ["¥"]}
CARDS = {"en": ["VISA", "Mastercard", "AMEX", "Debit"], "zh": ["银联卡", "微信支付", "支付宝"]}


def build(ctx) -> Page:
    fake, w, language = ctx.fake, WORDS[ctx.language], ctx.language
    style, stack = ctx.style("sans")
    # thermal printers print one monospaced face; CJK falls back to the page's CJK family
    mono = style["mono-font"].strip('"')
    stack = [mono, *stack[1:]]
    style["font"] = ", ".join(f'"{f}"' for f in stack[:-1])
    style["heading-font"] = style["font"]
    style["size"] = f"{ctx.between(12, 14)}px"
    style["leading"] = f"{ctx.rng.uniform(1.2, 1.4):.2f}"
    style["margin"] = f"{ctx.between(12, 22)}px"
    style["gap"] = f"{ctx.between(4, 8)}px"
    style["paper"] = ctx.pick(["#ffffff", "#fbfbf8", "#f6f6f2"])
    style["ink"] = ctx.pick(["#111111", "#2b2b2b", "#3a3a3a", "#1d2530"])
    width = ctx.between(300, 380)
    currency = ctx.pick(CURRENCIES[language])
    shout = language == "en" and ctx.chance(0.4)  # many tills print in capitals only
    case = str.upper if shout else str

    blocks = [
        b.title(case(fake.company()), region="main", classes="shop"),
        b.text("paragraph", _oneline(fake.address()), classes="centre"),
    ]
    if ctx.chance(0.6):
        blocks.append(b.text("paragraph", f"{w['tel']}{fake.phone_number()}", classes="centre"))
    if ctx.chance(0.5):
        blocks.append(b.text("paragraph", ctx.pick(w["receipt"]), classes="centre strong"))
    when = ctx.moment(5)
    colon = w["colon"]
    blocks += [
        b.text(
            "paragraph",
            f"{w['date']}{colon}{when:%Y-%m-%d}  {w['time']}{colon}{when:%H:%M}",
            classes="rule-above",
        ),
        b.text("paragraph", f"{w['number']} {fake.bothify('####-######')}"),
    ]
    if ctx.chance(0.6):
        blocks.append(
            b.text("paragraph", f"{w['till']} {ctx.between(1, 12)}  {w['cashier']}{colon}{_cashier(ctx)}")
        )

    rows, subtotal, count = [], 0.0, 0
    for _ in range(ctx.between(2, 14)):
        qty = ctx.pick([1, 1, 1, 1, 2, 2, 3, 4, 6])
        # most things are cheap, a few dear (yuan: about four to the dollar's prices)
        price = max(0.2, round(float(ctx.rng.lognormal(1.2, 0.8)) * (1 if language == "en" else 4), 2))
        subtotal += qty * price
        count += qty
        name = ctx.pick(GOODS[language]) if ctx.chance(0.9) else ctx.words(1, 3)
        rows.append(
            [Cell(case(name)), Cell(str(qty), numeric=True), Cell(f"{qty * price:.2f}", numeric=True)]
        )
    head = [
        [
            Cell(w["item"], header=True),
            Cell(w["qty"], header=True, numeric=True),
            Cell(w["amount"], header=True, numeric=True),
        ]
    ]
    items = Table(head if ctx.chance(0.6) else [], rows, style="borderless").block()
    items.classes += " items"
    blocks.append(items)

    rate = ctx.pick([0.0, 0.05, 0.08, 0.13, 0.2])
    tax = round(subtotal * rate / (1 + rate), 2)  # prices include tax; the receipt shows its share
    total_rows = [[Cell(f"{w['items']}{colon}{count}", colspan=2)]] if ctx.chance(0.4) else []
    total_rows.append([Cell(w["subtotal"]), Cell(f"{subtotal:.2f}", numeric=True)])
    if rate:
        total_rows.append([Cell(f"{w['tax']} {rate:.0%}"), Cell(f"{tax:.2f}", numeric=True)])
    total_rows.append([Cell(w["total"], header=True), Cell(f"{currency}{subtotal:.2f}", numeric=True)])
    totals = Table([], total_rows, style="borderless")
    totals_block = totals.block()
    totals_block.classes += " totals"
    blocks.append(totals_block)

    if ctx.chance(0.4):  # paid in cash: what was handed over and the change
        paid = subtotal + ctx.pick([0.0, 0.5, 1, 5, 10, 20])
        paid = float(int(paid) + (1 if paid % 1 else 0))
        blocks.append(
            b.text("paragraph", f"{w['cash']} {currency}{paid:.2f}  {w['change']} {paid - subtotal:.2f}")
        )
    else:
        card = ctx.pick(CARDS[language])
        blocks.append(
            b.text("paragraph", f"{card} {w['card']} {fake.numerify('####')}  {currency}{subtotal:.2f}")
        )
    blocks.append(b.text("paragraph", ctx.pick(w["thanks"]), classes="centre rule-above"))
    if ctx.chance(0.4):
        blocks.append(b.text("paragraph", fake.url(), classes="centre"))

    code = fake.numerify("#" * ctx.pick([12, 13, 16]))
    bars = _bars(ctx, code) if ctx.chance(0.7) else []
    if bars:
        blocks.append(b.text("paragraph", code, region="code", classes="centre code"))
    return Page("receipt", "roll", width, None, language, blocks, style, {"bars": bars}, stack)


def _oneline(address: str) -> str:
    return ", ".join(part.strip() for part in address.splitlines() if part.strip())


def _cashier(ctx) -> str:
    """A till prints the cashier's first name (en) or full name (zh)."""
    return ctx.fake.first_name() if ctx.language == "en" else ctx.fake.name()


def _bars(ctx, code: str) -> list[tuple[int, int]]:
    """(bar width, gap after it) in pixels: a barcode-like pattern, several bars per digit."""
    out = []
    for _ in range(len(code) * 3 + 4):
        out.append((ctx.pick([1, 1, 2, 2, 3, 4]), ctx.pick([1, 1, 2, 3])))
    return out
