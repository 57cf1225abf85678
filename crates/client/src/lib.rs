//! HTTP client of the platform API (the only crate doing HTTP)
