// The Tauri config lives at the repository root; our own commands are put
// under the ACL so the capability file must allow each one explicitly.
fn main() {
    let attrs =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "platform_health",
            "list_identity_files",
            "login",
            "login_state",
            "lock",
            "logout",
            "accept_platform_certificate",
            "platform_certificate",
            "list_projects",
            "my_projects",
            "get_project",
            "get_rules",
            "publish_rules",
            "start_evaluation",
            "workspace",
            "declare",
            "vote_leader",
            "send_now",
            "sync_project",
            "search_documents",
            "locate_factor",
            "save_cell",
            "submit_sheet",
            "begin_revision",
            "list_notes",
            "add_note",
            "delete_note",
            "panel_summary",
            "export_submission",
            "witness_page",
            "witness_record",
            "witness_sync",
            "witness_report",
            "screen_page",
            "decide_flag",
            "report_status",
            "save_report",
            "sign_report",
            "open_report",
        ]));
    if let Err(e) = tauri_build::try_build(attrs.config_path("../tauri.conf.json")) {
        panic!("tauri build failed: {e:#}");
    }
}
