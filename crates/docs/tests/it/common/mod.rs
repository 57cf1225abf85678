//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cjk_written;
pub mod corpus;

use pingshen_docs::Extractor;
use std::path::PathBuf;
use std::time::Duration;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The names of the demo documents (assets/demo/<name>.pdf).
pub const DEMO: [&str; 7] = [
    "tender", "bid-B01", "bid-B02", "bid-B03", "bid-B04", "bid-B05", "bid-B06",
];

pub fn demo_pdf(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join(format!("assets/demo/{name}.pdf"))).expect("demo PDF")
}

/// Ground truth written by assets/demo/generate.py.
pub struct Truth {
    pub pages: Vec<(u32, String)>,
    /// (title, level starting at 0, page)
    pub outline: Vec<(String, u32, u32)>,
}

pub fn truth(name: &str) -> Truth {
    let path = repo_root().join(format!("assets/demo/text/{name}.pages.json"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("truth file")).expect("truth json");
    let pages = json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["page"].as_u64().unwrap() as u32,
                p["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let outline = json["outline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["title"].as_str().unwrap().to_string(),
                o["level"].as_u64().unwrap() as u32,
                o["page"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    Truth { pages, outline }
}

/// An extractor running this crate's worker binary, with test-sized limits.
pub fn extractor() -> Extractor {
    Extractor::with_worker(env!("CARGO_BIN_EXE_pingshen-pdf-worker"))
        .load_timeout(Duration::from_secs(20))
        .page_timeout(Duration::from_secs(10))
        .document_timeout(Duration::from_secs(120))
}

/// Length of the longest common subsequence of `a` and `b`, by Myers' O(ND)
/// edit-distance algorithm (fast when the texts are nearly equal).
pub fn lcs_len<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    if max == 0 {
        return 0;
    }
    let offset = max as isize;
    let mut v = vec![0isize; 2 * max + 2];
    for d in 0..=max as isize {
        let mut k = -d;
        while k <= d {
            let index = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[index - 1] < v[index + 1]) {
                v[index + 1]
            } else {
                v[index - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[index] = x;
            if x >= n && y >= m {
                return ((n + m - d) / 2) as usize;
            }
            k += 2;
        }
    }
    0
}

#[test]
fn lcs_of_known_pairs() {
    let c = |s: &str| s.chars().collect::<Vec<_>>();
    assert_eq!(lcs_len(&c("ABCABBA"), &c("CBABAC")), 4);
    assert_eq!(lcs_len(&c("工期延误"), &c("工期延误")), 4);
    assert_eq!(lcs_len(&c(""), &c("abc")), 0);
    assert_eq!(lcs_len(&c("abc"), &c("xyz")), 0);
}
