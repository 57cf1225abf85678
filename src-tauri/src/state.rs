//! What the shell holds between commands.

use crate::settings::Settings;
use pingshen_api::ipc::AppError;
use pingshen_api::{Person, Session};
use pingshen_app::ranges::EarlyReads;
use pingshen_app::sync::SyncContext;
use pingshen_app::trust_files::TrustFiles;
use pingshen_app::PlatformTrust;
use pingshen_client::PlatformClient;
use pingshen_pki::Signer;
use pingshen_store::Store;
use std::sync::Arc;
use tokio::sync::Mutex;

/// The logged-in person: their key (kept open so signing needs no second
/// PIN entry until the app locks), their encrypted local store, and, when
/// online, the platform session.
/// The open key, shared with blocking tasks that sign.
pub type SharedSigner = Arc<std::sync::Mutex<Box<dyn Signer>>>;

pub struct Active {
    pub signer: SharedSigner,
    pub person: Person,
    pub store: Arc<std::sync::Mutex<Store>>,
    pub session: Option<Session>,
    /// A client carrying the session token (anonymous when offline).
    pub client: PlatformClient,
    /// The platform's id, learnt when online; manifests must name it.
    pub platform_id: Option<String>,
}

pub struct DesktopState {
    pub settings: Settings,
    /// Anonymous client for health checks and logging in.
    pub anonymous: PlatformClient,
    /// The pinned platform certificate and the cached CRLs on disk.
    pub trust_files: TrustFiles,
    /// What the shell verifies and signs with: reloaded when the pin or the
    /// CRLs change.
    trust: std::sync::RwLock<Arc<PlatformTrust>>,
    /// The report PDF last shown to the person, per project: signing
    /// approves exactly these bytes.
    pub viewed_reports: std::sync::Mutex<std::collections::HashMap<String, Arc<Vec<u8>>>>,
    pub active: Mutex<Option<Active>>,
    /// Wakes the outbox sender (e.g. right after a submission).
    pub send_now: tokio::sync::Notify,
    /// Bumped at every login, so an older sender task knows to stop.
    pub login_epoch: std::sync::atomic::AtomicU64,
    /// Verified chunks of documents still downloading, read by the viewer
    /// (memory only; cleared at logout), and the flag the sync yields to.
    pub early: Arc<EarlyReads>,
}

impl DesktopState {
    pub fn new(settings: Settings) -> Result<Self, AppError> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            AppError::new(
                "data_dir_unusable",
                format!("无法创建数据目录 {}：{e}", settings.data_dir.display()),
            )
        })?;
        let anonymous = PlatformClient::new(&settings.platform_url).map_err(AppError::from)?;
        let trust_files = TrustFiles::new(&settings.data_dir, settings.platform_cert.clone());
        let trust = trust_files.load(&settings.trust_dir);
        Ok(Self {
            settings,
            anonymous,
            trust_files,
            trust: std::sync::RwLock::new(Arc::new(trust)),
            viewed_reports: Default::default(),
            active: Mutex::new(None),
            send_now: tokio::sync::Notify::new(),
            login_epoch: std::sync::atomic::AtomicU64::new(0),
            early: Arc::default(),
        })
    }

    /// What to verify and sign with now.
    pub fn trust(&self) -> Arc<PlatformTrust> {
        self.trust
            .read()
            .map(|t| t.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Re-reads the pin and the cached CRLs.
    pub fn reload_trust(&self) {
        let fresh = Arc::new(self.trust_files.load(&self.settings.trust_dir));
        match self.trust.write() {
            Ok(mut t) => *t = fresh,
            Err(e) => *e.into_inner() = fresh,
        }
    }

    /// The client of the logged-in person, or `not_logged_in`.
    pub async fn client(&self) -> Result<PlatformClient, AppError> {
        match &*self.active.lock().await {
            Some(a) => Ok(a.client.clone()),
            None => Err(not_logged_in()),
        }
    }

    /// Signs `doc` as an envelope of type `typ` with the open key, on a
    /// blocking thread (a token may be slow). Returns it with the signer's
    /// person id.
    pub async fn sign<T: serde::Serialize + Send + 'static>(
        &self,
        typ: &'static str,
        doc: T,
    ) -> Result<(pingshen_api::SignedEnvelope, String), AppError> {
        let (signer, person) = match &*self.active.lock().await {
            Some(a) => (a.signer.clone(), a.person.id.clone()),
            None => return Err(not_logged_in()),
        };
        let trust = self.trust();
        let envelope = tokio::task::spawn_blocking(move || {
            let key = crate::commands::auth::lock_key(&signer)?;
            trust.check_own_certificate(key.as_ref(), time::OffsetDateTime::now_utc())?;
            pingshen_client::sign_document(key.as_ref(), typ, &doc).map_err(AppError::from)
        })
        .await
        .map_err(crate::error::from_join)??;
        Ok((envelope, person))
    }

    /// The platform's id, learnt at the last online login.
    pub async fn platform_id(&self) -> Option<String> {
        self.active
            .lock()
            .await
            .as_ref()
            .and_then(|a| a.platform_id.clone())
    }

    /// What a sync or an early read of the logged-in person needs; only
    /// while online (a session), else `platform_unreachable`.
    pub async fn sync_context(&self) -> Result<SyncContext, AppError> {
        let guard = self.active.lock().await;
        let a = guard.as_ref().ok_or_else(not_logged_in)?;
        if a.session.is_none() {
            return Err(AppError::new(
                "platform_unreachable",
                "离线状态下不能同步文件；已同步的文件可照常查看",
            ));
        }
        let mut ctx = SyncContext::new(
            a.store.clone(),
            a.client.clone(),
            self.trust(),
            a.platform_id.clone().unwrap_or_default(),
        );
        ctx.early = self.early.clone();
        Ok(ctx)
    }

    /// The logged-in person's store and id.
    pub async fn store(&self) -> Result<(Arc<std::sync::Mutex<Store>>, Person, bool), AppError> {
        match &*self.active.lock().await {
            Some(a) => Ok((a.store.clone(), a.person.clone(), a.session.is_some())),
            None => Err(not_logged_in()),
        }
    }

    /// Runs `f` with the logged-in person's store on a blocking thread
    /// (SQLite, the disk): the one place a command reaches the store.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let (store, _, _) = self.store().await?;
        tokio::task::spawn_blocking(move || f(&*pingshen_app::lock(&store)?))
            .await
            .map_err(crate::error::from_join)?
    }

    /// Runs `f` with the person's store and, when online, the platform
    /// ([`Online`]); works offline from the store. A session that expired
    /// while the person worked is renewed once with the open key (no PIN
    /// prompt: the key is still unlocked), then `f` runs again.
    pub async fn with_session<T, F, Fut>(&self, f: F) -> Result<T, AppError>
    where
        F: Fn(Online) -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        self.renewing(|| async { f(self.online().await?).await })
            .await
    }

    /// Runs `f` with the store and the open key on a blocking thread (a token
    /// may be slow to sign), then wakes the sender.
    pub async fn with_key<T: Send + 'static>(
        &self,
        f: impl FnOnce(
                &pingshen_store::Store,
                &dyn pingshen_pki::Signer,
                &str,
            ) -> Result<T, pingshen_app::AppError>
            + Send
            + 'static,
    ) -> Result<T, AppError> {
        let (store, signer, me) = match &*self.active.lock().await {
            Some(a) => (a.store.clone(), a.signer.clone(), a.person.id.clone()),
            None => return Err(not_logged_in()),
        };
        let trust = self.trust();
        let result = tokio::task::spawn_blocking(move || {
            let store = pingshen_app::lock(&store)?;
            let key = crate::commands::auth::lock_key(&signer)?;
            // Never sign with a certificate that is revoked, or whose status
            // nobody can state.
            trust.check_own_certificate(key.as_ref(), time::OffsetDateTime::now_utc())?;
            f(&store, key.as_ref(), &me)
        })
        .await
        .map_err(crate::error::from_join)?;
        self.send_now.notify_one();
        result
    }

    /// Runs a platform call as the logged-in person: logs in again first
    /// when the app started offline (or lost its session), and renews an
    /// expired session once.
    pub async fn call<T, E, F, Fut>(&self, f: F) -> Result<T, AppError>
    where
        F: Fn(PlatformClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        AppError: From<E>,
    {
        if self.online().await?.client.is_none() {
            self.renew_session().await?;
        }
        self.renewing(|| async { f(self.client().await?).await.map_err(AppError::from) })
            .await
    }

    /// `attempt`, and once more after renewing the session if the platform
    /// said it was gone.
    async fn renewing<T, Fut>(&self, attempt: impl Fn() -> Fut) -> Result<T, AppError>
    where
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        match attempt().await {
            Err(e) if e.code.is_session_gone() => {
                self.renew_session().await?;
                attempt().await
            }
            other => other,
        }
    }

    /// The person's store, and the platform when online.
    pub async fn online(&self) -> Result<Online, AppError> {
        let guard = self.active.lock().await;
        let a = guard.as_ref().ok_or_else(not_logged_in)?;
        let online = a.session.is_some();
        Ok(Online {
            store: a.store.clone(),
            person: a.person.clone(),
            client: online.then(|| a.client.clone()),
            platform_id: if online { a.platform_id.clone() } else { None },
            trust: self.trust(),
        })
    }

    /// Logs in to the platform again with the open key: after a session
    /// expired, or when the platform comes back after an offline start.
    pub async fn renew_session(&self) -> Result<(), AppError> {
        let mut guard = self.active.lock().await;
        let active = guard.as_mut().ok_or_else(not_logged_in)?;
        let (session, platform_id) =
            crate::commands::auth::online_login(self, active.signer.clone()).await?;
        active.client = self.anonymous.with_session(&session);
        active.session = Some(session);
        active.platform_id = Some(platform_id);
        Ok(())
    }
}

/// What a command works with: the person's store and, when online, their
/// platform session.
pub struct Online {
    pub store: Arc<std::sync::Mutex<Store>>,
    pub person: Person,
    /// `None` while offline.
    pub client: Option<PlatformClient>,
    pub platform_id: Option<String>,
    pub trust: Arc<PlatformTrust>,
}

pub fn not_logged_in() -> AppError {
    AppError::new("not_logged_in", "请先使用数字证书登录")
}
