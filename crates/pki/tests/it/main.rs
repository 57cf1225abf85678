//! The integration tests of `pingshen-pki`, one binary (one link
//! instead of one per file).

mod common;
mod demo;
mod envelope;
mod jcs_rfc8785;
mod keywrap;
mod openssl_interop;
mod pkcs12;
mod sm2_vectors;
mod trust_matrix;
mod verify_cache;
mod wycheproof;
