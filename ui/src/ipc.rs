//! The one typed bridge from the UI to the desktop shell's commands.
//!
//! Components call these functions; none of them spells a command name or
//! touches `window.__TAURI__` directly.

use pingshen_api::ipc::{cmd, AppError, AppInfo, IdentityFile, LoginRequest, LoginState};
use pingshen_api::{Health, ProjectDetail, ProjectSummary};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

async fn call<A: Serialize, R: DeserializeOwned>(name: &str, args: &A) -> Result<R, AppError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| AppError::new("ui_encode", format!("界面参数无法编码：{e}")))?;
    match invoke(name, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| AppError::new("ui_decode", format!("界面无法解析返回内容：{e}"))),
        Err(err) => Err(
            serde_wasm_bindgen::from_value::<AppError>(err.clone()).unwrap_or_else(|_| {
                AppError::new(
                    "ipc_failed",
                    format!(
                        "与客户端内核通信失败：{}",
                        err.as_string().unwrap_or_else(|| "未知原因".into())
                    ),
                )
            }),
        ),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct IdArg<'a> {
    id: &'a str,
}

pub async fn app_info() -> Result<AppInfo, AppError> {
    call(cmd::APP_INFO, &NoArgs {}).await
}

pub async fn platform_health() -> Result<Health, AppError> {
    call(cmd::PLATFORM_HEALTH, &NoArgs {}).await
}

pub async fn list_identity_files() -> Result<Vec<IdentityFile>, AppError> {
    call(cmd::LIST_IDENTITY_FILES, &NoArgs {}).await
}

#[derive(Serialize)]
struct LoginArgs<'a> {
    request: &'a LoginRequest,
}

pub async fn login(request: &LoginRequest) -> Result<LoginState, AppError> {
    call(cmd::LOGIN, &LoginArgs { request }).await
}

pub async fn login_state() -> Result<Option<LoginState>, AppError> {
    call(cmd::LOGIN_STATE, &NoArgs {}).await
}

pub async fn lock() -> Result<(), AppError> {
    call(cmd::LOCK, &NoArgs {}).await
}

pub async fn logout() -> Result<(), AppError> {
    call(cmd::LOGOUT, &NoArgs {}).await
}

pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    call(cmd::LIST_PROJECTS, &NoArgs {}).await
}

pub async fn get_project(id: &str) -> Result<ProjectDetail, AppError> {
    call(cmd::GET_PROJECT, &IdArg { id }).await
}
