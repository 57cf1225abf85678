//! Fixed expressions of construction and tendering texts: rules of thumb
//! (施工口诀), slogans required on site, and the titles of laws and standards.
//!
//! They serve as the reference forms of the shared-typo screen: a bid that
//! writes one of them with exactly one character changed has misspelt it.
//! An entry belongs here only if every one-character variant of it is
//! wrong: expressions with legitimate neighbours (双钢轮/单钢轮压路机,
//! 专职/兼职安全员, 雨季/冬季施工) are deliberately left out, since two
//! bids sharing a legitimate variant is no evidence of anything.
//! Callers add their own entries with `TextSettings::extra_expressions`.

pub const BUILTIN: &[&str] = &[
    // Rules of thumb of road and building works.
    "紧跟、慢压、高频、低幅",
    "先轻后重、先慢后快",
    "先地下、后地上",
    "横平竖直、砂浆饱满",
    "上下错缝、内外搭砌",
    "自检、互检、专检",
    "工完料净场地清",
    // Safety and site slogans.
    "安全第一、预防为主、综合治理",
    "百年大计、质量第一",
    "管生产必须管安全",
    "三级配电、两级保护",
    "一机、一闸、一漏、一箱",
    "安全帽、安全带、安全网",
    "四口五临边",
    "施工工地周边100%围挡",
    "物料堆放100%覆盖",
    "出入车辆100%冲洗",
    "施工现场地面100%硬化",
    "拆迁工地100%湿法作业",
    "渣土车辆100%密闭运输",
    // Terms of the tender and the bid.
    "法定代表人授权委托书",
    "法定代表人身份证明",
    "统一社会信用代码",
    "已标价工程量清单",
    "综合单价分析表",
    "安全文明施工费",
    "农民工工资专用账户",
    "失信被执行人",
    "重大税收违法失信主体",
    "安全生产许可证",
    "注册建造师执业资格",
    "特种作业操作证",
    "危险性较大的分部分项工程",
    "见证取样送检",
    "隐蔽工程验收",
    "混凝土强度等级",
    "钢筋保护层厚度",
    "一次验收合格率",
    "竣工验收备案",
    "成品保护措施",
    "施工组织设计",
    "透层、粘层、封层",
    // Laws, regulations and standards cited in bids.
    "中华人民共和国招标投标法",
    "中华人民共和国政府采购法",
    "中华人民共和国建筑法",
    "中华人民共和国安全生产法",
    "招标投标法实施条例",
    "建设工程质量管理条例",
    "建设工程安全生产管理条例",
    "建设工程施工合同",
    "建设工程工程量清单计价规范",
    "城镇道路工程施工与质量验收规范",
    "给水排水管道工程施工及验收规范",
    "公路沥青路面施工技术规范",
    "混凝土结构工程施工质量验收规范",
    "建筑施工安全检查标准",
    "施工现场临时用电安全技术规范",
    "建筑施工高处作业安全技术规范",
];
