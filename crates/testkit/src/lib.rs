//! Test support shared by the integration tests and benches of several
//! crates. Nothing here is used by the product.
//!
//! - [`Link`]: a TCP link on loopback between a client and the platform that
//!   a test can cut and restore (flapping), slow down (bandwidth, latency)
//!   and stall, to see what a remote expert on a poor line sees.
//! - [`long_bid`]: a 300-page-style bid PDF generated on the spot.

mod link;
mod long_pdf;

pub use link::{Link, LinkStats};
pub use long_pdf::{long_bid, long_bid_with, PageLayout};
