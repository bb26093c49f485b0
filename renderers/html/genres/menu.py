"""A restaurant menu or a product catalogue: the house's name and a line under it, sections
(Starters, Mains, Desserts; or the catalogue's categories) of items in two columns, and the
address and hours at the foot. Decorative: a framed sheet, ornamental rules, the accent colour.

Each item is one block whose text reads name, description, price: the price sits right of the
description (a grid), on a line of its own, or runs on after it."""

from __future__ import annotations

import re

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Block, esc
from gotdata.renderers.html.page import Page

WORDS = {
    "en": {
        "houses": ["Kitchen", "Bistro", "Brasserie", "Trattoria", "Tavern", "Grill", "Café", "Dining Room"],
        "taglines": [
            "Seasonal cooking since {year}", "Fresh, local, honest food", "Lunch & dinner menu",
            "Served daily from noon", "A taste of the coast",
        ],
        "sections": ["Starters", "Soups", "Salads", "Mains", "From the Grill", "Pasta", "Sides", "Desserts",
                     "Drinks"],
        "dishes": {
            "Starters": ["Burrata", "Smoked mackerel pâté", "Crispy calamari", "Beef carpaccio", "Bruschetta",
                         "Chicken liver parfait", "Whipped feta", "Grilled prawns"],
            "Soups": ["French onion soup", "Tomato and basil soup", "Clam chowder", "Minestrone",
                      "Roasted squash soup", "Leek and potato soup"],
            "Salads": ["Caesar salad", "Niçoise salad", "Heritage beetroot salad", "Greek salad",
                       "Warm goat cheese salad", "Quinoa and kale salad"],
            "Mains": ["Pan-roasted cod", "Braised short rib", "Roast chicken supreme", "Duck breast",
                      "Wild mushroom risotto", "Lamb rump", "Fish and chips", "Pork belly"],
            "From the Grill": ["Ribeye steak", "Sirloin steak", "Lamb chops", "Grilled sea bass",
                               "Chicken skewers", "Beef burger"],
            "Pasta": ["Tagliatelle al ragù", "Spaghetti vongole", "Pappardelle with wild boar",
                      "Gnocchi with sage butter", "Penne arrabbiata", "Lobster linguine"],
            "Sides": ["Hand-cut chips", "Buttered greens", "Mashed potatoes", "Garden salad",
                      "Roasted carrots", "Truffle fries"],
            "Desserts": ["Sticky toffee pudding", "Crème brûlée", "Chocolate fondant", "Lemon tart",
                         "Tiramisu", "Panna cotta", "Apple crumble", "Cheese board"],
            "Drinks": ["House lemonade", "Espresso", "Cappuccino", "Fresh mint tea", "Glass of prosecco",
                       "Craft lager"],
        },
        "with": ["with", "served with", "finished with"],
        "garnish": [
            "wild mushrooms", "salsa verde", "charred leeks", "hazelnut butter", "crispy sage",
            "pickled shallots", "lemon and capers", "roasted garlic", "herb oil", "toasted sourdough",
            "seasonal greens",
            "red wine jus", "chilli and lime", "parmesan", "smoked butter", "pink peppercorns",
        ],
        "sweet": ["vanilla cream", "honeycomb", "blood orange", "salted caramel", "fresh berries",
                  "pistachio", "dark chocolate", "clotted cream", "poached pear"],
        "drink": ["served chilled", "oat milk available", "freshly squeezed", "double shot", "mint and lime",
                  "house-made syrup", "organic"],
        "catalogue": ["Catalogue", "Product Guide", "Price List"],
        "categories": {
            "Office Supplies": ["notebook", "desk organiser", "stapler", "file folder", "pen set"],
            "Lighting": ["desk lamp", "floor lamp", "LED bulb", "pendant light", "wall light"],
            "Garden Tools": ["pruning shears", "watering can", "garden hose", "hand trowel", "rake"],
            "Kitchenware": ["chef's knife", "cutting board", "saucepan", "glass jar", "frying pan"],
            "Storage": ["storage box", "shelf unit", "laundry basket", "drawer insert", "coat rack"],
            "Furniture": ["office chair", "side table", "bookcase", "bar stool", "writing desk"],
            "Cleaning": ["floor mop", "dustpan set", "microfibre cloth", "spray bottle", "scrub brush"],
        },
        "qualities": ["Classic", "Compact", "Heavy-duty", "Premium", "Eco", "Folding", "Deluxe", "Slim"],
        "features": [
            "Steel frame", "Recycled plastic", "Beech wood", "Two-year warranty", "Dishwasher safe",
            "Available in three colours", "Soft-grip handle", "Easy to assemble", "Stackable",
        ],
        "hours": "Open {days}, {start}:00 – {end}:00",
        "days": ["daily", "Tuesday to Sunday", "Monday to Saturday"],
        "prices": ["{cur}{p:.2f}", "{p:.2f}", "{cur}{p:.0f}"],
        "currency": ["$", "£", "€"],
        "code": "Item no.",
    },
    "zh": {
        "houses": ["酒家", "小馆", "餐厅", "食府", "茶餐厅", "面馆", "菜馆"],
        "taglines": ["始于{year}年", "家常风味 · 用心烹饪", "午市 · 晚市菜单", "每日新鲜食材", "地道风味"],
        "sections": ["冷菜", "热菜", "汤羹", "主食", "小吃", "甜品", "饮品"],
        "dishes": {
            "冷菜": ["凉拌黄瓜", "口水鸡", "皮蛋豆腐", "夫妻肺片", "蒜泥白肉", "卤牛肉", "糖醋小排"],
            "热菜": ["宫保鸡丁", "鱼香肉丝", "红烧肉", "清蒸鲈鱼", "麻婆豆腐", "干煸四季豆", "回锅肉",
                     "糖醋里脊", "水煮牛肉"],
            "汤羹": ["酸辣汤", "西湖牛肉羹", "番茄蛋花汤", "老鸭汤", "玉米排骨汤"],
            "主食": ["扬州炒饭", "担担面", "葱油拌面", "鲜肉水饺", "小笼包", "牛肉面"],
            "小吃": ["春卷", "煎饺", "葱油饼", "锅贴", "炸酱面"],
            "甜品": ["杨枝甘露", "双皮奶", "芒果布丁", "红豆沙", "桂花糕", "椰汁西米露"],
            "饮品": ["柠檬茶", "酸梅汤", "龙井茶", "鲜榨橙汁", "豆浆"],
        },
        "with": ["配以", "佐以", "搭配"],
        "garnish": ["秘制酱汁", "时令蔬菜", "香葱", "蒜蓉", "花椒油", "鲜辣椒", "陈醋", "姜丝", "芝麻"],
        "sweet": ["桂花蜜", "椰奶", "鲜芒果", "红豆", "西米", "炼乳"],
        "drink": ["冰镇", "现泡", "鲜榨", "少糖", "柠檬片"],
        "catalogue": ["产品目录", "产品手册", "价目表"],
        "categories": {
            "办公用品": ["笔记本", "文件夹", "订书机", "桌面收纳盒", "中性笔套装"],
            "照明": ["台灯", "落地灯", "LED灯泡", "吊灯", "壁灯"],
            "园艺工具": ["修枝剪", "洒水壶", "浇花水管", "小铲子", "耙子"],
            "厨房用品": ["厨师刀", "砧板", "奶锅", "玻璃罐", "平底锅"],
            "收纳": ["收纳箱", "置物架", "洗衣篮", "抽屉分隔盒", "衣帽架"],
            "家具": ["办公椅", "边桌", "书架", "吧台椅", "书桌"],
            "清洁用品": ["拖把", "扫帚套装", "超细纤维抹布", "喷壶", "清洁刷"],
        },
        "qualities": ["经典款", "迷你", "加厚", "高级", "环保", "折叠", "豪华", "超薄"],
        "features": ["钢制框架", "再生塑料", "榉木材质", "保修两年", "可用洗碗机清洗", "三色可选", "防滑手柄",
                     "安装简便", "可叠放"],
        "hours": "营业时间：{days} {start}:00–{end}:00",
        "days": ["每日", "周二至周日", "周一至周六"],
        "prices": ["¥{p:.0f}", "{p:.0f}元", "¥{p:.2f}"],
        "currency": ["¥"],
        "code": "货号",
    },
}  # fmt: skip


def build(ctx) -> Page:
    fake, w, zh = ctx.fake, WORDS[ctx.language], ctx.language == "zh"
    catalogue = ctx.chance(0.3)
    width, height = (794, 1123) if ctx.chance(0.8) else (1123, 794)
    style, stack = ctx.style("serif" if ctx.chance(0.75) else "sans")
    price_style = ctx.pick(w["prices"])
    currency = ctx.pick(w["currency"])
    layout = ctx.pick(["grid", "stack", "runon"])

    if catalogue:
        name = fake.company()
        tagline = f"{ctx.pick(w['catalogue'])} {ctx.between(2015, 2025)}"
    else:
        name = f"{fake.last_name()}记{ctx.pick(w['houses'])}" if zh else house_name(ctx, w)
        tagline = ctx.pick(w["taglines"]).format(year=ctx.between(1952, 2015))
    blocks = [
        b.title(name, region="top", classes="house"),
        b.text("paragraph", tagline, region="top", tag="div", classes="tagline"),
    ]
    sections = pick_sections(ctx, w, catalogue)
    seen: set[str] = set()
    for section in sections:
        blocks.append(b.heading(section, 2, classes="section"))
        for _ in range(ctx.between(3, 6) + (1 if zh else 0)):  # Chinese dishes take less room
            item, text = product(ctx, w, section) if catalogue else dish(ctx, w, section)
            if item in seen:  # a dish is on the menu once
                continue
            seen.add(item)
            price = price_style.format(
                cur=currency, p=float(ctx.rng.uniform(3, 40 if not catalogue else 250))
            )
            if zh and not catalogue:
                price = price_style.format(cur=currency, p=float(ctx.between(8, 168)))
            blocks.append(entry(item, text, price, layout))

    # the foot: where and when, on every sheet (furniture, as an invoice's contact line)
    foot = [f"{fake.address().replace(chr(10), ', ')} · {fake.phone_number()}"]
    if not catalogue:
        start, end = ctx.between(7, 12), ctx.between(21, 23)
        foot.append(w["hours"].format(days=ctx.pick(w["days"]), start=start, end=end))
    for line in foot:
        blocks.append(b.text("footer", line, region="foot", role="furniture", tag="div"))
    data = {
        "columns": 3 if width > height else 2,
        "layout": layout,
        "frame": ctx.pick(["double", "single", "corners", "none"]),
        "rule": ctx.pick(["lines", "dots", "under"]),
        "centre": ctx.chance(0.6),
    }
    return Page("menu", "sheet", width, height, ctx.language, blocks, style, data, stack)


def house_name(ctx, w) -> str:
    fake = ctx.fake
    return ctx.pick(
        [
            f"{fake.last_name()}'s {ctx.pick(w['houses'])}",
            f"The {fake.last_name()} {ctx.pick(w['houses'])}",
            f"{ctx.pick(w['houses'])} {fake.first_name()}",
        ]
    )


def pick_sections(ctx, w, catalogue: bool) -> list[str]:
    """Sections in the menu's usual order (starters before mains before desserts)."""
    options = list(w["categories"]) if catalogue else w["sections"]
    chosen = sorted(ctx.rng.choice(len(options), size=ctx.between(3, min(6, len(options))), replace=False))
    return [options[i] for i in chosen]


def dish(ctx, w, section: str) -> tuple[str, str]:
    zh = ctx.language == "zh"
    sweet = {"Desserts": "sweet", "甜品": "sweet", "Drinks": "drink", "饮品": "drink"}.get(section, "garnish")
    garnish = [str(g) for g in ctx.rng.choice(w[sweet], size=ctx.between(1, 3), replace=False)]
    if sweet == "drink":  # a drink's notes, not what it is served with
        return ctx.pick(w["dishes"][section]), ("、" if zh else ", ").join(garnish).capitalize()
    if zh:
        return ctx.pick(w["dishes"][section]), f"{ctx.pick(w['with'])}{'、'.join(garnish)}"
    text = ", ".join(garnish)
    if ctx.chance(0.5):
        text = f"{ctx.pick(w['with']).capitalize()} {text}"
    return ctx.pick(w["dishes"][section]), text[0].upper() + text[1:]


def product(ctx, w, category: str) -> tuple[str, str]:
    zh = ctx.language == "zh"
    features = [str(f) for f in ctx.rng.choice(w["features"], size=ctx.between(1, 2), replace=False)]
    code = f"{w['code']} {ctx.fake.bothify('??-####').upper()}"
    if zh:
        return (
            f"{ctx.pick(w['qualities'])}{ctx.pick(w['categories'][category])}",
            f"{'，'.join(features)}。{code}",
        )
    name = f"{ctx.pick(w['qualities'])} {ctx.pick(w['categories'][category])}"
    return name, f"{'. '.join(features)}. {code}"


def entry(name: str, text: str, price: str, layout: str) -> Block:
    """One item as one block: name, description, price, in that order in the DOM and the target.
    ``grid``: the price right of the description; ``stack``: each on its own line; ``runon``: the
    price runs on after the description, pushed to the right."""
    html = (
        f'<span class="name">{unbroken(name)}</span> <span class="desc">{unbroken(text)}</span> '
        f'<span class="price">{esc(price)}</span>'
    )
    lines = {"grid": f"{name}\n{text} {price}", "stack": f"{name}\n{text}\n{price}"}
    written = lines.get(layout, f"{name} {text} {price}")
    return Block("paragraph", html, written, written, f"{name} {text} {price}", tag="div", classes="item")


def unbroken(text: str) -> str:
    """Escaped ``text`` whose hyphenated words ("Two-year", "UX-3413") are not broken at their
    hyphen: a line's words then each stand whole in the line boxes, as in the target."""
    return re.sub(r"\S+-\S+", lambda m: f'<span class="nw">{m.group(0)}</span>', esc(text))
