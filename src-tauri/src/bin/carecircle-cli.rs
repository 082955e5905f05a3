//! `carecircle-cli`: the command-line tool over the same core as the app, for scripts,
//! scheduled reports, backups and benchmarks. A console program on every platform.

fn main() {
    std::process::exit(carecircle::cli::main());
}
