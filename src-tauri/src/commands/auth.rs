//! Login with the person's certificate, lock and logout.

use crate::error::{from_client, from_join};
use crate::identity;
use crate::state::{Active, DesktopState};
use pingshen_api::ipc::{AppError, IdentityFile, LoginRequest, LoginState};
use pingshen_api::Session;
use pingshen_client::sign_challenge;
use pingshen_pki::{Signer, Zeroizing};

#[tauri::command]
pub fn list_identity_files(state: tauri::State<'_, DesktopState>) -> Vec<IdentityFile> {
    identity::list_files(&state.settings.cert_dir)
}

/// Opens the key with the PIN, then logs in to the platform by signing its
/// challenge.
#[tauri::command]
pub async fn login(
    state: tauri::State<'_, DesktopState>,
    mut request: LoginRequest,
) -> Result<LoginState, AppError> {
    let pin = Zeroizing::new(std::mem::take(&mut request.pin));
    if pin.is_empty() {
        return Err(AppError::new("pin_required", "请输入证书密码或 PIN 码"));
    }
    let source = request.source.clone();
    let signer = tokio::task::spawn_blocking(move || identity::open(&source, pin))
        .await
        .map_err(from_join)??;
    let (signer, session) = online_login(&state, signer).await?;
    let client = state.anonymous.with_session(&session);
    let login_state = LoginState {
        person: session.person.clone(),
        certificate: session.certificate.clone(),
        online: true,
        session_expires_at: Some(session.expires_at),
        idle_lock_minutes: state.settings.idle_lock_minutes,
    };
    *state.active.lock().await = Some(Active {
        signer,
        session: Some(session),
        client,
    });
    Ok(login_state)
}

/// Challenge → sign (on a blocking thread: a token may be slow) → session.
/// The signer is handed back so it can stay open while the person works.
pub(crate) async fn online_login(
    state: &DesktopState,
    signer: Box<dyn Signer>,
) -> Result<(Box<dyn Signer>, Session), AppError> {
    let chain = chain_der(signer.as_ref())?;
    let challenge = state
        .anonymous
        .request_challenge(&chain)
        .await
        .map_err(from_client)?;
    let (signer, envelope) = tokio::task::spawn_blocking(move || {
        let envelope = sign_challenge(signer.as_ref(), &challenge);
        (signer, envelope)
    })
    .await
    .map_err(from_join)?;
    let session = state
        .anonymous
        .open_session(envelope.map_err(from_client)?)
        .await
        .map_err(from_client)?;
    Ok((signer, session))
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
    Ok(state.active.lock().await.as_ref().and_then(|a| {
        a.session.as_ref().map(|s| LoginState {
            person: s.person.clone(),
            certificate: s.certificate.clone(),
            online: true,
            session_expires_at: Some(s.expires_at),
            idle_lock_minutes: state.settings.idle_lock_minutes,
        })
    }))
}

/// Idle lock and logout both close the key: dropping the signer zeroises a
/// software key and logs out of a token. Locking keeps nothing but what is
/// already saved on disk; unlocking needs the PIN again.
#[tauri::command]
pub async fn lock(state: tauri::State<'_, DesktopState>) -> Result<(), AppError> {
    state.active.lock().await.take();
    Ok(())
}

#[tauri::command]
pub async fn logout(state: tauri::State<'_, DesktopState>) -> Result<(), AppError> {
    state.active.lock().await.take();
    Ok(())
}
