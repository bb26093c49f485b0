"""An application or registration form, filled in by hand: the issuer and the form's title, then
sections of fields (printed labels, handwritten values, some left blank), radio buttons and
checkboxes (some ticked), a declaration, the date and a line to sign on. A signature and a stamp
may sit on it.

The frame holds rows (each a template region named in ``data["rows"]``, a flex line of its
blocks): a section heading, one to three fields side by side, or a question and its options."""

from __future__ import annotations

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Block
from gotdata.renderers.html.page import Page

WIDTH, HEIGHT = 794, 1123
WORDS = {
    "en": {
        "titles": [
            "Membership Application Form",
            "Registration Form",
            "Application for Employment",
            "Course Enrolment Form",
            "Library Card Application",
            "Volunteer Registration",
            "Patient Registration Form",
        ],
        "form": "Form",
        "intro": "Please complete all sections clearly in ink and return the form to the office.",
        "personal": "Personal details",
        "name": "Full name",
        "birth": "Date of birth",
        "nationality": "Nationality",
        "id": "ID / Passport no.",
        "gender": ("Gender", ["Male", "Female", "Other", "Prefer not to say"]),
        "marital": ("Marital status", ["Single", "Married", "Divorced", "Widowed"]),
        "contact": "Contact information",
        "address": "Address",
        "city": "City",
        "postcode": "Postcode",
        "phone": "Telephone",
        "email": "Email",
        "prefer": ("Preferred contact", ["Email", "Telephone", "Post"]),
        "work": "Employment",
        "employer": "Employer",
        "job": "Job title",
        "since": "Start date",
        "status": ("Employment status", ["Employed", "Self-employed", "Student", "Unemployed", "Retired"]),
        "interests": "Interests",
        "topics": (
            "Areas of interest (tick all that apply)",
            ["Sports", "Music", "Reading", "Travel", "Volunteering", "Technology", "Cooking", "Art"],
        ),
        "emergency": "Emergency contact",
        "relation": "Relationship",
        "declaration": "Declaration",
        "declare": "I declare that the information given in this form is true and complete.",
        "agree": "I agree to the terms and conditions",
        "news": "Send me news and offers by email",
        "date": "Date",
        "sign": "Signature",
        "office": "For office use only",
        "reference": "Reference no.",
        "received": "Received by",
    },
    "zh": {
        "titles": [
            "会员申请表",
            "报名登记表",
            "入职申请表",
            "课程报名表",
            "借书证申请表",
            "志愿者登记表",
            "患者登记表",
        ],
        "form": "表号",
        "intro": "请用黑色钢笔或签字笔如实填写各栏，填写完毕后交回办公室。",
        "personal": "个人信息",
        "name": "姓名",
        "birth": "出生日期",
        "nationality": "民族",
        "id": "身份证号码",
        "gender": ("性别", ["男", "女"]),
        "marital": ("婚姻状况", ["未婚", "已婚", "离异", "丧偶"]),
        "contact": "联系方式",
        "address": "通讯地址",
        "city": "城市",
        "postcode": "邮政编码",
        "phone": "联系电话",
        "email": "电子邮箱",
        "prefer": ("首选联系方式", ["电子邮件", "电话", "邮寄"]),
        "work": "工作信息",
        "employer": "工作单位",
        "job": "职务",
        "since": "入职时间",
        "status": ("就业状况", ["在职", "自由职业", "学生", "待业", "退休"]),
        "interests": "兴趣爱好",
        "topics": (
            "感兴趣的领域（可多选）",
            ["体育", "音乐", "阅读", "旅行", "志愿服务", "科技", "烹饪", "美术"],
        ),
        "emergency": "紧急联系人",
        "relation": "与本人关系",
        "declaration": "声明",
        "declare": "本人承诺以上所填信息真实、准确、完整。",
        "agree": "本人已阅读并同意相关条款",
        "news": "愿意通过电子邮件接收活动通知",
        "date": "日期",
        "sign": "本人签名",
        "office": "以下由工作人员填写",
        "reference": "受理编号",
        "received": "受理人",
    },
}
STAMPS = {"en": ["RECEIVED", "APPROVED", "PROCESSED", "COPY"], "zh": ["已受理", "审核通过", "已登记"]}
ETHNIC = ["汉族", "回族", "满族", "壮族", "蒙古族"]
RELATIONS = {
    "en": ["Spouse", "Parent", "Sibling", "Friend", "Partner"],
    "zh": ["配偶", "父亲", "母亲", "子女", "朋友"],
}


class Rows:
    """The form's blocks, row by row: each row a region of its own, in reading order."""

    def __init__(self):
        self.blocks: list[Block] = []
        self.rows: list[tuple[str, str]] = []  # (region, kind of row)

    def add(self, kind: str, *blocks: Block) -> None:
        region = f"row{len(self.rows)}"
        for block in blocks:
            block.region = region
        self.rows.append((region, kind))
        self.blocks += blocks


def build(ctx) -> Page:
    fake, w, language = ctx.fake, WORDS[ctx.language], ctx.language
    style, stack = ctx.style(ctx.pick(["sans", "serif"]))
    style["margin"] = f"{ctx.between(40, 60)}px"
    style["size"] = f"{ctx.between(12, 15)}px"  # a form fits its sheet
    blanks = ctx.rng.uniform(0, 0.3)  # how much of the form was left unfilled

    def field(label: str, value: str, width: str = "") -> Block:
        return b.filled_field(label, "" if ctx.chance(blanks) else value, classes=width)

    def choice(form: Rows, question: tuple[str, list[str]], several: bool = False) -> None:
        label, options = question
        options = options[: ctx.between(min(3, len(options)), len(options))] if several else options
        if several:
            ticked = [ctx.chance(0.4) for _ in options]
        else:
            one = ctx.between(0, len(options) - 1) if not ctx.chance(blanks) else -1
            ticked = [n == one for n in range(len(options))]
        kind = "checkbox" if several else "radio"
        form.add(
            "choice",
            b.text("paragraph", label, tag="div", classes="question"),
            *(b.control(kind, o, t) for o, t in zip(options, ticked, strict=True)),
        )

    form = Rows()
    header = [
        b.text("paragraph", fake.company(), tag="div", classes="issuer"),
        b.title(ctx.pick(w["titles"])),
    ]
    if ctx.chance(0.6):
        header.append(b.text("paragraph", f"{w['form']} {fake.bothify('??-###').upper()}", classes="form-no"))
    if ctx.chance(0.7):
        header.append(b.text("paragraph", w["intro"], classes="intro"))
    for block in header:
        block.region = "header"

    name = fake.name()
    sections = {
        "personal": lambda: _personal(form, ctx, w, field, choice, name),
        "contact": lambda: _contact(form, ctx, w, field, choice),
        "work": lambda: _work(form, ctx, w, field, choice),
        "interests": lambda: choice(form, w["topics"], several=True),
        "emergency": lambda: form.add(
            "fields",
            field(w["name"], fake.name(), "wide"),
            field(w["relation"], ctx.pick(RELATIONS[language])),
            field(w["phone"], fake.phone_number()),
        ),
    }
    optional = ["work", "interests", "emergency"]
    chosen = ["personal", "contact"] + [
        optional[i] for i in sorted(ctx.rng.permutation(3)[: ctx.between(0, 2)])
    ]
    numbered = ctx.chance(0.6)
    for number, section in enumerate(chosen, 1):
        heading = w[section]
        if numbered:
            heading = f"{number}. {heading}" if language == "en" else f"{_chinese_number(number)}、{heading}"
        form.add("section", b.heading(heading, 3))
        sections[section]()

    form.add("section", b.heading(w["declaration"], 3))
    form.add("text", b.text("paragraph", w["declare"]))
    form.add("choice", b.control("checkbox", w["agree"], not ctx.chance(blanks)))
    if ctx.chance(0.5):
        form.add("choice", b.control("checkbox", w["news"], ctx.chance(0.5)))
    form.add(
        "sign", field(w["date"], fake.date(pattern="%Y-%m-%d")), b.filled_field(w["sign"], "", classes="wide")
    )
    if ctx.chance(0.4):  # a boxed strip the office fills in, left blank
        form.add(
            "office",
            b.heading(w["office"], 4),
            b.filled_field(w["reference"], ""),
            b.filled_field(w["received"], ""),
        )

    overlays = ctx.overlays(WIDTH, HEIGHT, ("signature", "stamp"), STAMPS[language])
    data = {"rows": form.rows, "look": ctx.pick(["lines", "boxes"]), "bar": ctx.chance(0.5)}
    return Page("form", "sheet", WIDTH, HEIGHT, language, header + form.blocks + overlays, style, data, stack)


def _personal(form: Rows, ctx, w: dict, field, choice, name: str) -> None:
    fake = ctx.fake
    birth = fake.date_of_birth(minimum_age=18, maximum_age=80).strftime("%Y-%m-%d")
    nation = fake.country() if ctx.language == "en" else ctx.pick(ETHNIC)
    form.add("fields", field(w["name"], name, "wide"), field(w["birth"], birth))
    form.add(
        "fields",
        field(w["nationality"], nation),
        field(w["id"], fake.bothify("??#######").upper() if ctx.language == "en" else fake.ssn()),
    )
    choice(form, w["gender"])
    if ctx.chance(0.5):
        choice(form, w["marital"])


def _contact(form: Rows, ctx, w: dict, field, choice) -> None:
    fake = ctx.fake
    form.add("fields", field(w["address"], fake.street_address().replace("\n", ", ")))
    form.add("fields", field(w["city"], fake.city()), field(w["postcode"], fake.postcode()))
    form.add("fields", field(w["phone"], fake.phone_number()), field(w["email"], fake.email(), "wide"))
    if ctx.chance(0.6):
        choice(form, w["prefer"])


def _work(form: Rows, ctx, w: dict, field, choice) -> None:
    fake = ctx.fake
    form.add("fields", field(w["employer"], fake.company(), "wide"), field(w["job"], fake.job()))
    form.add("fields", field(w["since"], fake.date(pattern="%Y-%m")))
    choice(form, w["status"])


def _chinese_number(number: int) -> str:
    return "一二三四五六七八九十"[number - 1]
