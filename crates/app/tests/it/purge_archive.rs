//! Bid documents are purged when the platform archives the project: after
//! a full sync, staff move the demo project to 已归档; the next project list
//! purges every local file, page and note of it, and leaves receipts.

use crate::common::{extractor, world, DEMO};
use pingshen_api::Stage;
use pingshen_app::sync::sync_project;
use pingshen_app::workspace::purge_archived;
use pingshen_client::{sign_challenge, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use std::sync::Arc;

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_project_leaves_no_document_or_page_text_behind() {
    let w = world("E001").await;
    let report = sync_project(&w.ctx, DEMO, extractor(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(report.verified, 7);
    let store_dir = w.ctx.store.lock().unwrap().dir().to_path_buf();
    let blobs = |dir: &std::path::Path| {
        files_under(dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "enc"))
            .count()
    };
    assert_eq!(blobs(&store_dir), 7);

    // Not archived yet: nothing is purged.
    let list = w.ctx.client.projects().await.unwrap();
    assert!(purge_archived(&w.ctx.store.lock().unwrap(), &list)
        .unwrap()
        .is_empty());

    let staff_signer =
        Pkcs12Signer::from_file(&w.platform.demo_p12("S001"), "pingshen-demo").unwrap();
    let chain: Vec<Vec<u8>> = staff_signer
        .chain()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect();
    let (staff, _) = PlatformClient::new(&w.platform.url())
        .unwrap()
        .login(&chain, |c| sign_challenge(&staff_signer, c))
        .await
        .unwrap();
    for stage in [Stage::Summary, Stage::Closed, Stage::Archived] {
        staff.change_stage(DEMO, stage).await.unwrap();
    }

    let list = w.ctx.client.projects().await.unwrap();
    let purged = purge_archived(&w.ctx.store.lock().unwrap(), &list).unwrap();
    assert_eq!(purged.len(), 1);
    assert_eq!(purged[0].1.documents, 7);
    assert!(purged[0].1.pages > 0);
    let store = w.ctx.store.lock().unwrap();
    assert!(store.documents().list(DEMO).unwrap().is_empty());
    assert_eq!(blobs(&store_dir), 0, "no encrypted blob left");
    assert!(store.projects().get(DEMO).unwrap().is_none());
    // A second pass finds nothing left to purge.
    assert!(purge_archived(&store, &list).unwrap().is_empty());
}
