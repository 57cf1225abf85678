//! One error type, each variant with its stable code (`pingshen_api::ErrorCode`).

use pingshen_api::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("更新清单的签名无效：{0}")]
    Signature(String),
    #[error("更新清单无法使用：{0}")]
    Manifest(String),
    #[error("下载的更新文件与清单不符：{0}")]
    File(String),
    #[error("提供的版本 {offered} 不比当前版本 {current} 新")]
    NotNewer { offered: String, current: String },
    #[error("{0}")]
    NotInstallable(String),
    #[error("安装更新失败：{0}")]
    Install(String),
    #[error("更新密钥无法读取：{0}")]
    Key(String),
}

impl UpdateError {
    pub fn code(&self) -> ErrorCode {
        match self {
            UpdateError::Signature(_) | UpdateError::Key(_) => ErrorCode::UpdateSignatureInvalid,
            UpdateError::Manifest(_) => ErrorCode::UpdateManifestInvalid,
            UpdateError::File(_) => ErrorCode::UpdateFileMismatch,
            UpdateError::NotNewer { .. } => ErrorCode::UpdateNotNewer,
            UpdateError::NotInstallable(_) => ErrorCode::UpdateNotInstallable,
            UpdateError::Install(_) => ErrorCode::UpdateInstallFailed,
        }
    }
}

pub type Result<T> = std::result::Result<T, UpdateError>;
