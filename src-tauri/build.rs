// Declares the app's own commands so that capabilities/ can grant each one by name:
// the webview may call only what a capability lists.
const COMMANDS: &[&str] = &[
    "app_info",
    "app_ready",
    "set_locale",
    "set_up",
    "sign_in",
    "sign_out",
    "current_actor",
    "password_change",
    "city_tree",
    "facilities_list",
    "facility_get",
    "facility_update",
    "facility_create",
    "accounts_list",
    "account_create",
    "account_set_active",
    "account_reset_password",
    "audit_recent",
    "demo_seed",
    "clients_list",
    "client_get",
    "client_create",
    "client_update",
    "client_set_status",
    "children_list",
    "child_get",
    "child_create",
    "child_update",
    "staff_list",
    "staff_get",
    "staff_create",
    "staff_update",
    "id_reveal",
    "assessment_form",
    "assessment_add",
    "assessments_list",
    "people_search",
    "check_in",
    "check_out",
    "board_today",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
