"""A business letter: the sender's letterhead, the date and the recipient's address, a subject line,
the salutation, a few paragraphs, the closing and the sender's name and position; a page number in
the footer. Chinese letters follow their own order (此致/敬礼, then the sender and the date at the
foot). A signature and a watermark may sit on it. Long letters run on to further sheets."""

from __future__ import annotations

from dataclasses import replace

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Block, esc
from gotdata.renderers.html.page import Page

WIDTH, HEIGHT = 794, 1123
WORDS = {
    "en": {
        "subject": ["Re: ", "Subject: ", "Ref: ", ""],
        "dear": ["Dear {title} {last},", "Dear {first},", "Dear Sir or Madam,", "Dear {title} {last}"],
        "titles": ["Mr", "Ms", "Mrs", "Dr"],
        "closing": ["Yours sincerely,", "Yours faithfully,", "Kind regards,", "Best regards,", "Sincerely,"],
        "ref": "Our ref: ",
        "enclosure": "Enclosure: ",
        "cc": "cc: ",
        "page": ["{page}", "Page {page}", "- {page} -"],
        "tel": "Tel. ",
        "registered": "Registered office: ",
    },
    "zh": {
        "dear": ["尊敬的{last}{title}：", "{last}{title}：", "尊敬的{company}："],
        "titles": ["先生", "女士", "经理", "主任"],
        "ref": "文号：",
        "enclosure": "附件：",
        "cc": "抄送：",
        "page": ["{page}", "第 {page} 页", "- {page} -"],
        "tel": "电话：",
        "registered": "注册地址：",
    },
}


def lines(category: str, shown: list[str], region: str = "main", classes: str = "") -> Block:
    """One block of several short lines (an address): a line break in the image is a newline in
    the target."""
    return Block(
        category,
        "<br>".join(esc(line) for line in shown),
        "\n".join(shown),
        "\n".join(shown),
        " ".join(shown),
        region=region,
        tag="p",
        classes=classes,
    )


def _address(fake) -> list[str]:
    return [line.strip() for line in fake.address().splitlines() if line.strip()]


def build(ctx) -> Page:
    fake, w, zh = ctx.fake, WORDS[ctx.language], ctx.language == "zh"
    style, stack = ctx.style(ctx.pick(["serif", "serif", "sans"]))
    style["size"] = f"{ctx.between(13, 16)}px"
    style["margin"] = f"{ctx.between(56, 84)}px"
    company = fake.company()
    when = ctx.moment(40)
    date = (
        f"{when.year}年{when.month}月{when.day}日"
        if zh
        else when.strftime(ctx.pick(["%d %B %Y", "%B %d, %Y"]))
    )

    # letterhead: the company, its address, how to reach it
    contact = f"{w['tel']}{fake.phone_number()} · {fake.company_email()}"
    if ctx.chance(0.5):
        contact += f" · {fake.domain_name()}"
    blocks = [
        b.text("title", company, region="brand", tag="div", classes="company"),
        b.text("paragraph", ", ".join(_address(fake)), region="reach", classes="sender-address"),
        b.text("paragraph", contact, region="reach", classes="contact"),
    ]

    # the recipient, the date (English letters: before the address or after it) and the subject
    title = ctx.pick(w["titles"])
    if zh:
        first, last = "", fake.last_name()
        recipient_name = last + fake.first_name()
    else:
        female = title in ("Ms", "Mrs") or (title == "Dr" and ctx.chance(0.5))  # the title fits the name
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        recipient_name = f"{title} {first} {last}" if ctx.chance(0.5) else f"{first} {last}"
    to_company = fake.company()
    recipient = [recipient_name] + ([fake.job()] if not zh and ctx.chance(0.4) else []) + [to_company]
    recipient += _address(fake)
    if ctx.chance(0.3):
        blocks.append(b.text("paragraph", f"{w['ref']}{fake.bothify('??/###/##').upper()}", classes="ref"))
    date_first = not zh and ctx.chance(0.5)
    if date_first:
        blocks.append(b.text("paragraph", date, classes="date"))
    blocks.append(lines("paragraph", recipient, classes="recipient"))
    if not zh and not date_first:
        blocks.append(b.text("paragraph", date, classes="date"))
    subject = f"关于{ctx.heading()}事宜的函" if zh else ctx.pick(w["subject"]) + _subject(ctx)
    blocks.append(b.heading(subject, 3, classes="subject"))

    # salutation, body, closing
    sender = fake.name()
    dear = ctx.pick(w["dear"]).format(title=title, first=first, last=last, company=to_company)
    blocks.append(b.text("paragraph", dear, classes="salutation"))
    for _ in range(ctx.between(3, 6)):
        blocks.append(b.text("paragraph", _paragraph(ctx), classes="body"))
    if zh:
        blocks += [
            b.text("paragraph", "此致", classes="body"),
            b.text("paragraph", "敬礼！", classes="salute"),
        ]
        blocks.append(lines("paragraph", [company, sender, date], classes="sender"))  # kept together
    else:
        blocks.append(b.text("paragraph", ctx.pick(w["closing"]), classes="closing"))
        blocks.append(lines("paragraph", [sender, fake.job(), company], classes="sender"))
    if ctx.chance(0.3):
        extra = ctx.pick(["enclosure", "cc"])
        what = fake.name() if extra == "cc" else ctx.heading() if zh else _subject(ctx)
        blocks.append(b.text("paragraph", f"{w[extra]}{what}", classes="note"))

    # furniture: the page number, perhaps the registered office beside it
    if ctx.chance(0.4):
        office = f"{w['registered']}{', '.join(_address(fake))}"
        blocks.append(b.text("footer", office, region="footer", role="furniture", classes="office"))
    page = ctx.pick(w["page"])
    blocks.append(b.text("page_number", page, region="footer", role="furniture", classes="number"))
    overlays = ctx.overlays(WIDTH, HEIGHT, ("signature", "watermark"), [])
    # the sender signs, under the closing
    blocks += [_signed(o, sender, ctx) if o.category == "signature" else o for o in overlays]
    data = {
        "head": ctx.pick(["centre", "left", "split"]),
        "indent": zh or ctx.chance(0.25),  # Chinese paragraphs open indented, some English ones too
        "rule": ctx.chance(0.7),
    }
    return Page("letter", "sheet", WIDTH, HEIGHT, ctx.language, blocks, style, data, stack)


def _subject(ctx) -> str:
    """A title without its "Chapter 9:" or "Subject:" lead (the letter writes its own)."""
    return ctx.title().split(": ")[-1]


def _signed(overlay: Block, name: str, ctx) -> Block:
    """The signature, in the sender's name, anchored (CSS anchor positioning) under the closing
    line (敬礼 in Chinese, signed on the right), which the template names ``--signed``; where this
    sheet has no closing (it is on a later sheet), low on the page. Left-anchored: the offsets
    leave room for a long name before the sheet's right edge."""
    rotate = overlay.css[overlay.css.index("transform:") :]
    indent = ctx.between(0, 60) if ctx.language == "en" else ctx.between(340, 420)
    css = (
        f"left: anchor(--signed left, {ctx.between(60, 200)}px); "
        f"top: anchor(--signed bottom, {ctx.between(700, 900)}px); "
        f"margin-left: {indent}px; {rotate}"
    )
    return replace(overlay, html=esc(name), markdown=name, mathpix=name, check=name, css=css)


def _paragraph(ctx) -> str:
    """A paragraph of the prose: a few sentences (Chinese sentences are short: more of them)."""
    if ctx.language == "zh":
        return "".join(ctx.sentences(2) for _ in range(ctx.between(2, 5)))
    return ctx.sentences(ctx.between(2, 5))
