"""A web article: a navigation bar, a breadcrumb, the headline, byline and date, body paragraphs
under subheadings (maybe a list or a pull quote), a sidebar of related links to the right and the
site's footer. A roll: the page is as tall as its content.

Reading order: navigation, the article, the sidebar, the footer (as a screen reader would go)."""

from __future__ import annotations

import re
from dataclasses import replace

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.page import Page

WORDS = {
    "en": {
        "sections": [
            "News", "World", "Business", "Technology", "Science", "Culture", "Sport", "Opinion",
            "Travel", "Health", "Education", "Books",
        ],
        "home": "Home",
        "by": "By",
        "updated": "Updated",
        "read": "min read",
        "related": ["Related", "Related articles", "More on this story", "Read next"],
        "popular": ["Most read", "Popular now", "Trending"],
        "sites": ["Herald", "Post", "Review", "Journal", "Dispatch", "Chronicle", "Gazette", "Observer"],
        "rights": "All rights reserved.",
        "links": ["About us", "Contact", "Privacy policy", "Terms of use", "Advertise", "Careers"],
    },
    "zh": {
        "sections": ["国际", "财经", "科技", "文化", "体育", "评论", "旅游", "健康", "教育", "读书"],
        "home": "首页",
        "by": "作者：",
        "updated": "更新于",
        "read": "分钟阅读",
        "related": ["相关阅读", "相关文章", "延伸阅读", "推荐阅读"],
        "popular": ["热门文章", "排行榜", "大家都在看"],
        "sites": ["日报", "晚报", "新闻网", "在线", "周刊", "观察"],
        "rights": "版权所有",
        "links": ["关于我们", "联系我们", "隐私政策", "使用条款", "广告服务", "加入我们"],
    },
}  # fmt: skip


# words a phrase should not end on
DANGLING = {
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "with", "by", "at", "from",
    "which", "that", "who", "whom", "his", "her", "its", "their", "is", "was", "be", "as", "than",
}  # fmt: skip


# -- prose helpers, shared with the other genres of this set (slides, textbook, report, menu) -----
# a dictionary's headword ("SATIETY, n."): the bundled English prose is The Devil's Dictionary
HEADWORD = re.compile(r"\b[A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+)*, (?:n|adj|adv|v|v\.t|v\.i|n\.pl|pp|pro)\.\s*")


def prose(ctx, count: int) -> str:
    """About ``count`` sentences; a Chinese paragraph of the bundled text is short, so several.
    English: without the dictionary's headwords, which read as sentences of their own."""
    if ctx.language == "zh":
        return "".join(ctx.sentences(2) for _ in range(count))
    for _ in range(5):
        text = HEADWORD.sub("", ctx.sentences(count)).strip()
        if len(text) > 20:
            return text
    return text or ctx.sentences(count)


def phrase(ctx, low: int, high: int) -> str:
    """A short phrase (a bullet point, a row label). Chinese: a whole clause of the prose between
    two punctuation marks, not ``ctx.words``' cut at any character (which leaves a dangling quote)."""
    if ctx.language != "zh":
        words = ctx.words(low, high).split(" ")
        while len(words) > 1 and words[-1].lower() in DANGLING:  # not "Induces feed and"
            words.pop()
        return " ".join(words)
    for _ in range(10):
        clauses = re.split(r"[，。！？；：、“”‘’《》（）()\s]+", ctx.sentences(2))
        fitting = [c for c in clauses if low + 1 <= len(c) <= high + 6]
        if fitting:
            return ctx.pick(fitting)
    return ctx.words(low, high)


def headline(ctx) -> str:
    """A title that reads like a story's, not a book's ("Chapter 3: ..." is a book's)."""
    for _ in range(8):
        title = ctx.title()
        if not title.startswith(("Chapter", "第")):
            return title
    return title


def build(ctx) -> Page:
    fake, w, zh = ctx.fake, WORDS[ctx.language], ctx.language == "zh"
    width = ctx.between(1100, 1280)
    style, stack = ctx.style("sans" if ctx.chance(0.8) else "serif")
    site = f"{fake.city()}{ctx.pick(w['sites'])}" if zh else f"The {fake.city()} {ctx.pick(w['sites'])}"
    sections = [str(s) for s in ctx.rng.choice(w["sections"], size=ctx.between(4, 6), replace=False)]
    section = ctx.pick(sections)

    # navigation: the site's name, then its menu
    blocks = [b.text("navigation", site, region="nav", tag="div", classes="site")]
    blocks += [b.text("navigation", s, region="nav", tag="div", classes="link") for s in sections]

    # the article
    sep = ctx.pick([" › ", " / ", " > ", " » "])
    crumb = sep.join([w["home"], section, ctx.pick([s for s in w["sections"] if s != section])])
    blocks.append(b.text("navigation", crumb, tag="div", classes="crumb"))
    blocks.append(b.title(headline(ctx), classes="headline"))
    if ctx.chance(0.6):  # a standfirst under the headline
        blocks.append(b.text("paragraph", prose(ctx, 1), classes="dek"))
    pattern = "%Y年%m月%d日" if zh else ctx.pick(["%B %d, %Y", "%d %B %Y", "%Y-%m-%d"])
    date = ctx.moment(6).strftime(pattern)
    minutes = f"{ctx.between(2, 12)} {w['read']}"
    byline = f"{w['by']}{fake.name()}" if zh else f"{w['by']} {fake.name()}"
    blocks.append(b.text("paragraph", f"{byline} · {w['updated']} {date} · {minutes}", classes="byline"))
    blocks.append(b.text("paragraph", prose(ctx, ctx.between(2, 4)), classes="lead"))
    extras = ["list", "quote", None]
    for _ in range(ctx.between(2, 4)):
        blocks.append(b.heading(ctx.heading() if ctx.chance(0.4) else headline(ctx), ctx.pick([2, 3])))
        for _ in range(ctx.between(1, 3)):
            blocks.append(b.text("paragraph", prose(ctx, ctx.between(2, 4))))
        extra = ctx.pick(extras)
        if extra == "list":
            blocks.append(b.bullets([ctx.words(3, 8) for _ in range(ctx.between(3, 5))], ctx.chance(0.3)))
        elif extra == "quote":
            blocks.append(b.text("paragraph", prose(ctx, 1), tag="blockquote", classes="quote"))
        if extra:
            extras.remove(extra)  # at most one list and one quote per article

    # the sidebar: related stories, maybe a numbered "most read" list
    blocks.append(sidebar(b.heading(ctx.pick(w["related"]), 3, region="sidebar")))
    for _ in range(ctx.between(3, 6)):
        blocks.append(b.text("sidebar", headline(ctx), region="sidebar", tag="div", classes="related"))
    if ctx.chance(0.5):
        blocks.append(sidebar(b.heading(ctx.pick(w["popular"]), 3, region="sidebar")))
        popular = [headline(ctx) for _ in range(ctx.between(3, 5))]
        blocks.append(sidebar(b.bullets(popular, ordered=True, region="sidebar", classes="popular")))

    # the footer: links, then the copyright line
    links = [str(s) for s in ctx.rng.choice(w["links"], size=ctx.between(3, 5), replace=False)]
    blocks.append(b.text("footer", " · ".join(links), region="footer", tag="div", classes="links"))
    year = date[:4] if zh or pattern.startswith("%Y") else date[-4:]
    rights = f"© {year} {site} {w['rights']}" if zh else f"© {year} {site}. {w['rights']}"
    blocks.append(b.text("footer", rights, region="footer", tag="div"))

    data = {
        "nav": ctx.pick(["dark", "accent", "light"]),
        "side": ctx.between(260, 340),
        "column": ctx.between(640, 760),  # the article's measure
    }
    return Page("article", "roll", width, None, ctx.language, blocks, style, data, stack)


def sidebar(block: b.Block) -> b.Block:
    """A heading or list of the sidebar keeps its markup but is counted as sidebar."""
    return replace(block, category="sidebar")
