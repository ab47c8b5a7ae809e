//! A component's `files` (Spin's manifest field): files of the application directory
//! the component may read at run time. As `spin up` does by default, they are copied
//! at start into a directory of their own (here `<state>/files/<component>/`), which
//! the component sees as `/`, read-only: what it reads is what was there when the
//! application started, and it cannot change the application's files.
//!
//! Each entry is a path or glob pattern relative to the manifest (the matching files
//! keep their relative paths; a directory brings every file below it), or a
//! `{ source, destination }` placement (a directory's files, or one file, at an
//! absolute guest path). `exclude_files` patterns are matched against each file's
//! path relative to the manifest. Nothing outside the application directory can be
//! mounted.

use anyhow::{Context, bail};
use serde::Deserialize;
use std::path::{Component as PathPart, Path, PathBuf};

/// One entry of a component's `files`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FileMount {
    /// `"assets/**/*"`, `"static"` or `"index.html"`: at the same relative path.
    Pattern(String),
    /// `{ source = "web/dist", destination = "/" }`.
    Placement {
        /// A file or directory, relative to the manifest.
        source: String,
        /// Where the guest sees it (an absolute path).
        destination: String,
    },
}

/// Copies the files a component may read into `dest` (emptied first). Answers how
/// many files were copied.
pub fn stage(
    app_root: &Path,
    mounts: &[FileMount],
    exclude: &[String],
    dest: &Path,
) -> anyhow::Result<usize> {
    let excluded = exclude
        .iter()
        .map(|p| glob::Pattern::new(p).with_context(|| format!("exclude_files: bad pattern {p:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if dest.exists() {
        std::fs::remove_dir_all(dest)
            .with_context(|| format!("while emptying {}", dest.display()))?;
    }
    std::fs::create_dir_all(dest).with_context(|| format!("while creating {}", dest.display()))?;
    let root = app_root
        .canonicalize()
        .with_context(|| format!("while resolving {}", app_root.display()))?;
    let mut copier = Copier {
        root: &root,
        dest,
        excluded: &excluded,
        copied: 0,
    };
    for mount in mounts {
        match mount {
            FileMount::Pattern(p) => copier.pattern(p)?,
            FileMount::Placement {
                source,
                destination,
            } => copier.placement(source, destination)?,
        }
    }
    Ok(copier.copied)
}

struct Copier<'a> {
    root: &'a Path,
    dest: &'a Path,
    excluded: &'a [glob::Pattern],
    copied: usize,
}

impl Copier<'_> {
    fn pattern(&mut self, pattern: &str) -> anyhow::Result<()> {
        let last = pattern.rsplit('/').next().unwrap_or(pattern);
        if last == "." || last == ".." {
            bail!(
                "files: {pattern:?} ends in `{last}`; name a directory, a glob ending in `**/*`, \
                 or use {{ source, destination }}"
            );
        }
        let relative = relative_inside(pattern)?;
        let path = self.root.join(&relative);
        if path.is_dir() {
            self.tree(&path, &self.dest.join(&relative))
        } else if path.is_file() {
            self.file(&path, &self.dest.join(&relative))
        } else if pattern.contains(['*', '?', '[']) {
            self.glob(&path, self.root, self.dest)
        } else {
            bail!("files: {pattern:?} does not exist and is not a glob pattern")
        }
    }

    fn placement(&mut self, source: &str, destination: &str) -> anyhow::Result<()> {
        if !destination.starts_with('/') {
            bail!("files: destination {destination:?} must be an absolute guest path");
        }
        let guest = relative_inside(destination.trim_start_matches('/'))?;
        let path = self.root.join(relative_inside(source)?);
        let target = self.dest.join(guest);
        if path.is_dir() {
            self.tree(&path, &target)
        } else if path.is_file() {
            if destination.ends_with('/') {
                bail!("files: destination {destination:?} names a directory, not a file");
            }
            self.file(&path, &target)
        } else {
            bail!("files: source {source:?} does not exist")
        }
    }

    /// Every file below `dir`, at the same place below `target`.
    fn tree(&mut self, dir: &Path, target: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(target)?;
        self.glob(&dir.join("**/*"), dir, target)
    }

    fn glob(&mut self, pattern: &Path, prefix: &Path, target: &Path) -> anyhow::Result<()> {
        let text = pattern
            .to_str()
            .with_context(|| format!("files: pattern {pattern:?} is not UTF-8"))?;
        for found in glob::glob(text).with_context(|| format!("files: bad pattern {text:?}"))? {
            let path = found?;
            if !path.is_file() {
                continue;
            }
            let real = path.canonicalize()?;
            if !real.starts_with(self.root) {
                bail!(
                    "files: {} is outside the application directory",
                    path.display()
                );
            }
            let below = path.strip_prefix(prefix)?;
            self.file(&path, &target.join(below))?;
        }
        Ok(())
    }

    fn file(&mut self, path: &Path, target: &Path) -> anyhow::Result<()> {
        let real = path.canonicalize()?;
        let in_app = real.strip_prefix(self.root).with_context(|| {
            format!(
                "files: {} is outside the application directory",
                path.display()
            )
        })?;
        if self.excluded.iter().any(|p| p.matches_path(in_app)) {
            return Ok(());
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&real, target)
            .with_context(|| format!("while copying {} for the component", path.display()))?;
        self.copied += 1;
        Ok(())
    }
}

/// A relative path that stays inside the directory it is joined to.
fn relative_inside(text: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(text);
    let mut depth = 0i32;
    for part in path.components() {
        match part {
            PathPart::Normal(_) => depth += 1,
            PathPart::CurDir => {}
            PathPart::ParentDir => depth -= 1,
            PathPart::RootDir | PathPart::Prefix(_) => {
                bail!("files: {text:?} must be relative to the manifest")
            }
        }
        if depth < 0 {
            bail!("files: {text:?} leaves the application directory");
        }
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("web/dist/index.html", "<html>"),
            ("web/dist/assets/app-1a2b3c.js", "js"),
            ("web/dist/assets/app-1a2b3c.js.map", "map"),
            ("static/a.txt", "a"),
            ("static/deep/b.txt", "b"),
            ("secret.txt", "s"),
        ] {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn read(dest: &Path, path: &str) -> Option<String> {
        std::fs::read_to_string(dest.join(path)).ok()
    }

    #[test]
    fn a_placement_puts_a_directory_at_its_destination_without_the_excluded() {
        let app = app();
        let dest = app.path().join("staged");
        let mounts = [FileMount::Placement {
            source: "web/dist".into(),
            destination: "/".into(),
        }];
        let n = stage(app.path(), &mounts, &["web/dist/**/*.map".into()], &dest).unwrap();
        assert_eq!(n, 2);
        assert_eq!(read(&dest, "index.html").as_deref(), Some("<html>"));
        assert_eq!(read(&dest, "assets/app-1a2b3c.js").as_deref(), Some("js"));
        assert_eq!(read(&dest, "assets/app-1a2b3c.js.map"), None);
        assert_eq!(read(&dest, "secret.txt"), None);
    }

    #[test]
    fn patterns_keep_their_relative_paths() {
        let app = app();
        let dest = app.path().join("staged");
        let mounts = [
            FileMount::Pattern("static".into()),
            FileMount::Pattern("web/dist/*.html".into()),
        ];
        assert_eq!(stage(app.path(), &mounts, &[], &dest).unwrap(), 3);
        assert_eq!(read(&dest, "static/deep/b.txt").as_deref(), Some("b"));
        assert_eq!(
            read(&dest, "web/dist/index.html").as_deref(),
            Some("<html>")
        );
        assert_eq!(read(&dest, "secret.txt"), None);
        // A second start replaces what the first copied.
        let one = [FileMount::Pattern("secret.txt".into())];
        assert_eq!(stage(app.path(), &one, &[], &dest).unwrap(), 1);
        assert_eq!(read(&dest, "static/a.txt"), None);
    }

    #[test]
    fn nothing_outside_the_application_and_no_unclear_patterns() {
        let app = app();
        let dest = app.path().join("staged");
        for bad in [
            FileMount::Pattern("../etc/passwd".into()),
            FileMount::Pattern("/etc/passwd".into()),
            FileMount::Pattern("static/..".into()),
            FileMount::Pattern("missing.txt".into()),
            FileMount::Placement {
                source: "static".into(),
                destination: "relative".into(),
            },
            FileMount::Placement {
                source: "static/../..".into(),
                destination: "/".into(),
            },
        ] {
            let e = stage(app.path(), std::slice::from_ref(&bad), &[], &dest).unwrap_err();
            assert!(format!("{e:#}").contains("files"), "{bad:?}: {e:#}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_application_is_refused() {
        let app = app();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("x"), app.path().join("static/link"))
            .unwrap();
        let e = stage(
            app.path(),
            &[FileMount::Pattern("static".into())],
            &[],
            &app.path().join("staged"),
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("outside"), "{e:#}");
    }
}
