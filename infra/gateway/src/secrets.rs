//! Secrets generated once per state folder for the embedded defaults: the token
//! signing key and the bootstrap agency key. Kept in `<state>/secrets.toml`, readable
//! only by the owner, so that restarts keep them and `yingshang dev token` can sign
//! tokens the functions accept. Production never uses these: its secrets come from
//! the platform's variables.

use anyhow::Context as _;
use rand::RngCore;
use std::collections::BTreeMap;
use std::path::Path;

/// The file name inside the state folder.
pub const FILE: &str = "secrets.toml";

/// Makes a new value for a secret. API-key-like names get a key in the format the
/// functions parse (`ysk_<id>_<secret>`); others get 48 random bytes, base64url.
pub fn generate(name: &str) -> String {
    let mut rng = rand::rng();
    if name.ends_with("api_key") {
        let mut bytes = [0u8; 40];
        rng.fill_bytes(&mut bytes);
        yingshang_core::security::apikey::generate(&bytes).key
    } else {
        use base64::Engine as _;
        let mut bytes = [0u8; 48];
        rng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}

/// Loads the stored secrets, generating and storing the `names` that are missing.
pub fn load_or_generate(
    state_dir: &Path,
    names: &[String],
) -> anyhow::Result<BTreeMap<String, String>> {
    let path = state_dir.join(FILE);
    let mut values: BTreeMap<String, String> = match std::fs::read_to_string(&path) {
        Ok(text) => {
            toml::from_str(&text).with_context(|| format!("while reading {}", path.display()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e).with_context(|| format!("while reading {}", path.display())),
    };
    let mut changed = false;
    for name in names {
        if !values.contains_key(name) {
            values.insert(name.clone(), generate(name));
            changed = true;
        }
    }
    if changed {
        std::fs::create_dir_all(state_dir)?;
        let text = toml::to_string(&values)?;
        write_private(&path, &text).with_context(|| format!("while writing {}", path.display()))?;
    }
    Ok(values)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["auth_jwt_secret".to_owned(), "bootstrap_api_key".to_owned()];
        let first = load_or_generate(dir.path(), &names).unwrap();
        assert!(first["bootstrap_api_key"].starts_with("ysk_"));
        assert!(first["auth_jwt_secret"].len() >= 64);
        let again = load_or_generate(dir.path(), &names).unwrap();
        assert_eq!(first, again);
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
