use crate::db::Db;
use crate::pki::PlatformPki;
use crate::PlatformError;
use std::path::PathBuf;
use std::sync::Arc;

/// What the platform needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory holding `platform.sqlite` and the stored files.
    pub data_dir: PathBuf,
    /// Directory of the platform's PKI material (trust, CRLs, signing key).
    pub pki_dir: PathBuf,
    /// Display name reported by `/health`.
    pub platform_name: String,
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub pki: Arc<PlatformPki>,
    pub platform_id: String,
    pub platform_name: String,
    pub data_dir: PathBuf,
}

impl AppState {
    /// Opens (or creates) the platform database in `config.data_dir` and
    /// loads the PKI material.
    ///
    /// The directory is created if missing; an unwritable one is refused
    /// before anything is written.
    pub fn open(config: &Config) -> Result<Self, PlatformError> {
        let pki = PlatformPki::load(&config.pki_dir)?;
        let db = Db::open_in(&config.data_dir)?;
        let platform_id = db.platform_id()?;
        Ok(Self {
            db,
            pki,
            platform_id,
            platform_name: config.platform_name.clone(),
            data_dir: config.data_dir.clone(),
        })
    }
}
