//! Opening the person's encrypted store at login: after the platform
//! accepted them, or offline by proving possession of the key to a store
//! this machine already holds for them.

use crate::AppError;
use pingshen_api::{CertSummary, Person, Role};
use pingshen_pki::Signer;
use pingshen_store::{PersonInfo, Store, Vault};

/// Opens (or creates) `signer`'s store after an online login and records
/// who the platform says they are, for the next offline start. Blocking: it
/// signs a local challenge and unwraps the store key (a token may be slow).
pub fn open_online(vault: &Vault, signer: &dyn Signer, person: &Person) -> Result<Store, AppError> {
    let mut store = vault.open(signer)?;
    store.set_person(PersonInfo {
        id: Some(person.id.clone()),
        name: Some(person.name.clone()),
        role: Some(person.role.as_str().to_string()),
    })?;
    Ok(store)
}

/// Opens `signer`'s store without the platform: only someone who logged in
/// online on this machine before has one (`offline_first_login` otherwise),
/// and it says who they are.
pub fn open_offline(vault: &Vault, signer: &dyn Signer) -> Result<(Store, Person), AppError> {
    let fingerprint = pingshen_pki::cert::fingerprint_sha256(signer.certificate())?;
    let known = vault
        .profiles()?
        .into_iter()
        .any(|p| p.fingerprint == fingerprint);
    if !known {
        return Err(AppError::new(
            "offline_first_login",
            "无法连接评标平台，且本机没有该证书的离线数据：首次登录须联网",
        ));
    }
    let store = vault.open(signer)?;
    let person = person_of(&store).ok_or_else(|| {
        AppError::new("offline_first_login", "本机离线数据不完整，请联网登录一次")
    })?;
    Ok((store, person))
}

fn person_of(store: &Store) -> Option<Person> {
    let p = store.profile().person;
    Some(Person {
        id: p.id?,
        name: p.name.unwrap_or_default(),
        role: Role::parse(p.role.as_deref()?)?,
        city: String::new(),
    })
}

/// What the login screen shows of the certificate in use.
pub fn cert_summary(signer: &dyn Signer) -> Result<CertSummary, AppError> {
    let info = pingshen_pki::CertInfo::of(signer.certificate())?;
    Ok(CertSummary {
        subject: info.subject,
        issuer: info.issuer,
        alg: signer.algorithm().jws_name().to_string(),
        fingerprint: info.fingerprint_sha256,
        not_after: info.not_after,
    })
}
