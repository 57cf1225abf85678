//! The evaluation report (评标报告) on the desktop: its status, reading it
//! in the viewer, saving the PDF (with the evaluation package, for the
//! leader) for archiving, and the expert's signature over its hash — over the hash of
//! the very bytes the expert was shown, never one the webview passes in.

use crate::state::DesktopState;
use pingshen_api::ipc::{AppError, SavedReport, ViewedReport};
use pingshen_api::{ErrorCode, ReportStatus};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The viewer's file id of the report (not a valid document id, so it
/// never names a bid document).
pub const REPORT_FILE_ID: &str = "~report";

fn viewed(
    state: &DesktopState,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<Vec<u8>>>> {
    state
        .viewed_reports
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The report bytes last fetched for `project`, which the viewer shows.
pub fn viewed_bytes(state: &DesktopState, project: &str) -> Option<Arc<Vec<u8>>> {
    viewed(state).get(project).cloned()
}

/// Fetches the report PDF and keeps its bytes for the viewer; answers the
/// SHA-256 of exactly these bytes beside the hash the platform states.
#[tauri::command]
pub async fn open_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<ViewedReport, AppError> {
    let status = state
        .call(|c| {
            let p = project.clone();
            async move { c.report_status(&p).await }
        })
        .await?;
    let bytes = state
        .call(|c| {
            let p = project.clone();
            async move { c.report_pdf(&p).await }
        })
        .await?
        .bytes;
    // Hashed here again: this is the value signing will compare with.
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    viewed(&state).insert(project.clone(), Arc::new(bytes));
    Ok(ViewedReport {
        file_id: REPORT_FILE_ID.to_string(),
        sha256,
        platform_sha256: status.sha256,
        size,
    })
}

#[tauri::command]
pub async fn report_status(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<ReportStatus, AppError> {
    state
        .call(|c| {
            let p = project.clone();
            async move { c.report_status(&p).await }
        })
        .await
}

/// Writes the report PDF under `<data dir>/reports/<project>/`, and for the
/// leader (and staff) the evaluation package beside it: the package is theirs
/// only, while every sitting expert reads the PDF they sign.
#[tauri::command]
pub async fn save_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<SavedReport, AppError> {
    let pdf = state
        .call(|c| {
            let p = project.clone();
            async move { c.report_pdf(&p).await }
        })
        .await?;
    let package = match state
        .call(|c| {
            let p = project.clone();
            async move { c.evaluation_package(&p).await }
        })
        .await
    {
        // Saved only when it is the package of the report just fetched.
        Ok(package) if package.report_sha256 == pdf.sha256 => Some(package),
        Ok(_) => None,
        Err(e) if e.code == ErrorCode::NotLeader => None,
        Err(e) => return Err(e),
    };
    let dir = state.settings.data_dir.join("reports").join(&project);
    let short = &pdf.sha256[..12.min(pdf.sha256.len())];
    let pdf_path = dir.join(format!("评标报告-{project}-{short}.pdf"));
    let write = |path: &std::path::Path, bytes: &[u8]| {
        std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(path, bytes))
            .map_err(|e| {
                AppError::new(
                    "report_write_failed",
                    format!("无法写入 {}：{e}", path.display()),
                )
            })
    };
    write(&pdf_path, &pdf.bytes)?;
    let package_path = match package {
        Some(package) => {
            let path = dir.join(format!("评标档案包-{project}-{short}.json"));
            let json = serde_json::to_vec_pretty(&package)
                .map_err(|e| AppError::new("internal_error", e.to_string()))?;
            write(&path, &json)?;
            Some(path.display().to_string())
        }
        None => None,
    };
    Ok(SavedReport {
        pdf_path: pdf_path.display().to_string(),
        package_path,
        sha256: pdf.sha256,
    })
}

/// Signs the report's hash and queues the signature (the sender delivers
/// it). `sha256` is the hash the expert saw stated; it must be the SHA-256
/// of the bytes the viewer showed them, else nothing is signed.
#[tauri::command]
pub async fn sign_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
    sha256: String,
) -> Result<String, AppError> {
    let shown = viewed_bytes(&state, &project)
        .ok_or_else(|| AppError::new("report_not_viewed", "请先阅读评标报告，再签名确认"))?;
    let actual = hex::encode(Sha256::digest(shown.as_slice()));
    if actual != sha256.to_ascii_lowercase() {
        return Err(AppError::new(
            "report_hash_mismatch",
            format!(
                "您阅读的报告文件（SHA-256 {actual}）与平台公布的报告哈希（{sha256}）不一致，已拒绝签名。请重新打开报告核对，如仍不一致请联系交易中心"
            ),
        ));
    }
    state
        .with_key(move |store, key, me| {
            pingshen_app::evaluation::sign_report(store, key, &project, me, &actual)
        })
        .await
}
