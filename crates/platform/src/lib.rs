//! Sandbox platform.
