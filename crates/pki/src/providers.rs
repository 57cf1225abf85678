//! OpenSSL providers. Older Chinese CA tools write PKCS#12 files with RC2 or
//! 3DES ("legacy" PFX); OpenSSL 3 reads those only with the legacy provider.
//! Loading any provider explicitly switches the implicit default off, so the
//! default provider is loaded explicitly too. Both stay loaded for the life
//! of the process.

use openssl::provider::Provider;
use std::sync::OnceLock;

struct Loaded {
    _default: Option<Provider>,
    _legacy: Option<Provider>,
}

// SAFETY: providers are reference-counted, thread-safe OpenSSL objects; we only keep them alive.
unsafe impl Send for Loaded {}
unsafe impl Sync for Loaded {}

static PROVIDERS: OnceLock<Loaded> = OnceLock::new();

/// Loads the default and legacy providers once. Returns whether legacy is available.
pub fn ensure_legacy() -> bool {
    let loaded = PROVIDERS.get_or_init(|| {
        let legacy = Provider::try_load(None, "legacy", true).ok();
        let default = Provider::load(None, "default").ok();
        let _ = openssl::error::ErrorStack::get();
        Loaded {
            _default: default,
            _legacy: legacy,
        }
    });
    loaded._legacy.is_some()
}
