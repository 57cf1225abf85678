//! 软件更新: checking the platform for a signed update, downloading and
//! verifying it, and installing it only when no submission waits.
//!
//! The offer the person saw is never trusted at install time: the manifest
//! is fetched and verified again, and the file is verified after download
//! and once more as it is put in place (`pingshen_update`).

use crate::error::AppError;
use pingshen_api::{InstallKind, UpdateCheck, UpdateInstalled, UpdateOffer};
use pingshen_client::PlatformClient;
use pingshen_update::{TrustedKeys, VerifiedFile};
use std::path::{Path, PathBuf};

/// What the running copy is, for the check and the install.
#[derive(Debug, Clone)]
pub struct ThisCopy {
    /// The build's version (`PINGSHEN_VERSION` at build time, else the crate's).
    pub version: String,
    pub install: InstallKind,
    pub arch: String,
    /// Where downloads are kept (`<data>/cache/updates`).
    pub download_dir: PathBuf,
    /// The system installer a .deb is handed to (program and arguments).
    pub deb_installer: Vec<String>,
}

fn from_update(e: pingshen_update::UpdateError) -> AppError {
    AppError::new(e.code(), e.to_string())
}

fn keys() -> Result<TrustedKeys, AppError> {
    TrustedKeys::compiled().map_err(from_update)
}

/// Asks the platform for its latest manifest and verifies it. `offer` is
/// `None` when nothing newer is published for this install.
pub async fn check(client: &PlatformClient, copy: &ThisCopy) -> Result<UpdateCheck, AppError> {
    let keys = keys()?;
    let offer = verified_offer(client, copy, &keys).await?;
    Ok(UpdateCheck {
        current: copy.version.clone(),
        install: copy.install.clone(),
        offer,
        demo_key: keys.includes_demo(),
        checked_at: time::OffsetDateTime::now_utc(),
    })
}

async fn verified_offer(
    client: &PlatformClient,
    copy: &ThisCopy,
    keys: &TrustedKeys,
) -> Result<Option<UpdateOffer>, AppError> {
    let Some(signed) = client.latest_update().await? else {
        return Ok(None);
    };
    let verified = pingshen_update::verify_manifest(&signed, keys).map_err(|e| {
        tracing::warn!(code = %e.code(), "update manifest refused");
        from_update(e)
    })?;
    pingshen_update::choose_offer(&verified, &copy.version, &copy.install, &copy.arch)
        .map_err(from_update)
}

/// Refuses while anything waits in the outbox. `pending` counts it; `None`
/// means it cannot be counted (nobody logged in: the store is locked).
pub fn require_empty_outbox(pending: Option<u64>) -> Result<(), AppError> {
    match pending {
        None => Err(AppError::new(
            "update_blocked_outbox",
            "请先登录再安装更新：安装前须确认本机没有尚待发送的提交",
        )),
        Some(0) => Ok(()),
        Some(n) => Err(AppError::new(
            "update_blocked_outbox",
            format!("有 {n} 份提交尚待发送到平台：请待其送达（联网后自动发送）再安装更新"),
        )),
    }
}

/// Downloads the offered file for `expected_version` (the version the
/// person agreed to), verifies it and installs it. `pending` is asked
/// before the download and again just before the install.
pub async fn install(
    client: &PlatformClient,
    copy: &ThisCopy,
    expected_version: &str,
    pending: impl Fn() -> Result<Option<u64>, AppError>,
) -> Result<UpdateInstalled, AppError> {
    require_empty_outbox(pending()?)?;
    if copy.install == InstallKind::Unmanaged {
        return Err(AppError::new(
            "update_not_installable",
            "这份评审客户端不是由安装包或 AppImage 安装的（开发版本），无法自动更新",
        ));
    }
    let keys = keys()?;
    let offer = verified_offer(client, copy, &keys)
        .await?
        .ok_or_else(|| AppError::new("update_not_newer", "平台上已没有比当前版本新的更新"))?;
    if offer.version != expected_version {
        return Err(AppError::new(
            "update_manifest_invalid",
            format!(
                "平台上的更新已从 {expected_version} 变为 {}，请重新检查更新",
                offer.version
            ),
        ));
    }
    let file = download(client, &offer, &copy.download_dir).await?;
    require_empty_outbox(pending()?)?;
    let installed = match &copy.install {
        InstallKind::Appimage { path } => {
            pingshen_update::replace_appimage(&file, Path::new(path)).map_err(from_update)?;
            UpdateInstalled::Restarting {
                version: offer.version.clone(),
            }
        }
        InstallKind::Deb => {
            let installer =
                pingshen_update::handoff_deb(&file, &copy.deb_installer).map_err(from_update)?;
            UpdateInstalled::HandedToInstaller {
                version: offer.version.clone(),
                package: file.path().display().to_string(),
                installer,
            }
        }
        InstallKind::Unmanaged => unreachable!("refused above"),
    };
    tracing::info!(version = %offer.version, sha256 = %offer.sha256, "update installed");
    Ok(installed)
}

/// Downloads into `<dir>/<file>.part`, verifies, then renames to `<file>`.
/// A file that does not verify is deleted: nothing unverified stays.
async fn download(
    client: &PlatformClient,
    offer: &UpdateOffer,
    dir: &Path,
) -> Result<VerifiedFile, AppError> {
    let io = |e: std::io::Error| {
        AppError::new(
            "io_error",
            format!("无法写入更新下载目录 {}：{e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let part = dir.join(format!("{}.part", offer.file));
    let done = dir.join(&offer.file);
    let result = async {
        client
            .download_update(&offer.file, &part, offer.size)
            .await?;
        // Hashing 17 MB or more is blocking work: off the async workers.
        let (staged, checked) = (part.clone(), offer.clone());
        let verified =
            tokio::task::spawn_blocking(move || pingshen_update::verify_file(&staged, &checked))
                .await
                .map_err(|e| {
                    AppError::new("internal_error", format!("校验更新文件的任务中断：{e}"))
                })?
                .map_err(|e| {
                    tracing::warn!(code = %e.code(), file = %offer.file, "update file refused");
                    from_update(e)
                })?;
        // Renamed to its final name with its verification kept; the
        // AppImage install hashes the copy it puts in place once more.
        verified.move_to(&done).map_err(from_update)
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_file(&done);
    }
    result
}
