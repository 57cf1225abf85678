//! The platform's integration tests, one binary (one link instead of one
//! per file): each module starts its own platform on 127.0.0.1:0 with a
//! temporary database.

mod auth;
mod authorization;
mod bad_input;
mod error_shape;
mod evaluation;
mod idempotency;
mod persistence;
mod rules_publish;
mod witness;

/// A client logged in to `platform` as the holder of `signer`.
pub async fn logged_in(
    platform: &pingshen_platform::RunningPlatform,
    signer: &pingshen_pki::Pkcs12Signer,
) -> pingshen_client::PlatformClient {
    pingshen_client::PlatformClient::new(&platform.url())
        .unwrap()
        .login_with(signer)
        .await
        .unwrap()
        .0
}
