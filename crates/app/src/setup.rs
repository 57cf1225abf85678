//! The first-run setup's steps that talk to the platform or look at this
//! computer: who is at an address (and which certificate it signs with),
//! the check that it still is when the person confirms, and what drivers
//! and certificate files are here.

use crate::settings_file::{check_platform_url, find_certificate_files};
pub use crate::trust_files::normalise;
use crate::AppError;
use pingshen_api::{FoundCertificateFile, PlatformIdentity, SetupDetection};
use pingshen_client::PlatformClient;
use std::path::Path;
use time::OffsetDateTime;

/// Asks the platform at `url` who it is. Only its health answer, which
/// needs no session; the person then compares the fingerprint with the one
/// the centre published before anything is pinned.
pub async fn identify(url: &str) -> Result<PlatformIdentity, AppError> {
    let url = check_platform_url(url)?;
    let client = PlatformClient::new(&url).map_err(AppError::from)?;
    let health = client.health().await.map_err(AppError::from)?;
    let fingerprint = normalise(&health.signing_cert_sha256);
    if fingerprint.len() != 64 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::new(
            "bad_response",
            format!("平台 {url} 给出的证书指纹无效，请与交易中心核实平台地址"),
        ));
    }
    Ok(PlatformIdentity {
        url,
        platform_id: health.platform_id,
        platform_name: health.platform_name,
        api_version: health.api_version,
        fingerprint,
        clock_offset_seconds: (health.time - OffsetDateTime::now_utc()).whole_seconds(),
    })
}

/// Asks again and checks the platform still presents the certificate the
/// person confirmed (a swap between the two questions is refused).
pub async fn confirm(url: &str, confirmed: &str) -> Result<PlatformIdentity, AppError> {
    let identity = identify(url).await?;
    if identity.fingerprint != normalise(confirmed) {
        return Err(AppError::new(
            "fingerprint_not_confirmed",
            format!(
                "平台现在出示的证书指纹（{}）与您确认的不一致，请重新检查平台地址并与交易中心核对",
                grouped(&identity.fingerprint)
            ),
        ));
    }
    Ok(identity)
}

/// The USB-key drivers under `root` and the certificate files in the
/// certificate folder and the usual places in `home`.
pub fn detect(root: &Path, home: Option<&Path>, cert_dir: &Path) -> SetupDetection {
    let certificate_files = find_certificate_files(home, cert_dir)
        .into_iter()
        .map(|(path, in_cert_dir)| FoundCertificateFile {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.display().to_string(),
            in_cert_dir,
        })
        .collect();
    SetupDetection {
        token_modules: crate::token_modules::find(root),
        certificate_files,
        cert_dir: cert_dir.display().to_string(),
    }
}

/// A fingerprint in groups of four, as a person reads it aloud to compare.
pub fn grouped(fingerprint: &str) -> String {
    normalise(fingerprint)
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_compared_as_stored_and_read_in_groups() {
        assert_eq!(normalise(" AB:cd:EF "), "abcdef");
        assert_eq!(normalise("ab cd ef"), "abcdef");
        assert_eq!(grouped("0123456789ABCDEF01"), "0123 4567 89ab cdef 01");
    }
}
