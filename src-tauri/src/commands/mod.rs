//! Tauri commands: each a few lines that take the arguments, call the core as the
//! signed-in account off the UI thread, and return data or an `{code, message}` error.

pub mod accounts;
pub mod app;
pub mod child_health;
pub mod frontdesk;
pub mod health;
pub mod meals;
pub mod people;
pub mod registry;
pub mod roster;

/// Every command the webview may call (each also granted in capabilities/).
#[macro_export]
macro_rules! all_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::app::app_info,
            $crate::commands::app::app_ready,
            $crate::commands::app::set_locale,
            $crate::commands::app::demo_seed,
            $crate::commands::accounts::set_up,
            $crate::commands::accounts::sign_in,
            $crate::commands::accounts::sign_out,
            $crate::commands::accounts::current_actor,
            $crate::commands::accounts::password_change,
            $crate::commands::accounts::accounts_list,
            $crate::commands::accounts::account_create,
            $crate::commands::accounts::account_set_active,
            $crate::commands::accounts::account_reset_password,
            $crate::commands::accounts::audit_recent,
            $crate::commands::registry::city_tree,
            $crate::commands::registry::facilities_list,
            $crate::commands::registry::facility_get,
            $crate::commands::registry::facility_update,
            $crate::commands::registry::facility_create,
            $crate::commands::registry::facilities_export,
            $crate::commands::people::clients_list,
            $crate::commands::people::client_get,
            $crate::commands::people::client_create,
            $crate::commands::people::client_update,
            $crate::commands::people::client_set_status,
            $crate::commands::people::children_list,
            $crate::commands::people::child_get,
            $crate::commands::people::child_create,
            $crate::commands::people::child_update,
            $crate::commands::people::staff_list,
            $crate::commands::people::staff_get,
            $crate::commands::people::staff_create,
            $crate::commands::people::staff_update,
            $crate::commands::people::id_reveal,
            $crate::commands::people::assessment_form,
            $crate::commands::people::assessment_add,
            $crate::commands::people::assessments_list,
            $crate::commands::people::people_search,
            $crate::commands::frontdesk::check_in,
            $crate::commands::frontdesk::check_out,
            $crate::commands::frontdesk::board_today,
            $crate::commands::frontdesk::board_export,
            $crate::commands::roster::roster_template,
            $crate::commands::roster::roster_export,
            $crate::commands::roster::roster_preview,
            $crate::commands::roster::roster_commit,
            $crate::commands::health::vitals_classify,
            $crate::commands::health::checkup_record,
            $crate::commands::health::checkups_list,
            $crate::commands::health::alerts_open,
            $crate::commands::health::alert_handle,
            $crate::commands::health::follow_ups_due,
            $crate::commands::child_health::class_sheet,
            $crate::commands::child_health::class_checks_record,
            $crate::commands::child_health::check_guardian_told,
            $crate::commands::child_health::medicines_today,
            $crate::commands::child_health::medicine_add,
            $crate::commands::child_health::medicine_dose_give,
            $crate::commands::child_health::growth_record,
            $crate::commands::child_health::growth_history,
            $crate::commands::child_health::growth_due,
            $crate::commands::child_health::growth_curves,
            $crate::commands::meals::dishes_list,
            $crate::commands::meals::dish_create,
            $crate::commands::meals::dish_update,
            $crate::commands::meals::dish_set_active,
            $crate::commands::meals::menu_weeks,
            $crate::commands::meals::menu_open,
            $crate::commands::meals::menu_set_meal,
            $crate::commands::meals::menu_copy_week,
            $crate::commands::meals::menu_publish,
            $crate::commands::meals::allergy_list,
            $crate::commands::meals::allergy_list_export,
            $crate::commands::meals::samples_for_day,
            $crate::commands::meals::sample_record,
            $crate::commands::meals::sample_discard,
            $crate::commands::meals::meal_book,
            $crate::commands::meals::booking_cancel,
            $crate::commands::meals::booking_serve,
            $crate::commands::meals::client_bookings,
            $crate::commands::meals::meal_bookings,
            $crate::commands::meals::standing_order_create,
            $crate::commands::meals::standing_order_stop,
            $crate::commands::meals::standing_orders,
            $crate::commands::meals::standing_materialize,
            $crate::commands::meals::kitchen_sheet,
            $crate::commands::meals::kitchen_sheet_export,
            $crate::commands::meals::meal_month_totals,
        ]
    };
}
