//! Where the database key lives: not beside the database in the clear, but sealed once per
//! account under a key derived from that account's password, and once under a recovery key
//! the city office prints at first run (docs/security.md).
//!
//! - The database is SQLCipher (AES-256, its default settings) under a random 32-byte key.
//! - `<database>.keys`, a small JSON file beside it, holds that key sealed with
//!   XChaCha20-Poly1305 under argon2id(password, salt), one seal per account, plus one
//!   under the recovery key. Signing in unseals it; a wrong password (or a username with no
//!   seal) fails the seal's check and reads nothing. A copied database and key file, or a
//!   stolen PC, reveal nothing without a password or the recovery key.
//! - A password set or reset seals the key again for that account; a disabled account's
//!   seal is removed. A change to the file is written beside it and renamed into place, so
//!   a crash leaves the old file or the new one, never half of one.

use std::fmt;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{CoreError, Result};

const KEY_BYTES: usize = 32;
const SALT_BYTES: usize = 16;
const NONCE_BYTES: usize = 24;
const FORMAT: u32 = 1;

/// The database's key. Never written anywhere in the clear; wiped from memory when dropped.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; KEY_BYTES]>);

impl DbKey {
    /// A new random key, from the operating system's generator.
    pub fn random() -> DbKey {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        rand::rng().fill_bytes(key.as_mut());
        DbKey(key)
    }

    /// The value for `PRAGMA key`: the raw key as a blob literal, so SQLCipher uses it as
    /// the key itself and derives nothing from it.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        let mut text = String::with_capacity(3 + 2 * KEY_BYTES);
        text.push_str("x'");
        text.push_str(&hex(self.0.as_ref()));
        text.push('\'');
        Zeroizing::new(text)
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// The recovery key: 32 random bytes, shown once as 16 groups of 4 hex digits for the city
/// office to print and keep. It opens the key file as a password would.
pub struct RecoveryKey(Zeroizing<String>);

impl RecoveryKey {
    fn random() -> (RecoveryKey, Zeroizing<[u8; KEY_BYTES]>) {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        rand::rng().fill_bytes(bytes.as_mut());
        let digits = hex(bytes.as_ref()).to_uppercase();
        let grouped: Vec<&str> = (0..digits.len()).step_by(4).map(|i| &digits[i..i + 4]).collect();
        (RecoveryKey(Zeroizing::new(grouped.join("-"))), bytes)
    }

    /// As printed: `ABCD-0123-…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's bytes from what a person typed: any case, any separators.
    fn parse(typed: &str) -> Option<Zeroizing<[u8; KEY_BYTES]>> {
        let digits: Zeroizing<String> = Zeroizing::new(typed.chars().filter(char::is_ascii_hexdigit).collect());
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        if digits.len() != 2 * KEY_BYTES {
            return None;
        }
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(bytes)
    }
}

/// Who a seal is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holder {
    Account(String),
    Recovery,
}

impl Holder {
    fn label(&self) -> String {
        match self {
            Holder::Account(name) => format!("account:{name}"),
            Holder::Recovery => "recovery".into(),
        }
    }
}

/// One sealed copy of the database key. The holder is bound into the seal (associated
/// data): a seal moved to another holder's name no longer opens.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seal {
    holder: String,
    salt: String,
    nonce: String,
    sealed: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Document {
    format: u32,
    /// How each holder's key is derived: argon2id with the argon2 crate's defaults
    /// (19 MiB, 2 passes, 1 lane: OWASP's recommendation), recorded for the day they change.
    kdf: String,
    seals: Vec<Seal>,
}

/// The key file of one database.
pub struct KeyFile {
    path: PathBuf,
    seals: Vec<Seal>,
}

/// The key file's path for the database at `db_path`: beside it, `.keys` appended.
pub fn path_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".keys");
    db_path.with_file_name(name)
}

impl KeyFile {
    /// The key file of the database at `db_path`, if it has one (an unencrypted database
    /// from before encryption has none).
    pub fn load(db_path: &Path) -> Result<Option<KeyFile>> {
        let path = path_for(db_path);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let damaged = || CoreError::KeyFileDamaged { path: path.display().to_string() };
        let doc: Document = serde_json::from_str(&text).map_err(|_| damaged())?;
        if doc.format != FORMAT {
            return Err(damaged());
        }
        Ok(Some(KeyFile { path, seals: doc.seals }))
    }

    /// A new key file for a new database: its key sealed for the first account and under a
    /// new recovery key, which is returned to be shown once.
    pub fn create(db_path: &Path, key: &DbKey, username: &str, password: &str) -> Result<(KeyFile, RecoveryKey)> {
        let (recovery, recovery_bytes) = RecoveryKey::random();
        let mut file = KeyFile { path: path_for(db_path), seals: Vec::new() };
        file.seals.push(seal(key, &Holder::Recovery, recovery_bytes.as_ref())?);
        file.seals.push(seal(key, &Holder::Account(username.to_string()), password.as_bytes())?);
        file.save()?;
        Ok((file, recovery))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database key, unsealed with the account's password. A wrong password and a
    /// username without a seal fail alike, after the same work: the file tells nobody
    /// which accounts exist.
    pub fn unlock(&self, username: &str, password: &str) -> Result<DbKey> {
        let holder = Holder::Account(username.trim().to_string()).label();
        let mine: Vec<&Seal> = self.seals.iter().filter(|s| s.holder == holder).collect();
        if mine.is_empty() {
            let decoy = self.seals.first().cloned();
            if let Some(decoy) = decoy {
                let _ = unseal(&decoy, &holder, password.as_bytes());
            }
            return Err(CoreError::BadCredentials);
        }
        // Newest first: an older seal lingers only if a crash came between sealing anew and
        // removing it (see `Db::reseal`).
        mine.iter().rev().find_map(|s| unseal(s, &holder, password.as_bytes()).ok()).ok_or(CoreError::BadCredentials)
    }

    /// The database key, unsealed with the printed recovery key.
    pub fn unlock_with_recovery(&self, typed: &str) -> Result<DbKey> {
        let bytes = RecoveryKey::parse(typed).ok_or(CoreError::BadCredentials)?;
        let holder = Holder::Recovery.label();
        self.seals
            .iter()
            .filter(|s| s.holder == holder)
            .find_map(|s| unseal(s, &holder, bytes.as_ref()).ok())
            .ok_or(CoreError::BadCredentials)
    }

    /// Whether the account has a seal.
    pub fn has(&self, username: &str) -> bool {
        let holder = Holder::Account(username.to_string()).label();
        self.seals.iter().any(|s| s.holder == holder)
    }

    /// Seals the key for the account under `password`, after its existing seals (kept
    /// until [`KeyFile::keep_newest`]), and saves.
    pub fn add(&mut self, key: &DbKey, username: &str, password: &str) -> Result<()> {
        self.seals.push(seal(key, &Holder::Account(username.to_string()), password.as_bytes())?);
        self.save()
    }

    /// Keeps only the account's newest seal, and saves.
    pub fn keep_newest(&mut self, username: &str) -> Result<()> {
        let holder = Holder::Account(username.to_string()).label();
        let Some(newest) = self.seals.iter().rposition(|s| s.holder == holder) else { return Ok(()) };
        let mut i = 0;
        self.seals.retain(|s| {
            i += 1;
            s.holder != holder || i - 1 == newest
        });
        self.save()
    }

    /// Drops the account's newest seal (a password change that did not happen), and saves.
    pub fn drop_newest(&mut self, username: &str) -> Result<()> {
        let holder = Holder::Account(username.to_string()).label();
        if let Some(newest) = self.seals.iter().rposition(|s| s.holder == holder) {
            self.seals.remove(newest);
            self.save()?;
        }
        Ok(())
    }

    /// Removes every seal of the account (disabled), and saves.
    pub fn remove(&mut self, username: &str) -> Result<()> {
        let holder = Holder::Account(username.to_string()).label();
        let before = self.seals.len();
        self.seals.retain(|s| s.holder != holder);
        if self.seals.len() != before {
            self.save()?;
        }
        Ok(())
    }

    /// Writes a copy of the file to `dest` (beside a backup, so the backup opens elsewhere
    /// with a password or the recovery key).
    pub fn copy_to(&self, dest: &Path) -> Result<()> {
        write_atomically(dest, &self.document())
    }

    fn document(&self) -> String {
        let doc = Document { format: FORMAT, kdf: "argon2id m=19456 t=2 p=1".into(), seals: self.seals.clone() };
        serde_json::to_string_pretty(&doc).expect("a key file always serialises")
    }

    fn save(&self) -> Result<()> {
        write_atomically(&self.path, &self.document())
    }
}

/// Writes `text` beside `path`, flushes it to the disk, renames it into place and flushes
/// the folder: after a crash the file is the old one or the new one.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let partial = path.with_extension("keys.partial");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // Readable by the PC account that runs the app only (the seals need a password
        // anyway; nobody else has a reason to read them).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&partial, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// The key that seals for one holder: argon2id of the secret with the seal's salt.
fn sealing_key(secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; KEY_BYTES]>> {
    let mut out = Zeroizing::new([0u8; KEY_BYTES]);
    Argon2::default()
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
    Ok(out)
}

fn seal(key: &DbKey, holder: &Holder, secret: &[u8]) -> Result<Seal> {
    let mut salt = [0u8; SALT_BYTES];
    let mut nonce = [0u8; NONCE_BYTES];
    rand::rng().fill_bytes(&mut salt);
    rand::rng().fill_bytes(&mut nonce);
    let kek = sealing_key(secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let label = holder.label();
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: label.as_bytes() })
        .map_err(|_| CoreError::Io(std::io::Error::other("sealing the database key failed")))?;
    Ok(Seal { holder: label, salt: hex(&salt), nonce: hex(&nonce), sealed: hex(&sealed) })
}

fn unseal(seal: &Seal, holder: &str, secret: &[u8]) -> Result<DbKey> {
    let bad = || CoreError::BadCredentials;
    let (salt, nonce, sealed) =
        (unhex(&seal.salt).ok_or_else(bad)?, unhex(&seal.nonce).ok_or_else(bad)?, unhex(&seal.sealed).ok_or_else(bad)?);
    if nonce.len() != NONCE_BYTES {
        return Err(bad());
    }
    let kek = sealing_key(secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let mut opened = cipher
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: holder.as_bytes() })
        .map_err(|_| bad())?;
    if opened.len() != KEY_BYTES {
        opened.zeroize();
        return Err(bad());
    }
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    key.copy_from_slice(&opened);
    opened.zeroize();
    Ok(DbKey(key))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &DbKey, b: &DbKey) -> bool {
        a.0.as_ref() == b.0.as_ref()
    }

    #[test]
    fn the_key_opens_with_the_password_or_the_recovery_key_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cc.db");
        let key = DbKey::random();
        let (file, recovery) = KeyFile::create(&db, &key, "admin", "s3cret-pass").unwrap();
        assert_eq!(file.path(), dir.path().join("cc.db.keys"));
        let file = KeyFile::load(&db).unwrap().unwrap();
        assert!(same(&file.unlock("admin", "s3cret-pass").unwrap(), &key));
        assert!(matches!(file.unlock("admin", "s3cret-pasS"), Err(CoreError::BadCredentials)));
        assert!(matches!(file.unlock("nobody", "s3cret-pass"), Err(CoreError::BadCredentials)));
        assert!(same(&file.unlock_with_recovery(&recovery.as_str().to_lowercase().replace('-', " ")).unwrap(), &key));
        assert!(file.unlock_with_recovery("0000").is_err());
        // The file holds neither the key nor the password.
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(!text.contains(&hex(key.0.as_ref())) && !text.contains("s3cret-pass"));
        assert_eq!(recovery.as_str().len(), 16 * 4 + 15);
    }

    #[test]
    fn a_new_password_replaces_the_old_one_and_a_removed_account_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cc.db");
        let key = DbKey::random();
        let (mut file, _) = KeyFile::create(&db, &key, "admin", "old-pass-1").unwrap();
        file.add(&key, "desk", "desk-pass-1").unwrap();
        // Sealed anew; until the change is committed both passwords open it.
        file.add(&key, "admin", "new-pass-2").unwrap();
        assert!(file.unlock("admin", "old-pass-1").is_ok() && file.unlock("admin", "new-pass-2").is_ok());
        file.keep_newest("admin").unwrap();
        let file = KeyFile::load(&db).unwrap().unwrap();
        assert!(file.unlock("admin", "old-pass-1").is_err());
        assert!(same(&file.unlock("admin", "new-pass-2").unwrap(), &key));
        let mut file = file;
        file.add(&key, "admin", "never-committed").unwrap();
        file.drop_newest("admin").unwrap();
        assert!(file.unlock("admin", "never-committed").is_err() && file.unlock("admin", "new-pass-2").is_ok());
        file.remove("desk").unwrap();
        assert!(!KeyFile::load(&db).unwrap().unwrap().has("desk"));
    }

    #[test]
    fn a_seal_moved_to_another_name_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cc.db");
        let key = DbKey::random();
        let (mut file, _) = KeyFile::create(&db, &key, "admin", "pass-word-1").unwrap();
        let mut moved = file.seals[1].clone();
        moved.holder = Holder::Account("mallory".into()).label();
        file.seals.push(moved);
        assert!(file.unlock("mallory", "pass-word-1").is_err());
    }

    #[test]
    fn a_damaged_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cc.db");
        std::fs::write(path_for(&db), "{ not json").unwrap();
        assert!(matches!(KeyFile::load(&db), Err(CoreError::KeyFileDamaged { .. })));
        assert!(KeyFile::load(&dir.path().join("other.db")).unwrap().is_none());
    }
}
