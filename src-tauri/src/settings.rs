//! Where the app points and where it keeps data. Precedence: command-line
//! argument, then environment, then default — so tests can own both.

use std::path::PathBuf;

pub const DEFAULT_PLATFORM_URL: &str = "http://127.0.0.1:8620";
pub const DEFAULT_PKCS11_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub platform_url: String,
    pub data_dir: PathBuf,
    /// Folder the login screen lists .p12/.pfx files from.
    pub cert_dir: PathBuf,
    /// Recognised CAs (CA互认): `trust/*.pem` and `crl/*.crl` below this folder
    /// (or PEM files directly in it). Verifies the platform's manifests and
    /// receipts, offline too.
    pub trust_dir: PathBuf,
    pub pkcs11_module: String,
    pub idle_lock_minutes: u32,
    /// The platform's signing-certificate fingerprint, as the centre
    /// configured it (`--platform-cert`, `PINGSHEN_PLATFORM_CERT_SHA256`).
    /// Without it the first contact pins what the platform presents.
    pub platform_cert: Option<String>,
}

impl Settings {
    /// `args` are the process arguments without the program name; `env`
    /// looks up an environment variable.
    pub fn resolve(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut platform_url = None;
        let mut data_dir = None;
        let mut cert_dir = None;
        let mut trust_dir = None;
        let mut platform_cert = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("参数 {key} 缺少取值"))
            };
            match key.as_str() {
                "--platform-url" => platform_url = Some(value()?),
                "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
                "--cert-dir" => cert_dir = Some(PathBuf::from(value()?)),
                "--trust-dir" => trust_dir = Some(PathBuf::from(value()?)),
                "--platform-cert" => platform_cert = Some(value()?),
                // WebKit and the test driver may pass their own switches.
                other if other.starts_with("--") => {}
                other => return Err(format!("无法识别的参数：{other}")),
            }
        }
        let platform_url = platform_url
            .or_else(|| env("PINGSHEN_PLATFORM_URL"))
            .unwrap_or_else(|| DEFAULT_PLATFORM_URL.to_string());
        let data_dir = match data_dir.or_else(|| env("PINGSHEN_DATA_DIR").map(PathBuf::from)) {
            Some(d) => d,
            None => default_data_dir(&env)?,
        };
        let cert_dir = cert_dir
            .or_else(|| env("PINGSHEN_CERT_DIR").map(PathBuf::from))
            .unwrap_or_else(|| data_dir.join("certs"));
        let trust_dir = trust_dir
            .or_else(|| env("PINGSHEN_TRUST_DIR").map(PathBuf::from))
            .unwrap_or_else(|| data_dir.join("trust"));
        let pkcs11_module =
            env("PINGSHEN_PKCS11_MODULE").unwrap_or_else(|| DEFAULT_PKCS11_MODULE.to_string());
        let idle_lock_minutes =
            match env("PINGSHEN_IDLE_LOCK_MINUTES") {
                Some(v) => v.parse::<u32>().ok().filter(|m| *m >= 1).ok_or_else(|| {
                    format!("PINGSHEN_IDLE_LOCK_MINUTES 无效：{v}（应为正整数分钟）")
                })?,
                None => DEFAULT_IDLE_LOCK_MINUTES,
            };
        let platform_cert = platform_cert.or_else(|| env("PINGSHEN_PLATFORM_CERT_SHA256"));
        Ok(Self {
            platform_url,
            data_dir,
            cert_dir,
            trust_dir,
            pkcs11_module,
            idle_lock_minutes,
            platform_cert,
        })
    }
}

fn default_data_dir(env: &impl Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    if let Some(xdg) = env("XDG_DATA_HOME").filter(|s| !s.is_empty()) {
        return Ok(PathBuf::from(xdg).join("pingshen"));
    }
    env("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/pingshen"))
        .ok_or_else(|| "无法确定数据目录：请设置 PINGSHEN_DATA_DIR 或 --data-dir".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_beat_environment_which_beats_defaults() {
        let env = env_of(&[
            ("PINGSHEN_PLATFORM_URL", "http://env:1"),
            ("HOME", "/home/e"),
        ]);
        let s = Settings::resolve(args(&[]), &env).unwrap();
        assert_eq!(s.platform_url, "http://env:1");
        assert_eq!(s.data_dir, PathBuf::from("/home/e/.local/share/pingshen"));

        let s = Settings::resolve(
            args(&["--platform-url", "http://arg:2", "--data-dir=/d"]),
            &env,
        )
        .unwrap();
        assert_eq!(s.platform_url, "http://arg:2");
        assert_eq!(s.data_dir, PathBuf::from("/d"));

        let s = Settings::resolve(args(&[]), env_of(&[("HOME", "/h")])).unwrap();
        assert_eq!(s.platform_url, DEFAULT_PLATFORM_URL);
    }

    #[test]
    fn missing_values_and_stray_words_are_errors() {
        let env = env_of(&[("HOME", "/h")]);
        assert!(Settings::resolve(args(&["--platform-url"]), &env).is_err());
        assert!(Settings::resolve(args(&["stray"]), &env).is_err());
        assert!(Settings::resolve(args(&[]), env_of(&[])).is_err());
    }
}
