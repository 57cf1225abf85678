//! Login with the person's certificate (online, or offline by proving
//! possession of the key to the local store), lock and logout.

use crate::error::from_join;
use crate::identity;
use crate::sender;
use crate::state::{Active, DesktopState, SharedSigner};
use pingshen_api::ipc::{AppError, IdentityFile, LoginRequest, LoginState};
use pingshen_api::Session;
use pingshen_client::sign_challenge;
use pingshen_pki::{Signer, Zeroizing};
use pingshen_store::Vault;
use std::sync::Arc;

#[tauri::command]
pub fn list_identity_files(state: tauri::State<'_, DesktopState>) -> Vec<IdentityFile> {
    identity::list_files(&state.settings.cert_dir)
}

/// Opens the key with the PIN, logs in to the platform by signing its
/// challenge and opens the person's encrypted store. When the platform
/// cannot be reached, someone who worked here before unlocks the store by
/// proving possession of the key, and works offline.
#[tauri::command]
pub async fn login(
    app: tauri::AppHandle,
    state: tauri::State<'_, DesktopState>,
    mut request: LoginRequest,
) -> Result<LoginState, AppError> {
    let pin = Zeroizing::new(std::mem::take(&mut request.pin));
    if pin.is_empty() {
        return Err(AppError::new("pin_required", "请输入证书密码或 PIN 码"));
    }
    let source = request.source.clone();
    let signer: SharedSigner = Arc::new(std::sync::Mutex::new(
        tokio::task::spawn_blocking(move || identity::open(&source, pin))
            .await
            .map_err(from_join)??,
    ));
    let online = online_login(&state, signer.clone()).await;
    let vault = Vault::new(state.settings.data_dir.join("vault"));
    let (store, person, session, platform_id) = match online {
        Ok((session, platform_id)) => {
            let person = session.person.clone();
            let store = with_open_key(&signer, move |key| {
                pingshen_app::login::open_online(&vault, key, &person)
            })
            .await?;
            (
                store,
                session.person.clone(),
                Some(session),
                Some(platform_id),
            )
        }
        Err(e) if e.code.is_offline() => {
            let (store, person) = with_open_key(&signer, move |key| {
                pingshen_app::login::open_offline(&vault, key)
            })
            .await?;
            (store, person, None, None)
        }
        Err(e) => return Err(e),
    };
    let certificate = pingshen_app::login::cert_summary(lock_key(&signer)?.as_ref())?;
    let login_state = LoginState {
        person: person.clone(),
        certificate,
        online: session.is_some(),
        session_expires_at: session.as_ref().map(|s| s.expires_at),
        idle_lock_minutes: state.settings.idle_lock_minutes,
    };
    let client = match &session {
        Some(s) => state.anonymous.with_session(s),
        None => state.anonymous.clone(),
    };
    *state.active.lock().await = Some(Active {
        signer,
        person,
        store: Arc::new(std::sync::Mutex::new(store)),
        session,
        client,
        platform_id,
    });
    sender::spawn(app);
    Ok(login_state)
}

pub(crate) fn lock_key(
    signer: &SharedSigner,
) -> Result<std::sync::MutexGuard<'_, Box<dyn Signer>>, AppError> {
    signer
        .lock()
        .map_err(|_| AppError::new("internal_error", "证书会话异常，请重新登录"))
}

/// Runs `f` with the open key on a blocking thread (a token may be slow).
async fn with_open_key<T: Send + 'static>(
    signer: &SharedSigner,
    f: impl FnOnce(&dyn Signer) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let signer = signer.clone();
    tokio::task::spawn_blocking(move || f(lock_key(&signer)?.as_ref()))
        .await
        .map_err(from_join)?
}

/// Challenge → sign (on a blocking thread: a token may be slow) → session.
/// Returns the session and the platform's id.
pub(crate) async fn online_login(
    state: &DesktopState,
    signer: SharedSigner,
) -> Result<(Session, String), AppError> {
    let chain = chain_der(lock_key(&signer)?.as_ref())?;
    let health = state.anonymous.health().await.map_err(AppError::from)?;
    // The platform's signing certificate must be the pinned one (the first
    // contact pins it): a different one is refused until the person accepts.
    let now = time::OffsetDateTime::now_utc();
    if state.trust_files.check(&health.signing_cert_sha256, now)?
        == pingshen_app::trust_files::PinCheck::FirstUse
    {
        state.reload_trust();
    }
    let challenge = state
        .anonymous
        .request_challenge(&chain)
        .await
        .map_err(AppError::from)?;
    let envelope = tokio::task::spawn_blocking(move || {
        let key = lock_key(&signer)?;
        sign_challenge(key.as_ref(), &challenge).map_err(AppError::from)
    })
    .await
    .map_err(from_join)??;
    let session = state
        .anonymous
        .open_session(envelope)
        .await
        .map_err(AppError::from)?;
    refresh_crls(state).await;
    Ok((session, health.platform_id))
}

/// Caches the CAs' current CRLs the platform relays, so that signing (which
/// needs them) keeps working offline until they expire. A failure leaves the
/// previous cache in place.
pub(crate) async fn refresh_crls(state: &DesktopState) {
    match state.anonymous.crls().await {
        Ok(set) => match state.trust_files.store_crls(&set) {
            Ok(_) => state.reload_trust(),
            Err(e) => eprintln!("证书吊销列表未能缓存：{}", e.message),
        },
        Err(e) => eprintln!("证书吊销列表未能更新：{e}"),
    }
}

/// The pinned platform certificate and the one the platform presents now.
#[tauri::command]
pub async fn platform_certificate(
    state: tauri::State<'_, DesktopState>,
) -> Result<pingshen_api::ipc::PlatformCertInfo, AppError> {
    let presented = state
        .anonymous
        .health()
        .await
        .ok()
        .map(|h| h.signing_cert_sha256);
    Ok(pingshen_api::ipc::PlatformCertInfo {
        pinned: state.trust_files.pinned(),
        presented,
        configured: state.settings.platform_cert.is_some(),
    })
}

/// The person accepts a new platform signing certificate, after checking
/// its fingerprint with the trading centre.
#[tauri::command]
pub fn accept_platform_certificate(
    state: tauri::State<'_, DesktopState>,
    fingerprint: String,
) -> Result<(), AppError> {
    state
        .trust_files
        .accept(&fingerprint, time::OffsetDateTime::now_utc())?;
    state.reload_trust();
    Ok(())
}

fn chain_der(signer: &dyn Signer) -> Result<Vec<Vec<u8>>, AppError> {
    signer
        .chain()
        .iter()
        .map(|c| c.to_der())
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::new("malformed", format!("证书无法编码：{e}")))
}

#[tauri::command]
pub async fn login_state(
    state: tauri::State<'_, DesktopState>,
) -> Result<Option<LoginState>, AppError> {
    let guard = state.active.lock().await;
    let Some(a) = guard.as_ref() else {
        return Ok(None);
    };
    let certificate = {
        let key = lock_key(&a.signer)?;
        pingshen_app::login::cert_summary(key.as_ref())?
    };
    Ok(Some(LoginState {
        person: a.person.clone(),
        certificate,
        online: a.session.is_some(),
        session_expires_at: a.session.as_ref().map(|s| s.expires_at),
        idle_lock_minutes: state.settings.idle_lock_minutes,
    }))
}

/// Idle lock and logout both close the key: dropping the signer zeroises a
/// software key and logs out of a token, and the store closes. Everything
/// the person entered is already saved; unlocking needs the PIN again.
#[tauri::command]
pub async fn lock(state: tauri::State<'_, DesktopState>) -> Result<(), AppError> {
    state.active.lock().await.take();
    state.early.clear();
    Ok(())
}

/// How long logging out waits for the platform to end the session.
const LOGOUT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Logs out locally at once (key and store closed, as for a lock), then asks
/// the platform to end the session so the token stops working before it
/// expires. Best effort: offline, or if the platform refuses, the local
/// logout stands and the token dies at its expiry.
#[tauri::command]
pub async fn logout(state: tauri::State<'_, DesktopState>) -> Result<(), AppError> {
    let active = state.active.lock().await.take();
    state.early.clear();
    let Some(active) = active else {
        return Ok(());
    };
    let client = active.session.as_ref().map(|_| active.client.clone());
    drop(active);
    if let Some(client) = client {
        match tokio::time::timeout(LOGOUT_WAIT, client.logout()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("警告：平台未能注销会话：{e}（{}）", e.code()),
            Err(_) => eprintln!("警告：注销会话超时，登录凭据将在到期后失效"),
        }
    }
    Ok(())
}
