//! Reading a document before it has all arrived (a remote expert on a poor
//! line opens page 1 of a long bid while the sync still runs): ranges come
//! from the platform at once, each 64 KiB chunk verified against the chunk
//! list the signed manifest vouches for; a chunk that does not match is
//! never shown; the sync gives the line way and still ends with every file
//! whole and verified.

use crate::common::{extractor, login_at, world, DEMO};
use pingshen_app::ranges::EarlyFile;
use pingshen_app::sync::{self, SyncContext};
use pingshen_store::DocState;
use std::sync::Arc;
use std::time::Duration;

fn demo_bid(name: &str) -> Vec<u8> {
    std::fs::read(
        pingshen_platform::demo::default_assets_dir()
            .join("demo")
            .join(name),
    )
    .unwrap()
}

fn early<'a>(ctx: &'a SyncContext, file_id: &'a str) -> EarlyFile<'a> {
    EarlyFile {
        ctx,
        reads: &ctx.early,
        project: DEMO,
        file_id,
    }
}

fn state_of(ctx: &SyncContext, file_id: &str) -> Option<DocState> {
    let store = ctx.store.lock().unwrap();
    let doc = store.documents().get(DEMO, file_id).unwrap();
    doc.map(|d| d.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_of_a_file_not_yet_downloaded_are_read_verified() {
    let w = world("E001").await;
    sync::fetch_manifest(&w.ctx, DEMO).await.unwrap();
    let bytes = demo_bid("bid-B01.pdf");
    let len = bytes.len() as u64;
    // The end (where a PDF reader starts), a range across a chunk boundary,
    // the first bytes (these come as pieces: whole 1 KiB leaves with their
    // proof), the whole file (whole chunks).
    for (first, last) in [
        (len - 1024, len - 1),
        (65_000, 70_000),
        (0, 99),
        (0, len - 1),
    ] {
        let got = early(&w.ctx, "bid-B01").range(first, last).await.unwrap();
        assert_eq!(got, bytes[first as usize..=last as usize], "{first}-{last}");
    }
    // Read early is not downloaded: the cache still holds no verified copy.
    assert_ne!(state_of(&w.ctx, "bid-B01"), Some(DocState::Verified));
    let e = early(&w.ctx, "bid-B01")
        .range(len, len + 10)
        .await
        .unwrap_err();
    assert_eq!(e.code.as_str(), "bad_range");
    let e = early(&w.ctx, "no-such-file")
        .range(0, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code.as_str(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_that_does_not_match_the_signed_list_is_never_shown() {
    let w = world("E001").await;
    sync::fetch_manifest(&w.ctx, DEMO).await.unwrap();
    // The platform's stored copy of B02's bid is altered after the manifest
    // was signed (a broken disk, a tampering mirror): one byte of chunk 1.
    let original = demo_bid("bid-B02.pdf");
    let sha = hex::encode(openssl::sha::sha256(&original));
    let stored = pingshen_platform::files::path(&w.platform.state.data_dir, &sha);
    let mut altered = original.clone();
    altered[70_000] ^= 0x20;
    std::fs::write(&stored, &altered).unwrap();

    // A few bytes of that chunk (a piece with its proof; the changed byte
    // lies in another leaf, so only the proof can tell), and the whole chunk.
    for (first, last) in [(65_536, 65_600), (65_536, 131_071)] {
        let e = early(&w.ctx, "bid-B02")
            .range(first, last)
            .await
            .unwrap_err();
        assert_eq!(e.code.as_str(), "chunk_mismatch", "{first}-{last}: {e:?}");
    }
    // A range within an untouched chunk still reads, and is the original.
    let got = early(&w.ctx, "bid-B02").range(0, 1000).await.unwrap();
    assert_eq!(got, original[..=1000]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_steps_aside_for_the_viewer_and_ends_whole() {
    let w = world("E002").await;
    // A 60-page bid (about 6 MB) joins the project.
    let long = pingshen_testkit::long_bid(60, 42);
    pingshen_platform::files::add_document(
        &w.platform.state.db,
        &w.platform.state.data_dir,
        pingshen_platform::files::NewDocument {
            project_id: DEMO.into(),
            file_id: "bid-B01-full".into(),
            bidder_id: Some("B01".into()),
            kind: pingshen_api::DocumentKind::Bid,
            name: "投标文件（完整版，60 页）.pdf".into(),
        },
        &long,
    )
    .unwrap();
    // Over a 8 Mbit/s line with 40 ms round trips.
    let link = pingshen_testkit::Link::start(w.platform.addr)
        .await
        .unwrap();
    link.shape(1_000_000, Duration::from_millis(20));
    let client = login_at(&link.url, &w.signer).await;
    let mut ctx = SyncContext::new(
        w.ctx.store.clone(),
        client,
        w.ctx.trust.clone(),
        w.ctx.platform_id.clone(),
    );
    ctx.early = w.ctx.early.clone();

    let quiet: sync::ProgressFn = Arc::new(|_| {});
    let syncing = {
        let ctx = ctx.clone();
        tokio::spawn(async move { sync::sync_project(&ctx, DEMO, extractor(), quiet).await })
    };
    // Wait until the long file is on its way.
    for _ in 0..200 {
        if state_of(&ctx, "bid-B01-full") == Some(DocState::Partial) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(state_of(&ctx, "bid-B01-full"), Some(DocState::Partial));
    // What a PDF reader asks for first: the end, then the first page.
    let len = long.len() as u64;
    for (first, last) in [(len - 65_536, len - 1), (0, 262_143)] {
        let got = early(&ctx, "bid-B01-full")
            .range(first, last)
            .await
            .unwrap();
        assert_eq!(got, long[first as usize..=last as usize]);
    }
    assert!(
        !syncing.is_finished(),
        "the first page arrived while the sync was still running"
    );
    let report = syncing.await.unwrap().unwrap();
    assert_eq!((report.files, report.verified), (8, 8), "{report:?}");
    assert!(report.failed.is_empty());
    // The long file, paused and resumed around the viewer's reads, is whole.
    let store = ctx.store.lock().unwrap();
    let mut reader = pingshen_store::BlobReader::open(&store, DEMO, "bid-B01-full").unwrap();
    assert_eq!(reader.read_all().unwrap(), long);
}

/// Opening a file costs one round trip: its chunk list, its first bytes and
/// its last (a PDF reader's header, trailer and cross-reference table) come
/// together, so the reader's first reads go nowhere; bytes that do not fit
/// the signed list are refused even there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_opens_in_one_round_trip_with_its_first_and_last_bytes() {
    let w = world("E001").await;
    sync::fetch_manifest(&w.ctx, DEMO).await.unwrap();
    let link = pingshen_testkit::Link::start(w.platform.addr)
        .await
        .unwrap();
    let client = login_at(&link.url, &w.signer).await;
    let ctx = SyncContext::new(
        w.ctx.store.clone(),
        client,
        w.ctx.trust.clone(),
        w.ctx.platform_id.clone(),
    );
    let bytes = demo_bid("bid-B01.pdf");
    let len = bytes.len() as u64;
    assert!(
        len > pingshen_app::ranges::HEAD + pingshen_app::ranges::TAIL,
        "a file longer than what opening fetches"
    );
    let opened = early(&ctx, "bid-B01");
    opened.prepare().await.unwrap();
    let after_opening = link.stats().bytes_relayed;
    for (first, last) in [
        (0, 1023),
        (len - 1348, len - 1),
        (len - pingshen_app::ranges::TAIL, len - 20_000),
    ] {
        let got = opened.range(first, last).await.unwrap();
        assert_eq!(got, bytes[first as usize..=last as usize], "{first}-{last}");
    }
    assert_eq!(
        link.stats().bytes_relayed,
        after_opening,
        "the first and last bytes were read without another request"
    );
    // A byte between them is fetched (and verified) as before.
    let got = opened.range(40_000, 40_100).await.unwrap();
    assert_eq!(got, bytes[40_000..=40_100]);
    assert!(link.stats().bytes_relayed > after_opening);

    // The platform's copy of B02 altered in its last bytes: opening fails
    // with the mismatch, and so does every read, until a good copy answers.
    let original = demo_bid("bid-B02.pdf");
    let sha = hex::encode(openssl::sha::sha256(&original));
    let stored = pingshen_platform::files::path(&w.platform.state.data_dir, &sha);
    let mut altered = original.clone();
    let n = altered.len();
    altered[n - 10] ^= 0x20;
    std::fs::write(&stored, &altered).unwrap();
    let b02 = early(&ctx, "bid-B02");
    assert_eq!(
        b02.prepare().await.unwrap_err().code.as_str(),
        "chunk_mismatch"
    );
    assert_eq!(
        b02.range(0, 10).await.unwrap_err().code.as_str(),
        "chunk_mismatch"
    );
    std::fs::write(&stored, &original).unwrap();
    assert_eq!(b02.range(0, 10).await.unwrap(), original[..=10]);
}
