//! A throw-away PostgreSQL cluster for a test (docs/sync.md, "Tests"): `initdb` into a
//! temporary folder, started on a free port with its Unix socket in that folder, stopped
//! and removed when dropped. Run as the `postgres` system user when the tests run as root
//! (PostgreSQL refuses root), as CI does.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub struct PgCluster {
    dir: TempDir,
    bin: PathBuf,
    pub port: u16,
    as_postgres: bool,
    /// Also listening on 127.0.0.1 with TLS (`start_tls`).
    tls: bool,
}

/// The owner the cluster is made with: its superuser, who migrates the hub.
pub const OWNER: &str = "carecircle";

/// Debian's server binaries, newest version first.
fn server_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("PostgreSQL's server (Debian's postgresql package) must be installed: {e}"))
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL server under /usr/lib/postgresql").1
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PgCluster {
    pub fn start() -> PgCluster {
        PgCluster::start_with(None)
    }

    /// A cluster that also listens on 127.0.0.1 and offers TLS with this certificate and key
    /// (PEM), as a city hub on the network does.
    pub fn start_tls(cert_pem: &[u8], key_pem: &[u8]) -> PgCluster {
        PgCluster::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&[u8], &[u8])>) -> PgCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        // Root (uid 0) owns /proc/self when the tests run as root.
        let as_postgres =
            std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false);
        let cluster = PgCluster { dir, bin: server_bin(), port: free_port(), as_postgres, tls: tls.is_some() };
        if let Some((cert, key)) = tls {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(cluster.dir.path().join("server.crt"), cert).unwrap();
            let key_path = cluster.dir.path().join("server.key");
            std::fs::write(&key_path, key).unwrap();
            // PostgreSQL refuses a key others may read.
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        if as_postgres {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(cluster.dir.path()).status().unwrap();
            assert!(ok.success(), "chown the cluster's folder to postgres");
        }
        let data = cluster.data();
        cluster
            .run("initdb", &["-D", data.to_str().unwrap(), "-U", OWNER, "--auth=trust", "-E", "UTF8", "--no-locale"]);
        cluster.start_server();
        cluster
    }

    fn start_server(&self) {
        let data = self.data();
        let dir = self.socket_dir().display().to_string();
        let options = if self.tls {
            format!(
                "-p {} -k {dir} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
                self.port
            )
        } else {
            format!("-p {} -k {dir} -c listen_addresses=''", self.port)
        };
        let log = self.dir.path().join("server.log");
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-o", &options, "-l", log.to_str().unwrap(), "-w", "start"]);
    }

    /// Stops the server at once, as a power cut at the hub would (open transactions are
    /// lost; what was committed stays).
    pub fn stop(&self) {
        let data = self.data();
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    /// Starts the stopped server again, on the same port.
    pub fn restart(&self) {
        self.start_server();
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A server tool, run in the cluster's folder (the postgres user may not enter the
    /// repository's), as the postgres user when the tests run as root.
    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        command.current_dir(self.dir.path());
        command
    }

    /// A libpq connection string for `user` over TCP to 127.0.0.1 (`start_tls`), with
    /// `extra` options (`sslmode=…`, `sslrootcert=…`).
    pub fn tcp_url(&self, user: &str, extra: &str) -> String {
        format!("host=127.0.0.1 port={} user={user} dbname=postgres {extra}", self.port)
    }

    /// A libpq connection string for `user` on this cluster.
    pub fn url(&self, user: &str) -> String {
        format!("host={} port={} user={user} dbname=postgres", self.socket_dir().display(), self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.command("pg_ctl").args(["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]).output();
    }
}
