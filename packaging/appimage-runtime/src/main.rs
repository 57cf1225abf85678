//! The runtime at the head of Pingshen's AppImage (type 2): an ELF with the
//! magic `AI\x02` at offset 8 (written by `scripts/package`), followed by a
//! squashfs image of the AppDir. Our own, because no AppImage runtime is
//! packaged by Debian, PyPI or npm, and the usual one is downloaded from
//! GitHub, which a build centre may not reach.
//!
//! At start it
//! - mounts the image with `squashfuse` when `/dev/fuse` and squashfuse are
//!   there: a watcher process keeps the mount while the app (and anything
//!   it started that holds the keep-alive pipe) runs, then unmounts it and
//!   removes the mount point;
//! - otherwise (or with `APPIMAGE_EXTRACT_AND_RUN=1` or
//!   `--appimage-extract-and-run`) extracts the image once into
//!   `$XDG_CACHE_HOME/pingshen-appimage/<first 16 hex digits of the image's
//!   SHA-256>` (squashfs read by the `backhand` crate, no tool needed) and
//!   runs from there;
//!
//! and then runs `AppRun` with `APPDIR`, `APPIMAGE` and `ARGV0` set, as
//! every AppImage runtime does. `--appimage-extract [PREFIX]` writes the
//! tree (or the paths under PREFIX) to `./squashfs-root`;
//! `--appimage-offset` prints where the image starts.

use backhand::{FilesystemReader, InnerNode};
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::{symlink, DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let message = match run() {
        Ok(()) => std::process::exit(0),
        Err(e) => e,
    };
    eprintln!("Pingshen AppImage: {message}");
    std::process::exit(127);
}

fn run() -> Result<(), String> {
    let image = std::env::current_exe().map_err(|e| format!("cannot find itself: {e}"))?;
    let offset = squashfs_offset(&image)?;
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = args.remove(0);
    match args.first().and_then(|a| a.to_str()) {
        Some("--appimage-offset") => {
            println!("{offset}");
            return Ok(());
        }
        Some("--appimage-extract") => {
            let prefix = args.get(1).map(PathBuf::from);
            let dest = PathBuf::from("squashfs-root");
            extract(&image, offset, &dest, prefix.as_deref())?;
            println!("{}", dest.display());
            return Ok(());
        }
        Some("--appimage-help") => {
            println!(
                "{} [--appimage-extract [PREFIX] | --appimage-extract-and-run | --appimage-offset | ARGS…]",
                image.display()
            );
            return Ok(());
        }
        _ => {}
    }
    let mut extract_and_run =
        std::env::var_os("APPIMAGE_EXTRACT_AND_RUN").is_some_and(|v| v == "1");
    if args
        .first()
        .is_some_and(|a| a == "--appimage-extract-and-run")
    {
        args.remove(0);
        extract_and_run = true;
    }
    let appdir = match (!extract_and_run).then(|| mount(&image, offset)).flatten() {
        Some(dir) => dir,
        None => cached_extraction(&image, offset)?,
    };
    let err = Command::new(appdir.join("AppRun"))
        .args(&args)
        .env("APPDIR", &appdir)
        .env("APPIMAGE", &image)
        .env("ARGV0", &argv0)
        .exec();
    Err(format!(
        "cannot run {}: {err}",
        appdir.join("AppRun").display()
    ))
}

/// Where the squashfs image starts: the end of the ELF file, which is its
/// section header table (64-bit little-endian ELF, as we build it).
fn squashfs_offset(image: &Path) -> Result<u64, String> {
    let mut head = [0u8; 64];
    let mut file = File::open(image).map_err(|e| format!("{}: {e}", image.display()))?;
    file.read_exact(&mut head)
        .map_err(|e| format!("{}: {e}", image.display()))?;
    if &head[..4] != b"\x7fELF" || head[4] != 2 || head[5] != 1 {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let shoff = u64::from_le_bytes(head[0x28..0x30].try_into().expect("8 bytes"));
    let shentsize = u16::from_le_bytes([head[0x3a], head[0x3b]]) as u64;
    let shnum = u16::from_le_bytes([head[0x3c], head[0x3d]]) as u64;
    let offset = shoff + shentsize * shnum;
    let mut magic = [0u8; 4];
    file.seek(SeekFrom::Start(offset))
        .and_then(|_| file.read_exact(&mut magic))
        .map_err(|e| format!("no squashfs image after the runtime: {e}"))?;
    if &magic != b"hsqs" {
        return Err(format!("no squashfs image at offset {offset}"));
    }
    Ok(offset)
}

/// Mounts the image with squashfuse; `None` when FUSE or squashfuse is not
/// there or the mount fails (the caller extracts instead).
fn mount(image: &Path, offset: u64) -> Option<PathBuf> {
    if !Path::new("/dev/fuse").exists() {
        return None;
    }
    let squashfuse = find_in_path("squashfuse")?;
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!(".mount_Pingshen{}", std::process::id()));
    fs::DirBuilder::new().mode(0o700).create(&dir).ok()?;
    let (ready_r, ready_w) = pipe()?;
    let (alive_r, alive_w) = pipe()?;
    // SAFETY: no other thread exists yet; the child only spawns, waits and
    // exits.
    match unsafe { libc::fork() } {
        -1 => {
            let _ = fs::remove_dir(&dir);
            None
        }
        0 => {
            // The watcher, in a session of its own so a Ctrl-C meant for the
            // app does not unmount the files under it.
            unsafe {
                libc::close(ready_r);
                libc::close(alive_w);
                libc::setsid();
            }
            watch(&squashfuse, image, offset, &dir, ready_w, alive_r);
            unsafe { libc::_exit(0) }
        }
        _ => {
            unsafe {
                libc::close(ready_w);
                libc::close(alive_r);
            }
            let mut answer = [0u8; 1];
            let n = unsafe { libc::read(ready_r, answer.as_mut_ptr().cast(), 1) };
            unsafe { libc::close(ready_r) };
            if n == 1 && answer[0] == b'1' {
                // `alive_w` stays open, and is inherited by AppRun: the
                // watcher unmounts when the last holder is gone.
                Some(dir)
            } else {
                unsafe { libc::close(alive_w) };
                None
            }
        }
    }
}

/// The watcher: starts squashfuse in the foreground, says whether the
/// mount came up, waits for the keep-alive pipe to close, then stops
/// squashfuse (which unmounts) and removes the mount point.
fn watch(squashfuse: &Path, image: &Path, offset: u64, dir: &Path, ready: i32, alive: i32) {
    let say = |ok: bool| unsafe {
        libc::write(ready, [if ok { b'1' } else { b'0' }].as_ptr().cast(), 1);
        libc::close(ready);
    };
    let child = Command::new(squashfuse)
        .arg("-f")
        .arg("-o")
        .arg(format!("offset={offset}"))
        .arg(image)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) => {
            say(false);
            let _ = fs::remove_dir(dir);
            return;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mounted = loop {
        if dir.join("AppRun").exists() {
            break true;
        }
        if Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    say(mounted);
    if mounted {
        let mut byte = [0u8; 1];
        while unsafe { libc::read(alive, byte.as_mut_ptr().cast(), 1) } > 0 {}
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
    if dir.join("AppRun").exists() {
        for tool in ["fusermount3", "fusermount"] {
            if let Some(t) = find_in_path(tool) {
                let _ = Command::new(t).arg("-u").arg(dir).status();
                break;
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// The image extracted once per content into the user's cache.
fn cached_extraction(image: &Path, offset: u64) -> Result<PathBuf, String> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or("no cache folder: set HOME or XDG_CACHE_HOME")?
        .join("pingshen-appimage");
    let key = image_hash(image, offset)?;
    let dir = cache.join(&key);
    if dir.join("AppRun").exists() {
        return Ok(dir);
    }
    let partial = cache.join(format!("{key}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    extract(image, offset, &partial, None)?;
    // Whole or not at all: a folder under its final name is complete. Had
    // another start finished first, its copy is used.
    if fs::rename(&partial, &dir).is_err() {
        let _ = fs::remove_dir_all(&partial);
        if !dir.join("AppRun").exists() {
            return Err(format!("cannot extract into {}", dir.display()));
        }
    }
    Ok(dir)
}

fn image_hash(image: &Path, offset: u64) -> Result<String, String> {
    let mut file = File::open(image).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| e.to_string())?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(|e| e.to_string())?;
    Ok(hex(&hasher.finalize()[..8]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the image's tree (or only what is under `prefix`) to `dest`:
/// directories, files with their modes, symbolic links.
fn extract(image: &Path, offset: u64, dest: &Path, prefix: Option<&Path>) -> Result<(), String> {
    let file = BufReader::new(File::open(image).map_err(|e| e.to_string())?);
    let fs_image = FilesystemReader::from_reader_with_offset(file, offset)
        .map_err(|e| format!("cannot read the squashfs image: {e}"))?;
    let failed = |p: &Path, e: io::Error| format!("{}: {e}", p.display());
    fs::create_dir_all(dest).map_err(|e| failed(dest, e))?;
    for node in fs_image.files() {
        let rel: PathBuf = node
            .fullpath
            .components()
            .filter(|c| !matches!(c, Component::RootDir))
            .collect();
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(format!(
                "unsafe path in the image: {}",
                node.fullpath.display()
            ));
        }
        if let Some(prefix) = prefix {
            if !rel.starts_with(prefix) && !prefix.starts_with(&rel) {
                continue;
            }
        }
        let path = dest.join(&rel);
        let mode = fs::Permissions::from_mode(u32::from(node.header.permissions) & 0o7777);
        match &node.inner {
            InnerNode::Dir(_) => {
                fs::create_dir_all(&path).map_err(|e| failed(&path, e))?;
                fs::set_permissions(&path, mode).map_err(|e| failed(&path, e))?;
            }
            InnerNode::File(f) => {
                let mut out = File::create(&path).map_err(|e| failed(&path, e))?;
                io::copy(&mut fs_image.file(f).reader(), &mut out).map_err(|e| failed(&path, e))?;
                fs::set_permissions(&path, mode).map_err(|e| failed(&path, e))?;
            }
            InnerNode::Symlink(s) => {
                let _ = fs::remove_file(&path);
                symlink(&s.link, &path).map_err(|e| failed(&path, e))?;
            }
            // Devices, pipes and sockets have no place in an AppDir.
            _ => {}
        }
    }
    Ok(())
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_else(|| vec!["/usr/bin".into(), "/bin".into()])
        .into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A pipe whose ends are inherited across exec (the keep-alive must be).
fn pipe() -> Option<(i32, i32)> {
    let mut fds = [0i32; 2];
    (unsafe { libc::pipe(fds.as_mut_ptr()) } == 0).then_some((fds[0], fds[1]))
}
