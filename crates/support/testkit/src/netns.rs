//! Linux network namespaces for tests that need real interfaces: a root check that
//! honours `FERROCORE_SKIP_NETNS=1`, `ip` (iproute2) calls that panic with its stderr,
//! a [`Namespace`] guard deleted on drop, veth pairs between namespaces, and moving a
//! thread into a namespace.

use std::process::Command;

/// Whether to skip a test that needs root for namespaces: true (after saying so) when
/// `FERROCORE_SKIP_NETNS=1`; otherwise panics unless running as root. `what` names the
/// test in both messages, e.g. "the raw SCTP netns test".
pub fn skip_unless_root(what: &str) -> bool {
    if std::env::var("FERROCORE_SKIP_NETNS").as_deref() == Ok("1") {
        eprintln!("FERROCORE_SKIP_NETNS=1: {what} skipped");
        return true;
    }
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    assert_eq!(uid, 0, "{what} needs root (or set FERROCORE_SKIP_NETNS=1)");
    false
}

/// Runs `ip` with `args`, panicking (with its stderr) unless it succeeds.
pub fn ip(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .expect("run `ip` (iproute2)");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `sysctl -qw kv` inside namespace `ns`, panicking unless it succeeds.
pub fn sysctl(ns: &str, kv: &str) {
    ip(&["netns", "exec", ns, "sysctl", "-qw", kv]);
}

/// Deletes namespace `name` (and everything in it), ignoring whether it existed.
pub fn delete(name: &str) {
    let _ = Command::new("ip").args(["netns", "del", name]).status();
}

/// A network namespace with its loopback up, deleted (with everything in it) on drop.
/// Derefs to its name.
#[derive(Debug)]
pub struct Namespace(String);

impl Namespace {
    /// Adds namespace `name` and brings its loopback up.
    pub fn new(name: impl Into<String>) -> Self {
        let ns = Namespace(name.into());
        ip(&["netns", "add", &ns.0]);
        ip(&["-n", &ns.0, "link", "set", "lo", "up"]);
        ns
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Namespace {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        delete(&self.0);
    }
}

/// A veth pair: `a_dev` in namespace `a` with `a_addr`, `b_dev` in `b` with `b_addr`
/// (addresses with their prefix length, e.g. "10.201.1.2/24"); both ends up.
pub fn veth(a: &str, a_dev: &str, a_addr: &str, b: &str, b_dev: &str, b_addr: &str) {
    ip(&[
        "link", "add", a_dev, "netns", a, "type", "veth", "peer", "name", b_dev, "netns", b,
    ]);
    for (ns, dev, addr) in [(a, a_dev, a_addr), (b, b_dev, b_addr)] {
        ip(&["-n", ns, "addr", "add", addr, "dev", dev]);
        ip(&["-n", ns, "link", "set", dev, "up"]);
    }
}

/// Moves the calling thread into network namespace `name`.
pub fn enter(name: &str) {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(format!("/var/run/netns/{name}")).expect("netns file");
    // SAFETY: a valid namespace descriptor; only this thread changes namespace.
    let r = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
}
