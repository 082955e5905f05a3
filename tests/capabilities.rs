//! Each command is declared in three places — the handler list, build.rs (which makes a
//! permission for it) and the window's capability (which grants it). A command missing
//! from one of them fails only at run time, in the UI, so this test keeps them in step.
//! Of Tauri's own permissions the window holds only what asking before it closes needs.

use std::collections::BTreeSet;

fn quoted_in(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).expect("start marker") + start.len();
    let body = &text[from..from + text[from..].find(end).expect("end marker")];
    body.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn handlers_permissions_and_the_capability_name_the_same_commands() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| std::fs::read_to_string(format!("{root}/{p}")).unwrap();

    let handlers: BTreeSet<String> = read("src-tauri/src/commands/mod.rs")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("$crate::commands::"))
        .map(|l| l.trim_end_matches(',').rsplit("::").next().unwrap().to_string())
        .collect();
    let declared = quoted_in(&read("src-tauri/build.rs"), "const COMMANDS: &[&str] = &[", "];");
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let permissions: Vec<&str> =
        capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let (tauri_own, app_own): (Vec<&str>, Vec<&str>) = permissions.into_iter().partition(|p| p.starts_with("core:"));
    let granted: BTreeSet<String> =
        app_own.iter().map(|p| p.strip_prefix("allow-").expect("only allow- permissions").replace('-', "_")).collect();

    assert!(handlers.len() > 20, "parsed the handler list: {handlers:?}");
    assert_eq!(handlers, declared, "build.rs COMMANDS differs from the handlers");
    assert_eq!(handlers, granted, "capabilities/main.json differs from the handlers");
    // Listening for the close request and closing the window once the user agrees
    // (ui/src/composables/unsavedGuard.ts), and the open urgent alerts in the window's title
    // (ui/src/composables/alerts.ts); nothing else of Tauri's.
    assert_eq!(
        tauri_own,
        [
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "core:window:allow-destroy",
            "core:window:allow-set-title"
        ],
        "Tauri permissions granted to the window"
    );
}
