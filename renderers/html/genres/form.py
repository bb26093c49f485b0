"""An application or registration form, filled in by hand: the issuer and the form's title, then
sections of fields (printed labels, handwritten values, some left blank), radio buttons and
checkboxes (some ticked), a declaration, the date and a line to sign on. A signature and a stamp
may sit on it.

The frame holds rows (each a template region named in ``data["rows"]``, a flex line of its
blocks): a section heading, one to three fields side by side, or a question and its options."""

from __future__ import annotations

from dataclasses import replace

from gotdata.renderers.html import blocks as b
from gotdata.renderers.html.blocks import Block, esc
from gotdata.renderers.html.handwriting import handwritten
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


class Form:
    """The form's blocks, row by row (each row a region of its own, in reading order), filled in
    by one applicant who left some of it blank."""

    def __init__(self, ctx):
        self.ctx, self.fake, self.w = ctx, ctx.fake, WORDS[ctx.language]
        self.colon = "：" if ctx.language == "zh" else ":"
        self.blocks: list[Block] = []
        self.rows: list[tuple[str, str]] = []  # (region, kind of row)
        self.blanks = ctx.rng.uniform(0, 0.3)  # how much of the form was left unfilled
        self.name = self.fake.name()
        self.wobble = float(ctx.rng.uniform(0.5, 1.2))  # how unsteady the applicant's hand is

    def row(self, kind: str, *blocks: Block) -> None:
        region = f"row{len(self.rows)}"
        for block in blocks:
            block.region = region
        self.rows.append((region, kind))
        self.blocks += blocks

    def field(self, key: str, value: str, width: str = "") -> Block:
        value = "" if self.ctx.chance(self.blanks) else value
        written = handwritten(self.ctx.rng, value, self.ctx.language, self.wobble)
        return b.filled_field(self.w[key], value, classes=width, colon=self.colon, hand_html=written)

    def choice(self, key: str, several: bool = False) -> None:
        """A question and its options: radio buttons (one ticked, or none) or checkboxes."""
        ctx = self.ctx
        label, options = self.w[key]
        if several:
            options = options[: ctx.between(3, len(options))]
            ticked = [ctx.chance(0.4) for _ in options]
        else:
            one = -1 if ctx.chance(self.blanks) else ctx.between(0, len(options) - 1)
            ticked = [n == one for n in range(len(options))]
        kind = "checkbox" if several else "radio"
        self.row(
            "choice",
            b.text("paragraph", label, tag="div", classes="question"),
            *(b.control(kind, o, t) for o, t in zip(options, ticked, strict=True)),
        )

    # -- sections ------------------------------------------------------------------------------------
    def personal(self) -> None:
        fake, zh = self.fake, self.ctx.language == "zh"
        birth = self.ctx.moment(80, -18).strftime("%Y-%m-%d")
        self.row("fields", self.field("name", self.name, "wide"), self.field("birth", birth))
        nation = self.ctx.pick(ETHNIC) if zh else fake.country()
        number = fake.ssn() if zh else fake.bothify("??#######").upper()
        self.row("fields", self.field("nationality", nation), self.field("id", number))
        self.choice("gender")
        if self.ctx.chance(0.5):
            self.choice("marital")

    def contact(self) -> None:
        fake = self.fake
        self.row("fields", self.field("address", fake.street_address().replace("\n", ", ")))
        self.row("fields", self.field("city", fake.city()), self.field("postcode", fake.postcode()))
        self.row(
            "fields", self.field("phone", fake.phone_number()), self.field("email", fake.email(), "wide")
        )
        if self.ctx.chance(0.6):
            self.choice("prefer")

    def work(self) -> None:
        fake = self.fake
        self.row("fields", self.field("employer", fake.company(), "wide"), self.field("job", fake.job()))
        self.row("fields", self.field("since", self.ctx.moment(40).strftime("%Y-%m")))
        self.choice("status")

    def interests(self) -> None:
        self.choice("topics", several=True)

    def emergency(self) -> None:
        relation = self.ctx.pick(RELATIONS[self.ctx.language])
        self.row(
            "fields",
            self.field("name", self.fake.name(), "wide"),
            self.field("relation", relation),
            self.field("phone", self.fake.phone_number()),
        )

    def declaration(self) -> None:
        ctx, w = self.ctx, self.w
        self.row("section", b.heading(w["declaration"], 3))
        self.row("text", b.text("paragraph", w["declare"]))
        self.row("choice", b.control("checkbox", w["agree"], not ctx.chance(self.blanks)))
        if ctx.chance(0.5):
            self.row("choice", b.control("checkbox", w["news"], ctx.chance(0.5)))
        date = self.ctx.moment(2).strftime("%Y-%m-%d")
        self.row(
            "sign", self.field("date", date), b.filled_field(w["sign"], "", classes="wide", colon=self.colon)
        )
        if ctx.chance(0.4):  # a boxed strip the office fills in, left blank
            self.row(
                "office",
                b.heading(w["office"], 4),
                b.filled_field(w["reference"], "", colon=self.colon),
                b.filled_field(w["received"], "", colon=self.colon),
            )


def build(ctx) -> Page:
    fake, w, language = ctx.fake, WORDS[ctx.language], ctx.language
    style, stack = ctx.style(ctx.pick(["sans", "serif"]))
    style["margin"] = f"{ctx.between(40, 60)}px"
    style["size"] = f"{ctx.between(12, 15)}px"  # a form fits its sheet

    header = [
        b.text("paragraph", fake.company(), region="header", tag="div", classes="issuer"),
        b.title(ctx.pick(w["titles"]), region="header"),
    ]
    if ctx.chance(0.6):
        number = f"{w['form']} {fake.bothify('??-###').upper()}"
        header.append(b.text("paragraph", number, region="header", classes="form-no"))
    if ctx.chance(0.7):
        header.append(b.text("paragraph", w["intro"], region="header", classes="intro"))

    form = Form(ctx)
    optional = ["work", "interests", "emergency"]
    chosen = ["personal", "contact"] + [
        optional[i] for i in sorted(ctx.rng.permutation(3)[: ctx.between(0, 2)])
    ]
    numbered = ctx.chance(0.6)
    for number, section in enumerate(chosen, 1):
        heading = w[section]
        if numbered:
            heading = f"{number}. {heading}" if language == "en" else f"{'一二三四五'[number - 1]}、{heading}"
        form.row("section", b.heading(heading, 3))
        getattr(form, section)()
    form.declaration()

    overlays = ctx.overlays(WIDTH, HEIGHT, ("signature", "stamp"), STAMPS[language])
    # the applicant signs, on the signature line
    overlays = [_signed(o, form.name, ctx) if o.category == "signature" else o for o in overlays]
    data = {"rows": form.rows, "look": ctx.pick(["lines", "boxes"]), "bar": ctx.chance(0.5)}
    return Page("form", "sheet", WIDTH, HEIGHT, language, header + form.blocks + overlays, style, data, stack)


def _signed(overlay: Block, name: str, ctx) -> Block:
    """The signature, in the applicant's name, anchored (CSS anchor positioning) on the signature
    line, which the template names ``--signed``; where the line is not on this sheet, low on the
    page. Left-anchored: the offsets leave room for a long name before the sheet's right edge."""
    rotate = overlay.css[overlay.css.index("transform:") :]
    css = (
        f"left: anchor(--signed left, {ctx.between(120, 220)}px); "
        f"bottom: anchor(--signed bottom, {ctx.between(110, 230)}px); "
        f"margin-left: {ctx.between(40, 100)}px; margin-bottom: {ctx.between(2, 10)}px; {rotate}"
    )
    return replace(overlay, html=esc(name), markdown=name, mathpix=name, check=name, css=css)
