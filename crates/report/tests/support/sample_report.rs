//! A sample evaluation report (评标报告) built from the demo project
//! (assets/demo/project.toml): shared by the sample example, the tests and
//! the benchmark. `expert_sections` scales its length (about 1.7 pages each).

use pingshen_report::{Column, ReportBuilder, ReportMeta, Signature, Table};
use time::macros::datetime;

pub const PROJECT: &str = "解放大道（二七路—黄浦大街段）市政道路改造工程施工";
pub const BIDDERS: [(&str, &str, &str); 6] = [
    ("B01", "武汉江城路桥工程有限公司", "27,365,000.00"),
    ("B02", "湖北汉通市政建设集团有限公司", "26,980,500.00"),
    ("B03", "武汉恒达建设工程有限公司", "27,912,000.00"),
    ("B04", "湖北荆楚交通工程有限公司", "25,870,300.00"),
    ("B05", "武汉鑫盛市政工程有限公司", "27,988,000.00"),
    ("B06", "湖北德润建设有限公司", "26,455,800.00"),
];
pub const EXPERTS: [(&str, &str, &str); 5] = [
    ("张伟", "评标组长", "湖北省数字证书认证管理中心有限公司"),
    ("李娜", "评标专家", "湖北省数字证书认证管理中心有限公司"),
    ("王强", "评标专家", "国密示范CA（SM2）"),
    ("刘洋", "评标专家", "国密示范CA（SM2）"),
    ("陈静", "评标专家", "湖北省数字证书认证管理中心有限公司"),
];
const FACTORS: [(&str, u32); 4] = [
    ("施工组织设计", 1000),
    ("质量保证措施", 500),
    ("安全文明施工", 500),
    ("项目管理机构", 500),
];

/// `points` hundredths as a decimal string ("12.50").
fn hundredths(points: u32) -> String {
    format!("{}.{:02}", points / 100, points % 100)
}

pub fn meta() -> ReportMeta {
    ReportMeta {
        title: format!("{PROJECT}（第一标段）评标报告"),
        author: "张伟".into(),
        created: datetime!(2026-11-30 16:20:00 +08:00),
        footer_note: Some("文档编号：JA-2026-0117-PBBG-01".into()),
    }
}

fn overview(r: &mut ReportBuilder) {
    r.title("评 标 报 告")
        .heading(1, "一、项目概况")
        .key_values([
            ("项目名称", format!("{PROJECT}（第一标段）")),
            ("项目编号", "JA-2026-0117".to_string()),
            ("招标人", "武汉市江岸区城市建设投资有限公司".to_string()),
            ("交易中心", "武汉市公共资源交易中心".to_string()),
            ("最高投标限价", "28,600,000.00 元".to_string()),
            ("开标时间", "2026年11月30日 09:30".to_string()),
            (
                "评标方式",
                "远程异地评标（主场：武汉；副场：襄阳、宜昌、荆州）".to_string(),
            ),
        ])
        .heading(1, "二、评标办法")
        .paragraph(
            "本项目采用综合评估法，满分100分，其中技术部分25分、商务部分15分、投标报价60分。\
             评标基准价为有效投标报价去掉一个最高价和一个最低价后的算术平均值乘以（1－K），\
             K值于开标时随机抽取为1.50%。偏差率=（投标报价－评标基准价）÷评标基准价×100%；\
             投标报价每高于评标基准价1%扣1分，每低于评标基准价1%扣0.5分，最低得0分。",
        )
        .note("注：得分保留两位小数，四舍五入；同分时投标报价低者优先，其次技术得分高者优先。");
}

fn preliminary(r: &mut ReportBuilder) {
    let mut table = Table::new(vec![
        Column::new("编号", 0.8),
        Column::new("投标人", 3.0),
        Column::new("形式评审", 1.1),
        Column::new("资格评审", 1.1),
        Column::new("响应性评审", 1.2),
        Column::new("结论", 0.9),
    ])
    .striped(true);
    for (id, name, _) in BIDDERS {
        table.push_row([id, name, "合格", "合格", "合格", "通过"]);
    }
    r.heading(1, "三、初步评审").table(table);
}

fn detailed(r: &mut ReportBuilder, section: usize) {
    let (expert, _, _) = EXPERTS[section % EXPERTS.len()];
    let mut table = Table::new(vec![
        Column::new("投标人", 2.6),
        Column::new("评审因素", 1.6),
        Column::numeric("分值", 0.8),
        Column::numeric("得分", 0.8),
        Column::new("评审说明", 4.2),
    ])
    .striped(true);
    for (b, (id, name, _)) in BIDDERS.iter().enumerate() {
        for (f, (factor, max)) in FACTORS.iter().enumerate() {
            let deduction = ((section * 7 + b * 5 + f * 3) % 9) as u32 * 25;
            let score = max - deduction.min(*max);
            let reason = if deduction == 0 {
                format!("{factor}内容完整，针对性强，符合招标文件要求，不扣分。")
            } else {
                format!(
                    "{factor}中部分内容针对性不足（见投标文件第{}页），扣{}分；其余满足要求。",
                    12 + b * 9 + f,
                    hundredths(deduction)
                )
            };
            table.push_row([
                format!("{id} {name}"),
                factor.to_string(),
                hundredths(*max),
                hundredths(score),
                reason,
            ]);
        }
    }
    r.heading(2, format!("4.{} 评委 {expert} 的详细评审", section + 1))
        .table(table);
}

fn prices(r: &mut ReportBuilder) {
    let mut table = Table::new(vec![
        Column::new("编号", 0.7),
        Column::new("投标人", 2.8),
        Column::numeric("投标报价（元）", 1.7),
        Column::numeric("偏差率", 1.0),
        Column::numeric("报价得分", 1.0),
    ]);
    let scores = ["58.79", "59.42", "57.77", "58.66", "57.63", "58.40"];
    let deviations = ["1.21%", "-0.17%", "2.23%", "-4.20%", "2.37%", "-2.04%"];
    for (i, (id, name, price)) in BIDDERS.iter().enumerate() {
        table.push_row([*id, *name, *price, deviations[i], scores[i]]);
    }
    r.heading(1, "五、投标报价得分")
        .key_values([
            ("有效投标报价数", "6"),
            ("去高去低平均值", "27,050,600.00 元"),
            ("评标基准价", "26,644,841.00 元"),
        ])
        .table(table);
}

fn ranking_and_flags(r: &mut ReportBuilder) {
    let ranking = Table::new(vec![
        Column::numeric("排名", 0.6),
        Column::new("投标人", 3.0),
        Column::numeric("技术", 0.9),
        Column::numeric("商务", 0.9),
        Column::numeric("报价", 0.9),
        Column::numeric("总分", 0.9),
    ])
    .row([
        "1",
        "湖北汉通市政建设集团有限公司",
        "22.60",
        "13.80",
        "59.42",
        "95.82",
    ])
    .row([
        "2",
        "湖北荆楚交通工程有限公司",
        "22.95",
        "13.20",
        "58.66",
        "94.81",
    ])
    .row([
        "3",
        "湖北德润建设有限公司",
        "21.70",
        "13.60",
        "58.40",
        "93.70",
    ]);
    r.heading(1, "六、评审结果及中标候选人排名")
        .table(ranking)
        .paragraph("评标委员会推荐湖北汉通市政建设集团有限公司为第一中标候选人。")
        .heading(1, "七、异常情况与提示")
        .paragraph(
            "【提示】B03与B05的施工组织设计有3段文字高度相似（相似度0.91），\
             且两份投标文件的创建时间相差4分钟；证据见附件2。是否构成串通投标由评标委员会认定。",
        )
        .paragraph(
            "【提示】评委王强对B06“安全文明施工”的评分偏离全体评委平均分32.5%，已书面说明理由。",
        );
}

fn signatures(r: &mut ReportBuilder) {
    r.heading(1, "八、评标委员会签字");
    for (i, (name, role, issuer)) in EXPERTS.iter().enumerate() {
        r.signature(Signature {
            name: name.to_string(),
            role: role.to_string(),
            issuer: issuer.to_string(),
            signed_at: format!("2026-11-30 16:{:02}:00", 21 + i),
            status: "已签名，验证通过".to_string(),
        });
    }
}

/// The whole sample report with `expert_sections` detailed-review sections.
pub fn evaluation_report(expert_sections: usize) -> ReportBuilder {
    let mut r = ReportBuilder::new(meta());
    overview(&mut r);
    preliminary(&mut r);
    r.heading(1, "四、详细评审");
    for section in 0..expert_sections {
        detailed(&mut r, section);
    }
    prices(&mut r);
    ranking_and_flags(&mut r);
    signatures(&mut r);
    r
}
