//! Orders a pool of certificates into a chain starting at the leaf.

use openssl::x509::{X509Ref, X509};
use std::cmp::Ordering;

fn issued_by(child: &X509Ref, parent: &X509Ref) -> bool {
    parent
        .subject_name()
        .try_cmp(child.issuer_name())
        .map(|o| o == Ordering::Equal)
        .unwrap_or(false)
}

fn self_issued(c: &X509Ref) -> bool {
    issued_by(c, c)
}

/// Returns `leaf` followed by the issuers found in `pool`, in order, stopping
/// at a self-issued certificate or when no issuer is found. Unrelated
/// certificates in the pool are left out.
pub fn order_chain(leaf: X509, pool: &[X509]) -> Vec<X509> {
    let mut chain = vec![leaf];
    while chain.len() <= pool.len() {
        let last = chain.last().expect("chain starts non-empty");
        if self_issued(last) {
            break;
        }
        let next = pool.iter().find(|c| {
            issued_by(last, c) && !chain.iter().any(|x| x.to_der().ok() == c.to_der().ok())
        });
        match next {
            Some(c) => chain.push(c.clone()),
            None => break,
        }
    }
    chain
}
