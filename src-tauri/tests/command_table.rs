//! The desktop's commands come from one table (`pingshen_api::for_each_command`):
//! the UI's constants, the shell's handler list and the ACL manifest are
//! generated from it. What is still written by hand must agree with it: the
//! committed capability file, the shell's `#[tauri::command]` functions and
//! the UI's typed wrappers.

use pingshen_api::ipc::{capability_file, ALL_COMMANDS};
use std::collections::BTreeSet;
use std::path::Path;

/// (group, constant, shell module, name) of every row of the table.
macro_rules! rows {
    ($( $group:ident { $( $konst:ident = $module:ident :: $name:ident, )* } )*) => {
        vec![$($((stringify!($group), stringify!($konst), stringify!($module), stringify!($name)),)*)*]
    };
}

fn table() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    pingshen_api::for_each_command!(rows)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn command_names_are_unique_and_all_listed() {
    let names: BTreeSet<&str> = ALL_COMMANDS.iter().copied().collect();
    assert_eq!(names.len(), ALL_COMMANDS.len(), "a command name twice");
    assert_eq!(table().len(), ALL_COMMANDS.len());
}

#[test]
fn the_committed_capability_file_allows_exactly_the_table() {
    let committed = read(&root().join("capabilities/main.json"));
    assert_eq!(
        committed,
        capability_file(ALL_COMMANDS),
        "capabilities/main.json differs from the command table (a build rewrites it: commit the result)"
    );
}

/// Every `#[tauri::command]` function of the shell, as (module, name).
fn shell_commands() -> BTreeSet<(String, String)> {
    let dir = root().join("src/commands");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = read(&path);
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if !line.trim_start().starts_with("#[tauri::command") {
                continue;
            }
            // The function follows, after any further attributes.
            for next in lines.by_ref() {
                let t = next.trim_start();
                if let Some(rest) = t
                    .strip_prefix("pub async fn ")
                    .or_else(|| t.strip_prefix("pub fn "))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.insert((module.clone(), name));
                    break;
                }
            }
        }
    }
    out
}

#[test]
fn every_shell_command_is_in_the_table_and_every_row_is_a_shell_command() {
    let in_table: BTreeSet<(String, String)> = table()
        .into_iter()
        .map(|(_, _, m, n)| (m.to_string(), n.to_string()))
        .collect();
    let in_shell = shell_commands();
    let unregistered: Vec<_> = in_shell.difference(&in_table).collect();
    let missing: Vec<_> = in_table.difference(&in_shell).collect();
    assert!(
        unregistered.is_empty() && missing.is_empty(),
        "shell commands not in the table: {unregistered:?}; table rows with no shell command: {missing:?}"
    );
}

#[test]
fn the_ui_has_a_typed_wrapper_for_every_command() {
    let ui = read(&root().join("../ui/src/ipc.rs"));
    let missing: Vec<String> = table()
        .into_iter()
        .map(|(g, k, _, _)| format!("{g}::{k}"))
        .filter(|used| !ui.contains(used.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "no wrapper in ui/src/ipc.rs for {missing:?}"
    );
}
