//! Opening the person's key from a PKCS#12 file or a PKCS#11 token.

use pingshen_api::ipc::{AppError, IdentityFile, KeySource};
use pingshen_pki::{Pkcs12Signer, Signer, TokenConfig, TokenSigner, Zeroizing};
use std::path::Path;

/// Opens the key. Runs on a blocking thread: a token may take a while, and
/// PKCS#12 decryption is deliberately slow.
pub fn open(source: &KeySource, pin: Zeroizing<String>) -> Result<Box<dyn Signer>, AppError> {
    match source {
        KeySource::P12 { path } => {
            let path = Path::new(path);
            if !path.is_file() {
                return Err(AppError::new(
                    "cert_file_missing",
                    format!("找不到证书文件：{}", path.display()),
                ));
            }
            Ok(Box::new(
                Pkcs12Signer::from_file(path, &pin).map_err(AppError::from)?,
            ))
        }
        KeySource::Pkcs11 {
            module,
            token_label,
            key_id,
        } => {
            let key_id = hex_decode(key_id).ok_or_else(|| {
                AppError::new("bad_key_id", format!("密钥标识“{key_id}”不是十六进制"))
            })?;
            let cfg = TokenConfig {
                module: module.into(),
                token_label: token_label.clone(),
                key_id,
            };
            Ok(Box::new(
                TokenSigner::open(&cfg, pin).map_err(AppError::from)?,
            ))
        }
    }
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.is_empty() || s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The .p12/.pfx files in `dir`, sorted by name. A missing folder is an empty list.
pub fn list_files(dir: &Path) -> Vec<IdentityFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<IdentityFile> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("p12") || e.eq_ignore_ascii_case("pfx"))
        })
        .map(|p| IdentityFile {
            file_name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: p.display().to_string(),
        })
        .collect();
    files.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_hex() {
        assert_eq!(hex_decode("01"), Some(vec![1]));
        assert_eq!(hex_decode("0aFF"), Some(vec![10, 255]));
        assert_eq!(hex_decode(""), None);
        assert_eq!(hex_decode("0"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
