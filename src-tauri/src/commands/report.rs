//! The evaluation report (评标报告) on the desktop: its status, saving the
//! PDF (with the whole evaluation package) for reading and archiving, and
//! the expert's signature over its hash.

use crate::commands::expert::with_key;
use crate::state::DesktopState;
use base64::Engine;
use pingshen_api::ipc::{AppError, SavedReport};
use pingshen_api::ReportStatus;

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

/// Fetches the evaluation package and writes the report PDF and the package
/// JSON under `<data dir>/reports/<project>/`.
#[tauri::command]
pub async fn save_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
) -> Result<SavedReport, AppError> {
    let package = state
        .call(|c| {
            let p = project.clone();
            async move { c.evaluation_package(&p).await }
        })
        .await?;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(package.report_pdf_base64.as_bytes())
        .map_err(|_| AppError::new("bad_report", "平台返回的评标报告无法解码"))?;
    let dir = state.settings.data_dir.join("reports").join(&project);
    let short = &package.report_sha256[..12.min(package.report_sha256.len())];
    let pdf_path = dir.join(format!("评标报告-{project}-{short}.pdf"));
    let package_path = dir.join(format!("评标档案包-{project}-{short}.json"));
    let json = serde_json::to_vec_pretty(&package)
        .map_err(|e| AppError::new("internal_error", e.to_string()))?;
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
    write(&pdf_path, &pdf)?;
    write(&package_path, &json)?;
    Ok(SavedReport {
        pdf_path: pdf_path.display().to_string(),
        package_path: package_path.display().to_string(),
        sha256: package.report_sha256,
    })
}

/// Signs the report's hash and queues the signature (the sender delivers it).
#[tauri::command]
pub async fn sign_report(
    state: tauri::State<'_, DesktopState>,
    project: String,
    sha256: String,
) -> Result<String, AppError> {
    with_key(&state, move |store, key, me| {
        pingshen_app::evaluation::sign_report(store, key, &project, me, &sha256)
    })
    .await
}
