//! What the shell holds between commands.

use crate::error::from_client;
use crate::settings::Settings;
use pingshen_api::ipc::AppError;
use pingshen_api::Session;
use pingshen_client::{ClientError, PlatformClient};
use pingshen_pki::Signer;
use tokio::sync::Mutex;

/// The logged-in person: their key (kept open so signing needs no second
/// PIN entry until the app locks) and, when online, the platform session.
pub struct Active {
    pub signer: Box<dyn Signer>,
    pub session: Option<Session>,
    /// A client carrying the session token (anonymous when offline).
    pub client: PlatformClient,
}

pub struct DesktopState {
    pub settings: Settings,
    /// Anonymous client for health checks and logging in.
    pub anonymous: PlatformClient,
    pub active: Mutex<Option<Active>>,
}

impl DesktopState {
    pub fn new(settings: Settings) -> Result<Self, AppError> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            AppError::new(
                "data_dir_unusable",
                format!("无法创建数据目录 {}：{e}", settings.data_dir.display()),
            )
        })?;
        let anonymous =
            PlatformClient::new(&settings.platform_url).map_err(crate::error::from_client)?;
        Ok(Self {
            settings,
            anonymous,
            active: Mutex::new(None),
        })
    }

    /// The client of the logged-in person, or `not_logged_in`.
    pub async fn client(&self) -> Result<PlatformClient, AppError> {
        match &*self.active.lock().await {
            Some(a) => Ok(a.client.clone()),
            None => Err(AppError::new("not_logged_in", "请先使用数字证书登录")),
        }
    }

    /// Runs a platform call as the logged-in person. A session that expired
    /// while the person worked is renewed once with the open key (no PIN
    /// prompt: the key is still unlocked), then the call is repeated.
    pub async fn call<T, F, Fut>(&self, f: F) -> Result<T, AppError>
    where
        F: Fn(PlatformClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        match f(self.client().await?).await {
            Err(e) if e.code() == "session_expired" => {
                self.renew_session().await?;
                f(self.client().await?).await.map_err(from_client)
            }
            other => other.map_err(from_client),
        }
    }

    async fn renew_session(&self) -> Result<(), AppError> {
        let mut guard = self.active.lock().await;
        let active = guard
            .take()
            .ok_or_else(|| AppError::new("not_logged_in", "请先使用数字证书登录"))?;
        match crate::commands::auth::online_login(self, active.signer).await {
            Ok((signer, session)) => {
                *guard = Some(Active {
                    client: self.anonymous.with_session(&session),
                    session: Some(session),
                    signer,
                });
                Ok(())
            }
            // The key went with the failed attempt: the person logs in again.
            Err(e) => Err(e),
        }
    }
}
