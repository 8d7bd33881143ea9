//! The UPF of `ferrocore up`: `[upf]` and the SMF's data networks turned into the UPF
//! runtime's settings, and the N6 TUN device's addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::Command;
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use ferrocore_smf::DnnConfig;
use ferrocore_upf::UpfConfig;
use ferrocore_upf_io::{UpfHandle, UpfIoConfig, recovery_time_stamp_now};

use crate::config::Config;

/// Starts the UPF (inside the tokio runtime): N4, N3, the TUN with the UE pools (IPv4
/// and IPv6 prefix pools) routed into it, each IPv4 pool's gateway address on it and
/// each IPv6 pool's first address (in the all-zero /64, which the SMF never hands out).
pub fn start(config: &Config) -> Result<UpfHandle> {
    let section = &config.upf;
    let IpAddr::V4(n3_ipv4) = section.n3.ip() else {
        bail!("[upf] n3 must be an IPv4 address");
    };
    let mut upf = UpfConfig::new(section.n4.ip(), n3_ipv4, recovery_time_stamp_now());
    // UE addresses come from the SMF's pools, not the UPF's.
    upf.ue_ipv4_pool = None;
    let mut io = UpfIoConfig::new(upf);
    io.n4_listen = section.n4;
    io.n3_listen = section.n3;
    io.workers = section.workers.max(1);
    io.tun.name = section.tun.clone();
    io.tun.routes.clear();
    let pools = ipv4_pools(config)?;
    for (net, len) in &pools {
        io.tun.routes.push((IpAddr::V4(*net), *len));
    }
    let pools6 = ipv6_pools(config)?;
    for (net, len) in &pools6 {
        io.tun.routes.push((IpAddr::V6(*net), *len));
    }
    let handle = UpfHandle::start(io).context("starting the UPF")?;
    for (net, len) in pools {
        let gateway = Ipv4Addr::from(u32::from(net) + 1);
        let address = format!("{gateway}/{len}");
        if !ip(&["addr", "replace", &address, "dev", &section.tun])? {
            tracing::warn!(%gateway, tun = %section.tun, "could not put the pool gateway on the TUN");
        }
    }
    for (net, len) in pools6 {
        let host = Ipv6Addr::from(u128::from(net) + 1);
        let address = format!("{host}/128");
        if !ip(&[
            "-6",
            "addr",
            "replace",
            &address,
            "dev",
            &section.tun,
            "nodad",
        ])? {
            tracing::warn!(%host, %len, tun = %section.tun, "could not put the pool's address on the TUN");
        }
    }
    Ok(handle)
}

/// Runs `ip <args>`; whether it succeeded.
fn ip(args: &[&str]) -> Result<bool> {
    let status = Command::new("ip").args(args).status();
    Ok(status.context("running ip addr")?.success())
}

/// The IPv4 pools of `[[smf.dnns]]` as (network, prefix length).
fn ipv4_pools(config: &Config) -> Result<Vec<(Ipv4Addr, u8)>> {
    pools(config, |d| d.ipv4_pool.as_deref())
}

/// The IPv6 prefix pools of `[[smf.dnns]]` as (prefix, prefix length).
fn ipv6_pools(config: &Config) -> Result<Vec<(Ipv6Addr, u8)>> {
    pools(config, |d| d.ipv6_prefix_pool.as_deref())
}

/// The `address/length` pools `pick` takes from each of `[[smf.dnns]]`, parsed.
fn pools<A>(config: &Config, pick: impl Fn(&DnnConfig) -> Option<&str>) -> Result<Vec<(A, u8)>>
where
    A: FromStr,
    A::Err: std::error::Error + Send + Sync + 'static,
{
    config
        .smf
        .dnns
        .iter()
        .filter_map(pick)
        .map(|p| {
            let (net, len) = p
                .split_once('/')
                .with_context(|| format!("pool {p}: no prefix length"))?;
            Ok((
                net.parse().with_context(|| format!("pool {p}"))?,
                len.parse().with_context(|| format!("pool {p}"))?,
            ))
        })
        .collect()
}
