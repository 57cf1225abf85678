//! The integration tests of `pingshen-screens`, one binary (one link
//! instead of one per file).

mod common;
mod demo;
mod experts;
mod prices;
mod robust;
mod text_planted;
