//! Login with the person's certificate (online, or offline by proving
//! possession of the key to the local store), lock and logout.

use crate::error::from_join;
use crate::identity;
use crate::sender;
use crate::state::{Active, DesktopState, SharedSigner};
use pingshen_api::ipc::{AppError, IdentityFile, LoginRequest, LoginState};
use pingshen_api::{CertSummary, Person, Role, Session};
use pingshen_client::sign_challenge;
use pingshen_pki::{Signer, Zeroizing};
use pingshen_store::{PersonInfo, Vault};
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
            let store = open_store(vault, signer.clone()).await?;
            let mut store = store;
            store
                .set_person(PersonInfo {
                    id: Some(session.person.id.clone()),
                    name: Some(session.person.name.clone()),
                    role: Some(session.person.role.as_str().to_string()),
                })
                .map_err(|e| AppError::new(e.code(), e.message_zh()))?;
            let person = session.person.clone();
            (store, person, Some(session), Some(platform_id))
        }
        Err(e) if e.code.is_offline() => {
            let fingerprint = {
                let key = lock_key(&signer)?;
                pingshen_pki::cert::fingerprint_sha256(key.certificate()).map_err(AppError::from)?
            };
            let known = vault
                .profiles()
                .map_err(|e| AppError::new(e.code(), e.message_zh()))?
                .into_iter()
                .any(|p| p.fingerprint == fingerprint);
            if !known {
                return Err(AppError::new(
                    "offline_first_login",
                    "无法连接评标平台，且本机没有该证书的离线数据：首次登录须联网",
                ));
            }
            let store = open_store(vault, signer.clone()).await?;
            let person = person_of(&store).ok_or_else(|| {
                AppError::new("offline_first_login", "本机离线数据不完整，请联网登录一次")
            })?;
            (store, person, None, None)
        }
        Err(e) => return Err(e),
    };
    let certificate = cert_summary(lock_key(&signer)?.as_ref())?;
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

/// Opening the vault signs a local challenge and unwraps the store key with
/// the person's key: blocking work (a token may be slow).
async fn open_store(vault: Vault, signer: SharedSigner) -> Result<pingshen_store::Store, AppError> {
    tokio::task::spawn_blocking(move || {
        let key = lock_key(&signer)?;
        vault
            .open(key.as_ref())
            .map_err(|e| AppError::new(e.code(), e.message_zh()))
    })
    .await
    .map_err(from_join)?
}

fn person_of(store: &pingshen_store::Store) -> Option<Person> {
    let p = store.profile().person;
    Some(Person {
        id: p.id?,
        name: p.name.unwrap_or_default(),
        role: Role::parse(p.role.as_deref()?)?,
        city: String::new(),
    })
}

fn cert_summary(signer: &dyn Signer) -> Result<CertSummary, AppError> {
    let info = pingshen_pki::CertInfo::of(signer.certificate()).map_err(AppError::from)?;
    Ok(CertSummary {
        subject: info.subject,
        issuer: info.issuer,
        alg: signer.algorithm().jws_name().to_string(),
        fingerprint: info.fingerprint_sha256,
        not_after: info.not_after,
    })
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
        cert_summary(key.as_ref())?
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
