//! The sandbox's demo data: `assets/demo/project.toml` (one municipal road
//! project, its bidders and the people who evaluate it).

use crate::db::projects::{self, Created};
use crate::{AppState, PlatformError};
use pingshen_api::{NewBidder, NewProject};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The demo assets folder of this source tree, used when `--assets` is not given.
pub fn default_assets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub project: DemoProject,
    pub bidders: Vec<DemoBidder>,
    pub people: Vec<DemoPerson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoProject {
    pub id: String,
    pub name: String,
    pub lot: String,
    pub centre: String,
    pub tenderer: String,
    pub ceiling_price: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    pub opening_time: OffsetDateTime,
    pub tender_file: String,
    pub rules_template: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBidder {
    pub id: String,
    pub name: String,
    pub price: Decimal,
    pub bid_file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPerson {
    pub id: String,
    pub name: String,
    pub role: String,
    pub city: String,
    pub ca: String,
    pub alg: String,
}

impl DemoFile {
    pub fn read(assets_dir: &Path) -> Result<Self, PlatformError> {
        let path = assets_dir.join("demo/project.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            PlatformError::Internal(format!("无法读取演示数据 {}：{e}", path.display()))
        })?;
        toml::from_str(&text).map_err(|e| {
            PlatformError::Internal(format!("演示数据 {} 格式错误：{e}", path.display()))
        })
    }

    pub fn new_project(&self) -> NewProject {
        let p = &self.project;
        NewProject {
            id: p.id.clone(),
            name: p.name.clone(),
            lot: p.lot.clone(),
            centre: p.centre.clone(),
            tenderer: p.tenderer.clone(),
            ceiling_price: p.ceiling_price,
            opening_time: p.opening_time,
            bidders: self
                .bidders
                .iter()
                .map(|b| NewBidder {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    bid_price: b.price,
                })
                .collect(),
        }
    }
}

/// Loads the demo into the platform's database. Safe to call on every start:
/// an existing identical demo project is left as it is.
pub fn load(state: &AppState, assets_dir: &Path) -> Result<Created, PlatformError> {
    let demo = DemoFile::read(assets_dir)?;
    let new = demo.new_project();
    state
        .db
        .with(|c| projects::create(c, &new, OffsetDateTime::now_utc()))
}
