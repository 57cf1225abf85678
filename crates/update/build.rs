// The update keys this build trusts are compiled in: a centre builds with
// its own public key(s) (`PINGSHEN_UPDATE_KEYS=/path/keys.pem`, one or more
// PEM public keys); without it the public demo key is used, which the app
// then names as such wherever it shows the update state.

fn main() {
    println!("cargo:rerun-if-env-changed=PINGSHEN_UPDATE_KEYS");
    let manifest_dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let source = match std::env::var_os("PINGSHEN_UPDATE_KEYS") {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => manifest_dir.join("../../assets/update-keys/demo.pem"),
    };
    println!("cargo:rerun-if-changed={}", source.display());
    let pem = std::fs::read(&source)
        .unwrap_or_else(|e| panic!("cannot read the update keys {}: {e}", source.display()));
    let out =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("update-keys.pem");
    std::fs::write(&out, pem).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
