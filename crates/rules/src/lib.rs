//! Evaluation rules (评标办法): model, validation and exact scoring engine.
//!
//! Pure domain code: no I/O, no clocks, no randomness, no floats. Parsing
//! takes `&str`; every number is a [`rust_decimal::Decimal`] rounded half-up
//! (四舍五入) to the precision the rules state. Compiles to wasm32.
//!
//! - [`Rules::from_toml`] / [`Rules::to_toml`]: the rules file (see `docs/rules.md`).
//! - [`compute_prices`]: valid prices → price scores with a [`PriceExplanation`].
//! - [`validate_sheet`], [`expert_view`]: one expert's sheet, checked and totalled.
//! - [`aggregate`]: all sheets → [`PanelResult`] (aggregate, flags, ranking).

pub mod credit;
pub mod dec;
mod diag;
pub mod display;
mod file;
mod model;
mod panel;
mod parse;
mod price;
mod sheet;
mod validate;

pub use diag::{Diagnostic, RulesError};
pub use file::{
    BenchmarkFile, BenchmarkKind, FactorFile, KindName, PriceFile, PriceMethodName, RulesFile,
};
pub use model::*;
pub use panel::*;
pub use price::*;
/// Re-exported so callers name the same decimal type without a direct dependency.
pub use rust_decimal::Decimal;
pub use sheet::cells;
pub use sheet::*;
