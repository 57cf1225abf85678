#!/usr/bin/env python3
"""Generates the demo tender and bid PDFs for assets/demo/project.toml.

Requires: Python 3.11, fpdf2==2.8.9 (pip install fpdf2==2.8.9; it brings
fonttools 4.68.0), and the Noto CJK fonts (Debian package fonts-noto-cjk).
The Noto faces are cut down to the characters used and converted to
TrueType outlines first (gen/fonts.py, cached in gen/.font-cache/).
Run from anywhere:  python3 assets/demo/generate.py

Writes assets/demo/tender.pdf, assets/demo/bid-B01.pdf ... bid-B06.pdf, the
text drawn on every page and the outline (assets/demo/text/<name>.pages.json,
ground truth for the extraction tests). Output is reproducible: prices come from seeded
generators, and dates are fixed in gen/bidders.py.
"""
import json
import pathlib
import random
import sys
import tomllib

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "gen"))

from boq import SECTIONS, price_bid, money, rmb_upper, D  # noqa: E402
from bidders import BIDDERS, TENDER_META, EQUIPMENT_POOL  # noqa: E402
from layout import DemoPdf, render_markup, cover, set_metadata, demo_characters  # noqa: E402

CONTENT = HERE / "content"
BLANK = "__________"


def read_forms():
    """forms.txt holds named sections: '[name]' then markup lines."""
    forms, name = {}, None
    for line in (CONTENT / "forms.txt").read_text(encoding="utf-8").split("\n"):
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1]
            forms[name] = []
        elif name:
            forms[name].append(line)
    return {k: "\n".join(v) for k, v in forms.items()}


def read_content(name):
    """A content file, with '@include FILE' lines replaced by that file."""
    out = []
    for line in (CONTENT / name).read_text(encoding="utf-8").split("\n"):
        if line.startswith("@include "):
            out.append((CONTENT / line[9:].strip()).read_text(encoding="utf-8"))
        else:
            out.append(line)
    return "\n".join(out)


def base_context(project):
    p = project["project"]
    return {
        "project": p["name"], "project_id": p["id"], "lot": p["lot"],
        "tenderer": p["tenderer"], "centre": p["centre"],
        "ceiling": money(D(p["ceiling_price"])), "ceiling_upper": rmb_upper(p["ceiling_price"]),
        "agent": "湖北楚天工程咨询有限公司",
    }


def tender_form_context():
    keys = ["f_price_upper", "f_price", "f_days", "f_quality", "f_bidder", "f_signer",
            "f_address", "f_phone", "f_pm", "f_nature", "f_founded", "f_term", "f_legal",
            "f_legal_sex", "f_legal_age", "f_legal_title", "f_agent", "f_legal_id",
            "f_agent_id"]
    ctx = {k: BLANK for k in keys}
    ctx["f_date"] = "______年____月____日"
    return ctx


def bid_form_context(bidder, data):
    legal = data["legal"]
    return {
        "f_price_upper": rmb_upper(bidder["price"]), "f_price": money(D(bidder["price"])),
        "f_days": str(data["days"]), "f_quality": "合格", "f_bidder": bidder["name"],
        "f_signer": data["agent"], "f_address": data["address"], "f_phone": data["phone"],
        "f_pm": data["pm"], "f_nature": data["nature"], "f_founded": data["founded"],
        "f_term": data["term"], "f_legal": legal[0], "f_legal_sex": legal[1],
        "f_legal_age": str(legal[2]), "f_legal_title": legal[3], "f_agent": data["agent"],
        "f_legal_id": data["legal_id"], "f_agent_id": data["agent_id"], "f_date": data["date"],
    }


# ---- generated tables ---------------------------------------------------
def tender_boq(pdf):
    n = 0
    for section, rows in SECTIONS:
        pdf.paragraph(section, indent=False, bold=True)
        table = [["序号", "项目编码", "项目名称", "项目特征描述", "计量单位", "工程量"]]
        for code, name, feat, unit, qty, _ref in rows:
            n += 1
            table.append([str(n), code, name, feat, unit, money(D(qty))])
        pdf.table(table, [7, 17, 16, 40, 9, 13], aligns=["C", "L", "L", "L", "C", "R"])


def bid_summary(summary):
    def draw(pdf):
        rows = [["序号", "汇总内容", "金额（元）"]]
        for i, (label, amount) in enumerate(summary, 1):
            rows.append([str(i), label, money(amount)])
        pdf.table(rows, [10, 50, 40], aligns=["C", "L", "R"], font_pt=10)
    return draw


def bid_boq(lines):
    def draw(pdf):
        n = 0
        current = None
        table = None
        for section, code, name, feat, unit, qty, price, amount in lines:
            if section != current:
                if table:
                    pdf.table(table, widths, aligns=aligns)
                pdf.paragraph(section, indent=False, bold=True)
                current = section
                table = [["序号", "项目编码", "项目名称", "项目特征描述", "单位", "工程量", "综合单价", "合价"]]
            n += 1
            table.append([str(n), code, name, feat, unit, money(qty), money(price), money(amount)])
        pdf.table(table, widths, aligns=aligns)
    widths = [6, 15, 13, 33, 7, 11, 11, 14]
    aligns = ["C", "L", "L", "L", "C", "R", "R", "R"]
    return draw


def unit_analysis(bidder_id, lines):
    """综合单价分析表: each unit price split into labour, materials, machines
    and overhead+profit (seeded shares; the last part takes the remainder so
    the parts add up exactly)."""
    def draw(pdf):
        rng = random.Random(f"analysis-{bidder_id}")
        rows = [["序号", "项目编码", "项目名称", "单位", "人工费", "材料费", "机械费", "管理费和利润", "综合单价"]]
        for n, (_s, code, name, _f, unit, _q, price, _a) in enumerate(lines, 1):
            labour_share = D(str(round(rng.uniform(0.08, 0.3), 3)))
            machine_share = D(str(round(rng.uniform(0.05, 0.25), 3)))
            overhead_share = D(str(round(rng.uniform(0.07, 0.12), 3)))
            labour_cost = (price * labour_share).quantize(D("0.01"))
            machine_cost = (price * machine_share).quantize(D("0.01"))
            overhead = (price * overhead_share).quantize(D("0.01"))
            material = price - labour_cost - machine_cost - overhead
            rows.append([str(n), code, name, unit, money(labour_cost), money(material),
                         money(machine_cost), money(overhead), money(price)])
        pdf.table(rows, [6, 15, 16, 6, 11, 12, 11, 12, 12], font_pt=8.5,
                  aligns=["C", "L", "L", "C", "R", "R", "R", "R", "R"])
    return draw


MATERIALS = [
    ("SBS改性沥青", "t", 5350, ["中石化", "中海油", "壳牌", "路翔"]),
    ("70号A级道路石油沥青", "t", 4180, ["中石化", "中石油", "中海油"]),
    ("玄武岩碎石（SMA用）", "t", 168, ["湖北阳新", "河南信阳", "湖南岳阳"]),
    ("石灰岩碎石", "t", 92, ["武汉新洲", "鄂州", "黄石大冶"]),
    ("P.O42.5水泥", "t", 468, ["华新", "亚东", "葛洲坝"]),
    ("商品混凝土C30", "m³", 486, ["武汉商砼", "中建西部建设", "汉江商砼"]),
    ("HRB400钢筋", "t", 3760, ["武钢", "鄂钢", "湘钢"]),
    ("Ⅱ级钢筋混凝土管d1000", "m", 612, ["武汉汉阳水泥制品", "湖北宏大管业", "孝感中南管业"]),
    ("HDPE双壁波纹管DN400", "m", 186, ["联塑", "伟星", "公元"]),
    ("球墨铸铁井盖φ700", "套", 860, ["新兴铸管", "安徽宝泰", "湖北金德"]),
    ("花岗岩侧石", "m", 78, ["湖北麻城", "福建泉州", "湖北随州"]),
    ("LED路灯（200W）", "套", 1980, ["华体科技", "洲明科技", "三思"]),
]


def materials(bidder_id):
    def draw(pdf):
        rng = random.Random(f"materials-{bidder_id}")
        rows = [["序号", "材料名称", "单位", "单价（元，不含税）", "品牌或产地", "备注"]]
        for n, (name, unit, ref, brands) in enumerate(MATERIALS, 1):
            price = D(str(round(ref * rng.uniform(0.92, 1.08), 2)))
            rows.append([str(n), name, unit, money(price), rng.choice(brands),
                         "承包人采购" if rng.random() < 0.85 else "甲方认价"])
        pdf.table(rows, [7, 30, 8, 18, 20, 17], aligns=["C", "L", "C", "R", "L", "L"])
    return draw


def equipment(bidder_id):
    def draw(pdf):
        rng = random.Random(f"equipment-{bidder_id}")
        pool = [e for e in EQUIPMENT_POOL if rng.random() > 0.15]
        rows = [["序号", "设备名称", "型号规格", "数量", "国别产地", "制造年份", "额定功率", "自有或租赁", "拟用于施工部位"]]
        uses = {"挖掘机": "土方、沟槽开挖", "装载机": "土方转运", "自卸汽车": "土方及材料运输",
                "平地机": "基层整平", "单钢轮振动压路机": "路基、基层碾压",
                "双钢轮压路机": "沥青面层碾压", "胶轮压路机": "沥青面层终压",
                "沥青摊铺机": "沥青面层摊铺", "稳定土拌和站": "水稳基层拌和",
                "铣刨机": "旧路面铣刨", "汽车起重机": "管道、构件吊装", "洒水车": "养生、降尘",
                "顶管机": "二七路口顶管", "全站仪": "施工测量"}
        for i, (name, models, power) in enumerate(pool, 1):
            model = rng.choice(models)
            count = rng.randint(1, 3) if name not in ("自卸汽车",) else rng.randint(10, 24)
            origin = "德国" if any(b in model for b in ("福格勒", "维特根", "宝马格")) else (
                "美国" if "卡特" in model else ("瑞典" if "戴纳派克" in model else (
                    "瑞士" if "徕卡" in model else ("日本" if any(b in model for b in ("小松", "拓普康")) else "中国"))))
            year = rng.randint(2016, 2024)
            own = "自有" if rng.random() < 0.75 else "租赁"
            rows.append([str(i), name, model, f"{count}台", origin, str(year), power, own, uses[name]])
        pdf.table(rows, [6, 15, 19, 8, 9, 9, 10, 9, 15], font_pt=8.5)
    return draw


TRADES = ["管理人员", "普工", "机械操作手", "钢筋工", "混凝土工", "模板工", "管道工", "沥青摊铺工", "电工", "绿化工"]


def labour(bidder_id, days):
    def draw(pdf):
        rng = random.Random(f"labour-{bidder_id}")
        months = (days + 29) // 30
        shown = min(months, 12)
        rows = [["工种"] + [f"{m}月" for m in range(1, shown + 1)]]
        for trade in TRADES:
            peak = rng.randint(6, 60)
            centre = rng.uniform(0.25, 0.8) * shown
            row = [trade]
            for m in range(1, shown + 1):
                weight = max(0.0, 1 - abs(m - centre) / (shown * 0.55))
                row.append(str(max(2 if trade == "管理人员" else 0, round(peak * weight))))
            rows.append(row)
        pdf.table(rows, [14] + [6] * shown, font_pt=8, aligns=["L"] + ["R"] * shown)
        pdf.paragraph(f"注：按施工月份统计，单位为人，工期共{days}日历天。", indent=False)
    return draw


SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱严戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲飞鹏斌波辉宁建国志文博浩宇鑫然帆琳晨阳峰海鸿凯俊"


def staff(bidder_id, data):
    def draw(pdf):
        rng = random.Random(f"staff-{bidder_id}")
        roles = [("项目经理", data["pm"], "高级工程师", "一级注册建造师（市政公用工程）"),
                 ("技术负责人", data["tech"], "高级工程师", "市政工程专业高级职称")]
        for role, cert in [("施工员", "施工员岗位证书"), ("施工员", "施工员岗位证书"),
                           ("质量员", "质量员岗位证书"), ("安全员", "安全生产考核合格证书（C证）"),
                           ("安全员", "安全生产考核合格证书（C证）"), ("材料员", "材料员岗位证书"),
                           ("资料员", "资料员岗位证书"), ("测量员", "测量放线工证书"),
                           ("试验员", "试验员岗位证书"), ("造价员", "二级造价工程师")]:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            title = rng.choice(["工程师", "助理工程师", "工程师", "技术员"])
            roles.append((role, name, title, cert))
        rows = [["职务", "姓名", "职称", "执业或职业资格证书名称", "证书编号", "备注"]]
        for role, name, title, cert in roles:
            number = f"鄂{rng.randint(1, 9)}{rng.randint(10**9, 10**10 - 1)}"
            rows.append([role, name, title, cert, number, "专职" if rng.random() < 0.8 else "兼职"])
        pdf.table(rows, [12, 12, 14, 30, 20, 10], font_pt=9)
    return draw


def company(bidder, data):
    def draw(pdf):
        rng = random.Random(f"company-{bidder['id']}")
        rows = [["项目", "内容"],
                ["投标人名称", bidder["name"]], ["注册地址", data["address"]],
                ["法定代表人", data["legal"][0]], ["成立时间", data["founded"]],
                ["注册资本", data["capital"]], ["企业性质", data["nature"]],
                ["资质等级", data["grade"]],
                ["资质证书编号", f"D{rng.randint(10**8, 10**9 - 1)}"],
                ["安全生产许可证编号", f"（鄂）JZ安许证字〔{rng.randint(2019, 2024)}〕{rng.randint(10**5, 10**6 - 1):06d}"],
                ["统一社会信用代码", f"91420{rng.randint(100, 999)}MA{rng.randint(10**6, 10**7 - 1)}X"],
                ["员工总人数", f"{data['staff']}人"], ["企业信用评价等级", data["credit"]],
                ["基本账户开户银行", data["bank"]]]
        pdf.table(rows, [30, 70], font_pt=9.5)
    return draw


def finance(bidder_id):
    def draw(pdf):
        rng = random.Random(f"finance-{bidder_id}")
        base = rng.uniform(2.0, 18.0)
        rows = [["年度", "营业收入（万元）", "净利润（万元）", "总资产（万元）", "资产负债率"]]
        for year in (2023, 2024, 2025):
            revenue = base * 10000 * rng.uniform(0.85, 1.2)
            profit = revenue * rng.uniform(0.02, 0.06)
            assets = revenue * rng.uniform(0.9, 1.6)
            rows.append([str(year), f"{revenue:,.2f}", f"{profit:,.2f}", f"{assets:,.2f}",
                         f"{rng.uniform(48, 72):.1f}%"])
        pdf.table(rows, [12, 22, 22, 22, 22], aligns=["C", "R", "R", "R", "R"])
    return draw


def projects(data):
    def draw(pdf):
        rows = [["序号", "项目名称", "发包人", "合同金额（万元）", "起止时间", "工程概况"]]
        for i, (name, owner, amount, dates, scope) in enumerate(data["projects"], 1):
            rows.append([str(i), name, owner, amount, dates, scope])
        pdf.table(rows, [6, 24, 22, 12, 14, 22], font_pt=9)
    return draw


# ---- documents ----------------------------------------------------------
def save(pdf, name):
    pdf.output(str(HERE / name))
    pages = [{"page": n, "text": "\n".join(pdf.pages_text.get(n, []))} for n in range(1, pdf.page + 1)]
    outline = [{"title": s.name, "level": s.level, "page": s.page_number} for s in pdf._outline]
    doc = {"file": name, "pages": pages, "outline": outline}
    stem = name.removesuffix(".pdf")
    (HERE / "text" / f"{stem}.pages.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{name}: {pdf.page} pages, {(HERE / name).stat().st_size // 1024} KiB")


def make_tender(project, forms):
    ctx = base_context(project)
    form_ctx = {**ctx, **tender_form_context()}
    pdf = DemoPdf(project["project"]["name"], "招标文件", demo_characters(HERE))
    set_metadata(pdf, TENDER_META)
    cover(pdf, [project["project"]["name"], project["project"]["lot"], "招 标 文 件"],
          [f"招标编号：{project['project']['id']}", f"招标人：{ctx['tenderer']}",
           f"招标代理机构：{ctx['agent']}", "2026年11月"])
    generators = {
        "tender_boq": tender_boq,
        "form_bid_letter": lambda p: render_markup(p, forms["bid_letter"], form_ctx, {}),
        "form_authority": lambda p: render_markup(p, forms["authority"], form_ctx, {}),
    }
    render_markup(pdf, read_content("tender.txt"), ctx, generators)
    save(pdf, project["project"]["tender_file"])


def make_bid(project, forms, bidder):
    data = BIDDERS[bidder["id"]]
    ctx = {**base_context(project), **bid_form_context(bidder, data),
           "bidder": bidder["name"], "days": str(data["days"]), "pm": data["pm"], "tech": data["tech"]}
    lines, summary = price_bid(bidder["id"], bidder["price"], 1.0)
    meta = {**data["meta"], "title": f"{project['project']['name']}投标文件",
            "subject": f"投标文件 {project['project']['id']} {bidder['name']}"}
    pdf = DemoPdf(project["project"]["name"], f"投标文件　{bidder['name']}", demo_characters(HERE))
    set_metadata(pdf, meta)
    cover(pdf, [project["project"]["name"], project["project"]["lot"], "投 标 文 件"],
          [f"投标人：{bidder['name']}（盖单位章）", f"法定代表人或其委托代理人：{data['agent']}（签字）",
           data["date"]])
    front = "\n".join([
        "# 一、投标函及投标函附录", forms["bid_letter"],
        "# 二、法定代表人身份证明及授权委托书", forms["authority"],
        "# 三、投标保证金",
        "@table 30,70",
        "项目 | 内容",
        f"保函编号 | {data['guarantee']}",
        f"开立银行 | {data['bank']}",
        "担保金额 | 人民币伍拾万元整（¥500,000.00）",
        f"被担保人 | {bidder['name']}",
        f"受益人 | {ctx['tenderer']}",
        "有效期 | 自投标截止之日起90日历天",
        "",
        "# 四、已标价工程量清单",
        "## 投标报价汇总表", "@gen summary",
        "## 分部分项工程量清单与计价表", "@gen boq",
        "@page", "## 综合单价分析表", "@gen analysis",
        "@page", "## 主要材料价格表", "@gen materials",
    ])
    generators = {
        "summary": bid_summary(summary), "boq": bid_boq(lines),
        "analysis": unit_analysis(bidder["id"], lines), "materials": materials(bidder["id"]),
        "equipment": equipment(bidder["id"]), "labour": labour(bidder["id"], data["days"]),
        "staff": staff(bidder["id"], data), "company": company(bidder, data),
        "finance": finance(bidder["id"]), "projects": projects(data),
    }
    render_markup(pdf, front, ctx, generators)
    render_markup(pdf, read_content(f"bid-{bidder['id']}.txt"), ctx, generators)
    save(pdf, bidder["bid_file"])


def main():
    project = tomllib.loads((HERE / "project.toml").read_text(encoding="utf-8"))
    forms = read_forms()
    (HERE / "text").mkdir(exist_ok=True)
    only = set(sys.argv[1:])
    if not only or "tender" in only:
        make_tender(project, forms)
    for bidder in project["bidders"]:
        if not only or bidder["id"] in only:
            make_bid(project, forms, bidder)


if __name__ == "__main__":
    main()
