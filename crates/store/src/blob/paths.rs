//! Where a project's encrypted files live inside the profile folder.

use std::path::{Path, PathBuf};

pub(crate) const BLOBS_DIR: &str = "blobs";

/// `profile/blobs/<project>`. Ids are checked (no separators) before use.
pub(crate) fn project_dir(profile_dir: &Path, project: &str) -> PathBuf {
    profile_dir.join(BLOBS_DIR).join(project)
}

/// The finished, encrypted file.
pub(crate) fn enc_path(profile_dir: &Path, project: &str, file_id: &str) -> PathBuf {
    project_dir(profile_dir, project).join(format!("{file_id}.enc"))
}

/// The download in progress (whole sealed chunks, then possibly a torn tail).
pub(crate) fn part_path(profile_dir: &Path, project: &str, file_id: &str) -> PathBuf {
    project_dir(profile_dir, project).join(format!("{file_id}.part"))
}

/// The finished file's path relative to the profile folder, `/`-separated (stored in the DB).
pub(crate) fn relative_enc_path(project: &str, file_id: &str) -> String {
    format!("{BLOBS_DIR}/{project}/{file_id}.enc")
}
