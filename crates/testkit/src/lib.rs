//! Test support shared by the integration tests and benches of several
//! crates. Nothing here is used by the product.
//!
//! - [`Link`]: a TCP link on loopback between a client and the platform that
//!   a test can cut and restore (flapping), slow down (bandwidth, latency)
//!   and stall, to see what a remote expert on a poor line sees.

mod link;

pub use link::{Link, LinkStats};
