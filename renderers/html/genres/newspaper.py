"""A newspaper page: the masthead (the paper's name, its edition line: volume, date, price), the
lead story's headline across the page with its deck and byline, then the stories in three or four
columns (CSS multi-column in the frame, filled column by column): headings and bylines kept with
what follows them, paragraphs free to run on from the foot of one column to the head of the next.

The frame is as high as the sheet leaves it, so a block that does not fit goes to a column past
the frame's right edge, where the layout finds it and cuts the flow there (a paragraph split
between two columns of the frame has a bounding box inside the frame and stays)."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.page import Page

WIDTH, HEIGHT = 794, 1123
WORDS = {
    "en": {
        "names": [
            "The {city} Times",
            "{city} Herald",
            "The Daily {city}",
            "{city} Gazette",
            "The {city} Courier",
            "{city} Evening Post",
            "The {city} Chronicle",
            "{city} Observer",
        ],
        "volume": "Vol. {volume} No. {number}",
        "price": ["Price {price}", "{price}", "{price} daily"],
        "edition": ["Late City Edition", "Final Edition", "Morning Edition", "Weekend Edition"],
        "mottos": ["All the news of the day", "Independent since {year}", "Serving {city} since {year}"],
        "by": ["By {name}", "{name}, Staff Reporter", "By {name} in {city}"],
        "page": ["A{page}", "{page}", "Page {page}"],
    },
    "zh": {
        "names": ["{city}日报", "{city}晚报", "{city}晨报", "{city}商报", "{city}都市报"],
        "volume": "第{number}期",
        "price": ["定价：{price}元", "零售价{price}元"],
        "edition": ["今日16版", "今日24版", "周末版"],
        "mottos": ["创刊于{year}年", "{city}新闻门户"],
        "by": ["本报记者 {name}", "记者 {name} 报道", "通讯员 {name}"],
        "page": ["第{page}版", "{page}", "A{page}"],
    },
}
# how much prose fills the first sheet's frame, with some to spare: what does not fit is cut off, and
# every character laid out costs browser time (the largest first sheets held about 5,600 and 2,300)
FILL = {"en": 7500, "zh": 3200}


def build(ctx) -> Page:
    fake, w, zh = ctx.fake, WORDS[ctx.language], ctx.language == "zh"
    style, stack = ctx.style(ctx.pick(["serif", "serif", "sans"]))
    style["size"] = f"{ctx.between(12, 14)}px"
    style["leading"] = f"{ctx.rng.uniform(1.3, 1.45):.2f}"
    style["margin"] = f"{ctx.between(32, 48)}px"
    style["gap"] = f"{ctx.between(6, 9)}px"
    data = {
        "columns": ctx.pick([3, 3, 4]),
        "rule": ctx.chance(0.6),  # a rule between the columns
        "justify": ctx.chance(0.5),  # narrow justified columns without hyphens gape: not always
        "masthead": ctx.pick(["centre", "left"]),
    }
    city = _city(fake, zh)
    when = ctx.moment(40)
    date = (
        f"{when.year}年{when.month}月{when.day}日 星期{'一二三四五六日'[when.weekday()]}"
        if zh
        else (when.strftime("%A, %B %d, %Y"))
    )
    volume = w["volume"].format(volume=_roman(ctx.between(5, 160)), number=f"{ctx.between(100, 52000):,}")
    amount = ctx.pick(["1.00", "1.50", "2.00", "2.50", "3.00"])
    price = ctx.pick(w["price"]).format(price=amount if zh else ctx.pick(["$", "£", "€"]) + amount)

    # the masthead: name (and motto), then the edition line, left to right
    blocks = [
        b.text("title", ctx.pick(w["names"]).format(city=city), region="masthead", tag="div", classes="name")
    ]
    if ctx.chance(0.4):
        motto = ctx.pick(w["mottos"]).format(city=city, year=ctx.between(1840, 1990))
        blocks.append(b.text("paragraph", motto, region="masthead", tag="div", classes="motto"))
    edition = [volume, date, price] if ctx.chance(0.7) else [date, ctx.pick(w["edition"]), price]
    blocks += [b.text("paragraph", part, region="edition", tag="div") for part in edition]

    # the lead story: its headline across the columns, a deck, a byline; its text opens the frame
    blocks.append(b.title(_headline(ctx), region="lead"))
    if ctx.chance(0.6):
        blocks.append(b.text("paragraph", ctx.sentences(1), region="lead", classes="deck"))
    written = 0
    first = True
    # later sheets have no masthead: about a third more text each
    while written < FILL[ctx.language] * (1 + 1.3 * (ctx.params.max_pages - 1)):
        if not first:
            blocks.append(b.heading(_headline(ctx), ctx.pick([2, 3])))
        if ctx.chance(0.7):
            by = ctx.pick(w["by"]).format(name=fake.name(), city=_city(fake, zh))
            blocks.append(b.text("paragraph", by, region="lead" if first else "main", classes="byline"))
        for _ in range(ctx.between(2, 6) if first else ctx.between(2, 5)):
            text = _paragraph(ctx)
            written += len(text)
            blocks.append(b.text("paragraph", text, classes="story"))
        first = False

    if ctx.chance(0.6):
        blocks.append(b.text("footer", f"{blocks[0].check} · {date}", region="footer", role="furniture"))
    blocks.append(
        b.text("page_number", ctx.pick(w["page"]), region="footer", role="furniture", classes="number")
    )
    return Page("newspaper", "sheet", WIDTH, HEIGHT, ctx.language, blocks, style, data, stack)


def _headline(ctx) -> str:
    """A title of the prose, without a "Chapter 9:" lead."""
    return ctx.title().split(": ")[-1].split("：")[-1]


def _paragraph(ctx) -> str:
    """News paragraphs are short: one to three sentences (Chinese sentences are shorter: more)."""
    if ctx.language == "zh":
        return "".join(ctx.sentences(2) for _ in range(ctx.between(1, 4)))
    return ctx.sentences(ctx.between(1, 3))


def _city(fake, zh: bool) -> str:
    city = fake.city()
    return city.removesuffix("市").removesuffix("县") if zh else city


def _roman(number: int) -> str:
    out = ""
    for value, letters in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            out += letters
            number -= value
    return out
