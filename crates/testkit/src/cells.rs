//! Score cells for whole sheets, as an expert would fill them.

use pingshen_rules::cells::Cell;
use pingshen_rules::Rules;

/// The factor whose points tests vary from expert to expert.
pub const PLAN: &str = "tech.construction_plan";

/// Every criterion passed and full marks (the platform's demo filler),
/// except [`PLAN`], which gets `plan` points with `reason`.
pub fn full_marks_but_plan(
    rules: &Rules,
    bidders: &[String],
    plan: &str,
    reason: &str,
) -> Vec<Cell> {
    let mut cells = pingshen_platform::demo_run::full_marks(rules, bidders);
    for c in cells.iter_mut().filter(|c| c.item == PLAN) {
        c.value = plan.into();
        c.reason = reason.into();
    }
    cells
}
