use crate::db::Db;
use crate::pki::PlatformPki;
use crate::PlatformError;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the platform keeps its records (its files are always in the data
/// directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// `platform.sqlite` in the data directory: one instance.
    Sqlite,
    /// A PostgreSQL database (postgres://…), which several instances
    /// sharing one data directory may serve at once.
    Postgres(String),
}

/// What the platform needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory holding the stored files, and `platform.sqlite` on SQLite.
    pub data_dir: PathBuf,
    /// Directory of the platform's PKI material (trust, CRLs, signing key).
    pub pki_dir: PathBuf,
    /// Display name reported by `/health`.
    pub platform_name: String,
    /// A sandbox with demo material: the platform key may use the demo
    /// password. Without it, the password must come from
    /// `PINGSHEN_PLATFORM_KEY_PASSWORD` and must not be the demo one.
    pub demo: bool,
}

/// The platform key's password: `PINGSHEN_PLATFORM_KEY_PASSWORD`, or the demo
/// password in a demo sandbox. Outside `--demo` the demo password is refused,
/// so a platform never runs in earnest on a key anyone can open.
fn key_password(demo: bool) -> Result<pingshen_pki::Zeroizing<String>, PlatformError> {
    let given = std::env::var("PINGSHEN_PLATFORM_KEY_PASSWORD").ok();
    match (given, demo) {
        (Some(p), false) if p == crate::pki::DEMO_PASSWORD => Err(PlatformError::bad_request(
            "demo_key_refused",
            "平台签名密钥使用的是演示口令：只有 --demo 沙箱可以这样启动",
        )),
        (Some(p), _) => Ok(pingshen_pki::Zeroizing::new(p)),
        (None, true) => Ok(pingshen_pki::Zeroizing::new(
            crate::pki::DEMO_PASSWORD.to_string(),
        )),
        (None, false) => Err(PlatformError::bad_request(
            "key_password_required",
            "请用环境变量 PINGSHEN_PLATFORM_KEY_PASSWORD 提供平台签名密钥的口令（演示沙箱请加 --demo）",
        )),
    }
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub pki: Arc<PlatformPki>,
    pub platform_id: String,
    pub platform_name: String,
    pub data_dir: PathBuf,
    /// One report renderer per project at a time in this instance.
    pub(crate) report_renders: Arc<crate::routes::report::RenderLocks>,
}

impl AppState {
    /// Opens (or creates) the platform database in `config.data_dir` and
    /// loads the PKI material.
    ///
    /// The directory is created if missing; an unwritable one is refused
    /// before anything is written.
    pub fn open(config: &Config) -> Result<Self, PlatformError> {
        Self::open_on(config, &Database::Sqlite)
    }

    /// [`AppState::open`] with the records in `database`.
    pub fn open_on(config: &Config, database: &Database) -> Result<Self, PlatformError> {
        let pki = PlatformPki::load(&config.pki_dir, &key_password(config.demo)?)?;
        let db = match database {
            Database::Sqlite => Db::open_in(&config.data_dir)?,
            Database::Postgres(url) => {
                Db::check_data_dir(&config.data_dir)?;
                Db::open_postgres(url)?
            }
        };
        let platform_id = db.platform_id()?;
        Ok(Self {
            db,
            pki,
            platform_id,
            platform_name: config.platform_name.clone(),
            data_dir: config.data_dir.clone(),
            report_renders: Arc::default(),
        })
    }
}
