//! The command-line tool: the same core as the app, printing JSON (or a table) for
//! scripts. It signs in as an account (`--user`, default `admin`) and acts with that
//! account's rights; its changes are audited under that account. The password comes from
//! `CARECIRCLE_PASSWORD` when it is set, else it is asked on the terminal, else the command
//! is refused: the database is encrypted and its key is sealed under the accounts'
//! passwords. Commands that need no database need no password.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use carecircle_core::demo;
use carecircle_core::domain::account::Action;
use carecircle_core::domain::growth::{self, GrowthInput};
use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::domain::resident_id::{ResidentId, Sex};
use carecircle_core::domain::vitals::VitalsInput;
use carecircle_core::error::Invalid;
use carecircle_core::hub;
use carecircle_core::report::money::{self, ReceiptPaper};
use carecircle_core::report::{self, ReportFormat};
use carecircle_core::roster::{self, RosterKind};
use carecircle_core::schedule::{self, Instance, SolveOptions};
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::meals::subsidy;
use carecircle_core::services::registry::{self, FacilityFilter};
use carecircle_core::services::search::{self, SearchCache};
use carecircle_core::services::{audit, backups};
use carecircle_core::store;
use carecircle_core::sync;
use carecircle_core::{Actor, Clock, CoreError, Db, Locale, Role};
use clap::{CommandFactory, Parser, Subcommand};

use crate::paths;

#[derive(Parser)]
#[command(
    name = "carecircle-cli",
    version,
    about = "CareCircle 一刻钟颐养托育 — command-line tool",
    propagate_version = true
)]
struct Cli {
    /// The database file (default: the app's data folder, the same one the app opens).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Language of messages: zh-CN or en (default: from LANG).
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<String>,
    /// The account to sign in as (its password: CARECIRCLE_PASSWORD, else asked).
    #[arg(long, global = true, value_name = "NAME", default_value = "admin")]
    user: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the demo city into an empty database. On a new file, creates the encrypted
    /// database and its first city administrator (--user, with the sign-in password).
    SeedDemo {
        /// Multiply the people: 10 is the city-scale benchmark (60,000 clients).
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// The first administrator's name as people know it (a new file only).
        #[arg(long, value_name = "NAME")]
        display_name: Option<String>,
    },
    /// The registry's facilities.
    Facilities {
        #[command(subcommand)]
        command: FacilitiesCommand,
    },
    /// Counts of districts, living circles, communities, facilities and people.
    Summary,
    /// Manage sign-in accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Copy the database to PATH (SQLite online backup: consistent while the app runs),
    /// checked after writing.
    Backup { path: PathBuf },
    /// Replace the database with the backup at PATH; the current one is saved to backups/ first.
    Restore { path: PathBuf },
    /// Check a resident ID number (GB 11643): validity, birth date, sex, area code; exits 2 when invalid.
    IdCheck { id: String },
    /// Find people by name, pinyin, initials, the last 4+ digits of the ID number, or phone.
    Search {
        text: String,
        /// Only this kind: client, child or staff.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Check a roster (.xlsx or .csv, UTF-8 or GBK) row by row; with --commit, import its valid rows.
    Import {
        file: PathBuf,
        /// clients, children or staff.
        #[arg(long, default_value = "clients")]
        kind: String,
        /// The facility for rows that name none.
        #[arg(long)]
        facility: Option<i64>,
        /// Write the valid rows (in one transaction). Without it nothing is written.
        #[arg(long)]
        commit: bool,
    },
    /// Write a list (clients, children or staff) to an .xlsx file.
    Export {
        kind: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Only this facility.
        #[arg(long)]
        facility: Option<i64>,
        /// Also moved and deceased clients, children who left, staff no longer working.
        #[arg(long)]
        all: bool,
        /// Write ID numbers in full, for this reason (on the log, with each person revealed).
        #[arg(long, value_name = "REASON")]
        reveal_ids: Option<String>,
    },
    /// Read vital signs against the national rules: each value's class, or why it was refused (exit 2).
    Vitals {
        /// Systolic blood pressure, mmHg (with --dbp).
        #[arg(long)]
        sbp: Option<u16>,
        /// Diastolic blood pressure, mmHg (with --sbp).
        #[arg(long)]
        dbp: Option<u16>,
        #[arg(long, value_name = "MMOL_L", conflicts_with = "glucose_random")]
        glucose_fasting: Option<f64>,
        #[arg(long, value_name = "MMOL_L")]
        glucose_random: Option<f64>,
        /// Temperature, °C.
        #[arg(long)]
        temp: Option<f64>,
        #[arg(long, value_name = "BPM")]
        heart_rate: Option<u16>,
        #[arg(long, value_name = "KG", requires = "height")]
        weight: Option<f64>,
        #[arg(long, value_name = "CM", requires = "weight")]
        height: Option<f64>,
        #[arg(long, value_name = "CM", requires = "sex")]
        waist: Option<f64>,
        /// M or F (for the waist).
        #[arg(long)]
        sex: Option<String>,
        /// The person has type-2 diabetes (a fast heart rate or a fever over 39 °C is then urgent).
        #[arg(long)]
        diabetes: bool,
        /// Oxygen saturation, %.
        #[arg(long)]
        spo2: Option<u8>,
    },
    /// Read a child's growth against the WHO Child Growth Standards: each indicator's z-score and
    /// class, or why the input was refused (exit 2).
    Growth {
        /// M or F.
        #[arg(long)]
        sex: Option<String>,
        /// Age on the day measured, 0–1856.
        #[arg(long)]
        age_days: u32,
        #[arg(long, value_name = "KG")]
        weight: Option<f64>,
        /// Length lying (under 2 years) or height standing, cm.
        #[arg(long, value_name = "CM")]
        height: Option<f64>,
        /// Head circumference, cm.
        #[arg(long, value_name = "CM")]
        head: Option<f64>,
    },
    /// Write the blank roster template (clients, children or staff) to an .xlsx file.
    Template {
        kind: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Plan a week of home care visits from a benchmark instance (CARE_VISIT_BENCH.md), write the
    /// answer and print its score; exits 2 when the instance cannot be read. Needs no database.
    ScheduleBench {
        /// The instance (JSON).
        instance: PathBuf,
        /// The longest the search may take, in seconds.
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
        /// Where to write the answer (JSON).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// The search's random seed: the same seed gives the same plan.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Write the monthly report (月报) of a facility, or of the whole city without --facility:
    /// a PDF, or an Excel workbook with the same tables when OUT ends in .xlsx.
    Report {
        /// The month, e.g. 2026-10.
        #[arg(long)]
        month: String,
        /// The facility's id (see `facilities list`); without it, the whole city.
        #[arg(long)]
        facility: Option<i64>,
        /// The file to write: .pdf, or .xlsx for the Excel workbook.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Encrypt a database from before encryption, after a backup (its backups too): the key
    /// is sealed for this account (a facility manager or the city office), and the recovery
    /// key is shown once. Close CareCircle on this PC first.
    Encrypt,
    /// A client's or child's copy of everything held about them (PIPL Art. 45), as a PDF and
    /// an Excel workbook with the same tables; the export is on the audit log.
    PersonData {
        /// client or child.
        kind: String,
        /// The person's id (see `search`).
        id: i64,
        /// The PDF to write; the workbook is written beside it, ending in .xlsx.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Print a payment's receipt (收款收据) as a PDF, on A5 or a receipt printer's 80 mm roll;
    /// the printing is on the audit log.
    Receipt {
        /// The payment's id.
        id: i64,
        /// a5 or roll80.
        #[arg(long, default_value = "a5")]
        paper: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// A client's or child's statement (对账单) of a month as a PDF: brought forward, every
    /// charge, credit and payment, and the balance due.
    Statement {
        /// client or child.
        kind: String,
        /// The person's id (see `search`).
        id: i64,
        /// The month, e.g. 2026-10.
        #[arg(long)]
        month: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// A family's statement (家庭对账单) of a month as a PDF: each member's lines under
    /// their name, and what they come to together.
    FamilyStatement {
        /// The family's id.
        id: i64,
        /// The month, e.g. 2026-10.
        #[arg(long)]
        month: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// A facility's settlement sheet (政府购买服务结算单) of a month: a PDF to sign, or an
    /// Excel workbook for the finance office when OUT ends in .xlsx.
    Settlement {
        /// The elder facility's id (see `facilities list`).
        #[arg(long)]
        facility: i64,
        /// The month, e.g. 2026-10.
        #[arg(long)]
        month: String,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// The city hub (PostgreSQL, docs/sync.md), as its owner; needs no CareCircle database.
    Hub {
        #[command(subcommand)]
        command: HubCommand,
    },
    /// This PC and the city hub (docs/sync.md): join it, exchange changes, see what waits.
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
    /// The city's meal subsidy (助餐补贴) per meal served, by client category.
    Subsidy {
        #[command(subcommand)]
        command: SubsidyCommand,
    },
    /// The audit log (审计记录).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry against its hash and its link to the one before, in order; prints the
    /// count and the newest hash (note them down), or exits 2 naming the first broken entry.
    Verify,
}

#[derive(Subcommand)]
enum SubsidyCommand {
    /// The amount per meal of every category, in fen.
    List,
    /// Set one category's amount per meal, for meals served from now on.
    Set {
        /// standard, aged_80, low_income, extreme_poverty or disabled.
        #[arg(long)]
        category: String,
        #[arg(long)]
        fen: i64,
    },
}

fn roster_kind(raw: &str) -> Result<RosterKind, CoreError> {
    RosterKind::parse(raw).ok_or_else(|| Invalid::new("search.kind_unknown", "kind").with("kind", raw).into())
}

#[derive(Subcommand)]
enum FacilitiesCommand {
    /// List every facility.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum HubCommand {
    /// Create the hub's schema, or bring it up to date (again: nothing to do).
    Migrate {
        /// A libpq connection string for the hub's owner, e.g. "host=hub.example port=5432 user=carecircle dbname=carecircle".
        #[arg(long)]
        url: String,
    },
    /// Make a PC's login role for a facility (or the city office's, with --city); its
    /// password is read from standard input. Prints the role and the PC's new id.
    Enrol {
        #[arg(long)]
        url: String,
        #[arg(long, conflicts_with = "city")]
        facility: Option<i64>,
        #[arg(long)]
        city: bool,
    },
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Join the hub as the PC enrolled for this role (`hub enrol` at the city office): this
    /// PC's records get their ids at the hub, and everything it answers for is queued.
    Join {
        /// A libpq connection string with the PC's role, e.g. "host=hub port=5432 user=cc_pc_… password=… dbname=carecircle".
        #[arg(long)]
        url: String,
    },
    /// Keep a new hub connection for this PC (a new password from the city office, or the
    /// hub moved): the hub must know it as this same PC.
    Connection {
        #[arg(long)]
        url: String,
    },
    /// Give every record its hub id now, before this database is copied to a centre's other
    /// PCs (or split by facility): the copies then hold the same records under the same ids,
    /// and joining finds them equal instead of twice.
    Prepare,
    /// Send the changes waiting here, then fetch and apply the other PCs' (with the hub
    /// connection kept at joining).
    Now,
    /// When this PC last synced, what waits to be sent, the conflicts waiting.
    Status,
    /// Rows and a SHA-256 per synced table of a facility (or, without --facility, the city's
    /// reference data): two PCs in step print the same.
    Digest {
        #[arg(long)]
        facility: Option<i64>,
    },
    /// The conflicts waiting for a manager.
    Conflicts,
    /// Settle a conflict: keep this PC's value (local) or the other PC's (remote).
    Resolve {
        id: i64,
        #[arg(long, value_parser = ["local", "remote"])]
        keep: String,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Add an account; the password is read from standard input, never from arguments.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// front_desk, nurse, caregiver, facility_manager or city_admin.
        #[arg(long)]
        role: String,
        /// The facility the account belongs to (all roles but city_admin).
        #[arg(long)]
        facility: Option<i64>,
    },
    /// List accounts.
    List,
}

/// The signing-in password: `CARECIRCLE_PASSWORD` when it is set (even empty), else asked
/// on the terminal without echo, else none — and the command is refused.
fn sign_in_password(locale: Locale) -> Result<String, CoreError> {
    use std::io::IsTerminal;
    if let Some(password) = std::env::var_os("CARECIRCLE_PASSWORD") {
        return password.into_string().map_err(|_| CoreError::BadCredentials);
    }
    if std::io::stdin().is_terminal() {
        let words = carecircle_core::i18n::lookup(locale, "cli.password_prompt").unwrap_or("Password: ");
        return rpassword::prompt_password(words).map_err(|_| CoreError::PasswordNeeded);
    }
    Err(CoreError::PasswordNeeded)
}

/// Opens the database as the signed-in account. `seed-demo` on a path with no file creates
/// the encrypted database and its first city administrator, and shows the recovery key
/// once; a wrong or missing password reads nothing.
fn open_signed_in(cli: &Cli, db_path: &Path, clock: Clock, locale: Locale) -> Result<(Db, Actor), CoreError> {
    // A path with no database is named before anyone is asked for a password.
    if !matches!(cli.command.access(), Access::Create) && !db_path.is_file() {
        return Err(CoreError::NoDatabase { path: db_path.display().to_string() });
    }
    let password = sign_in_password(locale)?;
    let say = |key: &str, params: &[(&str, String)]| {
        let words = carecircle_core::i18n::lookup(locale, key).unwrap_or(key);
        eprintln!("{}", carecircle_core::i18n::fill(words, params));
    };
    if matches!(cli.command, Command::Encrypt) {
        let (db, actor, done) = accounts::encrypt_database(db_path, clock, &cli.user, &password)?;
        say("cli.recovery_key", &[("key", done.recovery_key.as_str().to_string())]);
        say(
            "cli.encrypted",
            &[("backup", done.backup.file_name.clone()), ("count", done.backups_encrypted.to_string())],
        );
        print_json(&serde_json::json!({ "backup": done.backup, "backups_encrypted": done.backups_encrypted }));
        return Ok((db, actor));
    }
    match cli.command.access() {
        Access::Create if !db_path.exists() => {
            let display_name = first_admin_name(cli, locale);
            // Checked first: the new file is sealed with this password.
            accounts::check_first_admin(&cli.user, &display_name, &password)?;
            let (db, recovery) = Db::create_encrypted(db_path, clock, &cli.user, &password)?;
            say("cli.db_created", &[("path", db_path.display().to_string())]);
            say("cli.recovery_key", &[("key", recovery.as_str().to_string())]);
            let actor = accounts::set_up_city_admin(&db, &cli.user, &display_name, &password)?;
            Ok((db, actor))
        }
        Access::Create | Access::Write => {
            let db = Db::unlock(db_path, clock, store::Access::Write, &cli.user, &password)?;
            // An empty database from before encryption (no account yet): `seed-demo` sets
            // up its first administrator, as the app's first run would.
            if matches!(cli.command.access(), Access::Create) && accounts::needs_setup(&db)? {
                let actor = accounts::set_up_city_admin(&db, &cli.user, &first_admin_name(cli, locale), &password)?;
                return Ok((db, actor));
            }
            let actor = accounts::sign_in(&db, &cli.user, &password)?;
            Ok((db, actor))
        }
        Access::Read => {
            let db = Db::unlock(db_path, clock, store::Access::ReadOnly, &cli.user, &password)?;
            let actor = accounts::verify_credentials(&db, &cli.user, &password)?;
            Ok((db, actor))
        }
    }
}

/// The first administrator's name as people know it: `seed-demo --display-name`, else the
/// role's name.
fn first_admin_name(cli: &Cli, locale: Locale) -> String {
    match &cli.command {
        Command::SeedDemo { display_name: Some(name), .. } => name.clone(),
        _ => carecircle_core::i18n::lookup(locale, "cli.first_admin_name").unwrap_or("admin").to_string(),
    }
}

fn read_password() -> Result<String, CoreError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn print_json(value: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = writeln!(out);
}

/// What `id-check` prints: the fields scripts need, and the reason in the user's language.
fn id_check(raw: &str, today: chrono::NaiveDate, locale: Locale) -> serde_json::Value {
    match ResidentId::parse(raw, today) {
        Ok(id) => serde_json::json!({
            "valid": true,
            "error": null,
            "code": null,
            "birth_date": id.birth_date().to_string(),
            "sex": id.sex(),
            "area_code": id.area_code(),
        }),
        Err(e) => {
            let payload = CoreError::from(e).to_payload(locale);
            serde_json::json!({
                "valid": false,
                "error": payload.message,
                "code": payload.code,
                "birth_date": null,
                "sex": null,
                "area_code": null,
            })
        }
    }
}

/// How a command opens the database: only `seed-demo` may create one; commands that only
/// read open it read-only, so they never migrate it under a running app.
enum Access {
    Create,
    Write,
    Read,
}

impl Command {
    fn access(&self) -> Access {
        match self {
            Command::SeedDemo { .. } => Access::Create,
            Command::Summary
            | Command::Facilities { .. }
            | Command::Accounts { command: AccountsCommand::List }
            | Command::Subsidy { command: SubsidyCommand::List }
            | Command::Audit { command: AuditCommand::Verify }
            | Command::Sync { command: SyncCommand::Status | SyncCommand::Conflicts | SyncCommand::Digest { .. } }
            | Command::Search { .. } => Access::Read,
            _ => Access::Write,
        }
    }
}

fn run(cli: Cli, clock: Clock, locale: Locale) -> Result<(), CoreError> {
    match &cli.command {
        Command::IdCheck { id } => {
            let verdict = id_check(id, clock.today(), locale);
            print_json(&verdict);
            // Scripts can branch on the exit code as well as on "valid".
            if verdict["valid"] == false {
                std::process::exit(2);
            }
            return Ok(());
        }
        Command::Vitals {
            sbp,
            dbp,
            glucose_fasting,
            glucose_random,
            temp,
            heart_rate,
            weight,
            height,
            waist,
            sex,
            diabetes,
            spo2,
        } => {
            let sex = parse_sex(sex.as_deref(), "vitals.sex_unknown").unwrap_or_else(|e| refuse(locale, e));
            let input = VitalsInput {
                systolic: *sbp,
                diastolic: *dbp,
                heart_rate: *heart_rate,
                glucose_fasting: *glucose_fasting,
                glucose_random: *glucose_random,
                temperature: *temp,
                weight_kg: *weight,
                height_cm: *height,
                waist_cm: *waist,
                spo2: *spo2,
                sex,
                diabetes: *diabetes,
            };
            match input.classify() {
                Ok(findings) => {
                    let rows: Vec<serde_json::Value> = findings
                        .iter()
                        .map(|f| {
                            let label = carecircle_core::i18n::lookup(locale, &format!("vitals.{}", f.code));
                            serde_json::json!({ "measure": f.measure, "value": f.value, "class": f.level, "code": f.code, "label": label })
                        })
                        .collect();
                    print_json(&serde_json::json!({ "valid": true, "findings": rows }));
                }
                Err(e) => refuse(locale, e),
            }
            return Ok(());
        }
        Command::Growth { sex, age_days, weight, height, head } => {
            let sex = parse_sex(sex.as_deref(), "growth.sex_unknown").unwrap_or_else(|e| refuse(locale, e));
            let scores = growth::assess(&GrowthInput {
                sex,
                age_days: *age_days,
                weight_kg: *weight,
                height_cm: *height,
                head_cm: *head,
            });
            match scores {
                Ok(scores) => {
                    let rows: Vec<serde_json::Value> = scores
                        .iter()
                        .map(|s| {
                            let label = carecircle_core::i18n::lookup(locale, &format!("growth.{}", s.code));
                            serde_json::json!({ "indicator": s.indicator, "z": s.z, "class": s.class, "code": s.code, "label": label })
                        })
                        .collect();
                    print_json(&serde_json::json!({ "valid": true, "zscores": rows }));
                }
                Err(e) => refuse(locale, e),
            }
            return Ok(());
        }
        Command::Template { kind, out } => {
            std::fs::write(out, roster::template(roster_kind(kind)?)?)?;
            print_json(&serde_json::json!({ "template": out }));
            return Ok(());
        }
        Command::ScheduleBench { instance, seconds, out, seed } => {
            match schedule_bench(instance, *seconds, out, *seed) {
                Ok(summary) => println!("{summary}"),
                Err(e) => {
                    eprintln!("{}", e.to_payload(locale).message);
                    std::process::exit(2);
                }
            }
            return Ok(());
        }
        Command::Hub { command: HubCommand::Migrate { url } } => {
            let mut client = hub::connect(url)?;
            let before = hub::migrate(&mut client)?;
            print_json(&serde_json::json!({ "from_version": before, "version": hub::HUB_VERSION }));
            return Ok(());
        }
        Command::Hub { command: HubCommand::Enrol { url, facility, city } } => {
            if facility.is_none() != *city {
                return Err(Invalid::new("hub.facility_or_city", "facility").into());
            }
            let password = read_password()?;
            let mut client = hub::connect(url)?;
            print_json(&hub::enrol(&mut client, *facility, &hub::new_pc_id(clock.now()), &password)?);
            return Ok(());
        }
        _ => {}
    }
    let db_path = cli.db.clone().unwrap_or_else(paths::default_db_path);
    let (db, actor) = open_signed_in(&cli, &db_path, clock, locale)?;
    match cli.command {
        Command::SeedDemo { scale, .. } => {
            let mut last_stage = String::new();
            let report = demo::seed(&db, &actor, scale, &mut |p| {
                if p.stage != last_stage {
                    eprintln!("… {}", p.stage);
                    last_stage = p.stage;
                }
            })?;
            print_json(&report);
        }
        Command::Facilities { command: FacilitiesCommand::List { json } } => {
            let list = registry::list_facilities(&db, &actor, &FacilityFilter::default())?;
            if json {
                print_json(&list);
            } else {
                let mut out = std::io::stdout().lock();
                for f in list {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        f.id,
                        f.kind.as_str(),
                        f.name,
                        f.district_name,
                        f.circle_name,
                        f.community_name
                    );
                }
            }
        }
        Command::Accounts { command: AccountsCommand::Add { username, display_name, role, facility } } => {
            let role = Role::from_input(&role)?;
            let password = read_password()?;
            let new = NewAccount { username, display_name, password, role, facility_id: facility };
            print_json(&accounts::create_account(&db, &actor, &new)?);
        }
        Command::Accounts { command: AccountsCommand::List } => print_json(&accounts::list_accounts(&db, &actor)?),
        Command::Summary => print_json(&registry::city_summary(&db, db.clock().today())?),
        Command::Backup { path } => print_json(&backups::back_up_to(&db, &actor, &path)?),
        Command::Sync { command: SyncCommand::Join { url } } => print_json(&sync::join_hub(&db, &actor, &url)?),
        Command::Sync { command: SyncCommand::Connection { url } } => {
            sync::reconnect(&db, &actor, &url)?;
            print_json(&sync::status(&db, locale)?);
        }
        Command::Sync { command: SyncCommand::Prepare } => {
            actor.require(Action::ManageAccounts)?;
            sync::prepare(&db)?;
            print_json(&sync::status(&db, locale)?);
        }
        Command::Sync { command: SyncCommand::Now } => {
            actor.require(Action::ManageAccounts)?;
            let mut client = sync::connect(&db)?;
            print_json(&sync::exchange(&db, &mut client)?);
        }
        Command::Sync { command: SyncCommand::Status } => print_json(&sync::status(&db, locale)?),
        Command::Sync { command: SyncCommand::Digest { facility } } => {
            match facility {
                Some(f) => actor.require_at(Action::ManageAccounts, f)?,
                None => actor.require(Action::ManageAccounts)?,
            }
            print_json(&sync::digest(&db, facility)?)
        }
        Command::Sync { command: SyncCommand::Conflicts } => print_json(&sync::conflicts(&db, &actor)?),
        Command::Sync { command: SyncCommand::Resolve { id, keep } } => {
            let keep = if keep == "local" { sync::Keep::Local } else { sync::Keep::Remote };
            sync::resolve(&db, &actor, id, keep)?;
            print_json(&sync::status(&db, locale)?);
        }
        Command::Restore { path } => print_json(&backups::restore(&db, &actor, &path)?),
        Command::IdCheck { .. }
        | Command::Template { .. }
        | Command::Vitals { .. }
        | Command::Growth { .. }
        | Command::ScheduleBench { .. }
        | Command::Hub { .. } => {
            unreachable!("handled before the database is opened")
        }
        Command::Import { file, kind, facility, commit } => {
            let kind = roster_kind(&kind)?;
            let bytes = std::fs::read(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let run = if commit { roster::commit } else { roster::preview };
            print_json(&run(&db, &actor, kind, facility, &name, &bytes, db.clock().today(), locale)?);
        }
        Command::Export { kind, out, facility, all, reveal_ids } => {
            let kind = roster_kind(&kind)?;
            print_json(&roster::export(&db, &actor, kind, facility, all, reveal_ids.as_deref(), &out)?);
        }
        Command::Report { month, facility, out } => {
            let month = Month::parse(&month)?;
            let format = ReportFormat::of_path(&out)?;
            let mut last = String::new();
            let mut progress = |p: report::ReportProgress| {
                if p.stage != last {
                    let words = carecircle_core::i18n::lookup(locale, &format!("reports.stages.{}", p.stage));
                    eprintln!("… {}", words.unwrap_or(&p.stage));
                    last = p.stage;
                }
            };
            let saved =
                report::save(&db, &actor, facility, month, format, locale, db.clock().now(), &out, &mut progress)?;
            print_json(&saved);
        }
        // Done as it signed in (open_signed_in): what it did is printed there.
        Command::Encrypt => {}
        Command::PersonData { kind, id, out } => {
            let kind = PersonKind::parse(&kind)
                .ok_or_else(|| CoreError::from(Invalid::new("search.kind_unknown", "kind").with("kind", kind)))?;
            ReportFormat::of_path(&out)?;
            let (pdf, xlsx) = (out.with_extension("pdf"), out.with_extension("xlsx"));
            let files = report::person_data::save(&db, &actor, kind, id, locale, db.clock().now(), &pdf, &xlsx)?;
            print_json(&files);
        }
        Command::Receipt { id, paper, out } => {
            let paper = ReceiptPaper::parse(&paper)
                .ok_or_else(|| CoreError::from(Invalid::new("receipt.paper_unknown", "paper").with("paper", paper)))?;
            let words = report::compose::Words(locale);
            print_json(&money::save_receipt(&db, &actor, id, paper, words, db.clock().now(), &out)?);
        }
        Command::Statement { kind, id, month, out } => {
            let kind = PersonKind::parse(&kind)
                .ok_or_else(|| CoreError::from(Invalid::new("search.kind_unknown", "kind").with("kind", kind)))?;
            let month = Month::parse(&month)?;
            let words = report::compose::Words(locale);
            print_json(&money::save_statement(&db, &actor, kind, id, month, words, db.clock().now(), &out)?);
        }
        Command::FamilyStatement { id, month, out } => {
            let month = Month::parse(&month)?;
            let words = report::compose::Words(locale);
            print_json(&money::save_family_statement(&db, &actor, id, month, words, db.clock().now(), &out)?);
        }
        Command::Settlement { facility, month, out } => {
            let month = Month::parse(&month)?;
            let words = report::compose::Words(locale);
            print_json(&money::save_settlement(&db, &actor, facility, month, words, db.clock().now(), &out)?);
        }
        Command::Subsidy { command: SubsidyCommand::List } => print_json(&subsidy::subsidy_rates(&db, &actor)?),
        Command::Subsidy { command: SubsidyCommand::Set { category, fen } } => {
            print_json(&subsidy::set_subsidy_rate(&db, &actor, subsidy::parse_category(&category)?, fen)?);
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let report = audit::verify(&db, &actor)?;
            print_json(&report);
            let say = |key: &str, values: &[(&str, String)]| {
                let words = carecircle_core::i18n::lookup(locale, key).unwrap_or(key);
                eprintln!("{}", carecircle_core::i18n::fill(words, values));
            };
            match &report.broken {
                None => say("cli.audit_intact", &[("entries", report.entries.to_string())]),
                Some(link) => {
                    say("cli.audit_broken", &[("id", link.id.to_string()), ("at", link.at.clone())]);
                    std::process::exit(2);
                }
            }
        }
        Command::Search { text, kind, limit } => {
            let kinds = match kind.as_deref() {
                None => Vec::new(),
                Some(k) => vec![PersonKind::parse(k)
                    .ok_or_else(|| CoreError::from(Invalid::new("search.kind_unknown", "kind").with("kind", k)))?],
            };
            let cache = SearchCache::new();
            print_json(&search::search(&db, &actor, &cache, &text, &kinds, limit, db.clock().today())?);
        }
    }
    Ok(())
}

/// `schedule-bench`: solves the instance at `path` within `seconds`, writes the answer to `out`
/// (its `secs` the wall time from reading to solved) and returns the one-line summary.
fn schedule_bench(path: &Path, seconds: f64, out: &Path, seed: u64) -> Result<serde_json::Value, CoreError> {
    let began = Instant::now();
    let time_limit = Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Invalid::new("schedule.seconds_invalid", "seconds").with("value", seconds))?;
    let instance = Instance::from_json(&std::fs::read_to_string(path)?).map_err(Invalid::from)?;
    let solution = schedule::solve(&instance, &SolveOptions { time_limit, seed, progress: None });
    let secs = began.elapsed().as_secs_f64();
    let answer = serde_json::to_string(&solution.to_answer(secs)).map_err(std::io::Error::from)?;
    std::fs::write(out, answer)?;
    let s = solution.score;
    Ok(serde_json::json!({
        "objective": s.objective,
        "travel": s.travel,
        "unplaced": s.unplaced,
        "overtime": s.overtime,
        "continuity": s.continuity,
        "secs": secs,
    }))
}

/// Runs the CLI on the process's arguments; returns the exit code.
/// Every subcommand as the words that reach it (`["facilities", "list"]`), from the same
/// declaration clap parses: the help test checks each is listed where it belongs.
pub fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    let locale =
        cli.lang.clone().or_else(|| std::env::var("LANG").ok()).map(|t| Locale::from_tag(&t)).unwrap_or_default();
    // The one place the CLI reads the machine's clock: the core is handed it.
    match run(cli, Clock::from_machine(chrono::Utc::now), locale) {
        Ok(()) => 0,
        Err(e) => {
            let payload = e.to_payload(locale);
            eprintln!("{}", payload.message);
            1
        }
    }
}

/// `M` or `F` (either case) as typed on the command line; anything else is refused with `code`.
fn parse_sex(typed: Option<&str>, code: &'static str) -> Result<Option<Sex>, Invalid> {
    match typed.map(str::to_ascii_uppercase).as_deref() {
        None => Ok(None),
        Some("M") => Ok(Some(Sex::Male)),
        Some("F") => Ok(Some(Sex::Female)),
        Some(other) => Err(Invalid::new(code, "sex").with("value", other)),
    }
}

/// A value checker's refusal, for scripts: the reason as JSON, and exit code 2.
fn refuse(locale: Locale, e: Invalid) -> ! {
    let payload = CoreError::from(e).to_payload(locale);
    print_json(
        &serde_json::json!({ "valid": false, "error": payload.message, "code": payload.code, "field": payload.field }),
    );
    std::process::exit(2);
}
