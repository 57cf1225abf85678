//! The rule templates (示范文本) staff start from, embedded in the UI from
//! `assets/rules/` so an offline editor always has them.

/// One template: a stable key, its Chinese name, and the TOML text.
pub struct Template {
    pub key: &'static str,
    pub name: &'static str,
    pub toml: &'static str,
}

pub const TEMPLATES: [Template; 4] = [
    Template {
        key: "municipal-construction",
        name: "市政施工 · 综合评估法（去高去低平均 × (1 − K)）",
        toml: include_str!("../../../assets/rules/municipal-construction.toml"),
    },
    Template {
        key: "procurement-goods",
        name: "政府采购货物 · 综合评分法（低价优先）",
        toml: include_str!("../../../assets/rules/procurement-goods.toml"),
    },
    Template {
        key: "supervision-service",
        name: "工程监理服务 · 综合评估法（组合基准价 × K）",
        toml: include_str!("../../../assets/rules/supervision-service.toml"),
    },
    Template {
        key: "lowest-evaluated-price",
        name: "房建施工 · 经评审的最低投标价法",
        toml: include_str!("../../../assets/rules/lowest-evaluated-price.toml"),
    },
];

pub fn by_key(key: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.key == key)
}
