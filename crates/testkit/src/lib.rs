//! Test support shared by the integration tests and benches of every crate
//! (a dev-dependency only; nothing here ships in the product).
//!
//! - [`platform`]: a real platform with the demo project on 127.0.0.1:0
//!   over a temporary database ([`TestPlatform`]), the demo people's
//!   identities and logged-in clients; a `pingshen-platform serve`
//!   process as another instance on a shared database ([`ServeProcess`]).
//! - [`postgres`]: a throw-away PostgreSQL cluster per test process, a
//!   fresh database per test ([`TestPlatform::demo_on`]).
//! - [`cli`]: the workspace's binaries run as a user would, scratch folders
//!   under the target directory, the repository's assets.
//! - [`cells`]: score cells for a whole sheet (full marks but one factor).
//! - [`softhsm`]: SoftHSM2 tokens standing in for an expert's USB key.
//! - [`Link`]: a TCP link on loopback between a client and the platform that
//!   a test can cut and restore (flapping), slow down (bandwidth, latency)
//!   and stall, to see what a remote expert on a poor line sees.
//! - [`long_bid`]: a 300-page-style bid PDF generated on the spot.

pub mod cells;
pub mod cli;
mod link;
mod long_pdf;
pub mod platform;
pub mod postgres;
pub mod softhsm;

pub use link::{Fault, Link, LinkStats};
pub use long_pdf::{long_bid, long_bid_with, PageLayout};
pub use platform::{
    chain, database_for, logged_in, login_at, no_conflict, project_rules, seated_panel, signer,
    Expert, ProjectRules, ServeProcess, TestPlatform, DEMO,
};
