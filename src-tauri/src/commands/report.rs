//! The evaluation report (评标报告) on the desktop: its status, saving the
//! PDF (with the evaluation package, for the leader) for reading and
//! archiving, and the expert's signature over its hash.

use crate::commands::expert::with_key;
use crate::state::DesktopState;
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
        Err(e) if e.code == "not_leader" => None,
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
