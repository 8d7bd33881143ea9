//! `ferrocore`: one binary, many roles. This file only wires the command line to the
//! library crates; all protocol logic lives below it.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

mod bench;
mod config;
mod nf;
mod sim;
mod up;
mod upf;

#[derive(Parser)]
#[command(
    name = "ferrocore",
    version,
    about = "A 5G Standalone core network in Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every network function in one process (all-in-one core).
    Up(up::UpArgs),
    /// Run one network function, e.g. `ferrocore nf udm --udr http://127.0.0.1:7001`.
    Nf(Box<nf::NfArgs>),
    /// Run the gNB + UE simulator against a core.
    Sim(Box<sim::SimArgs>),
    /// Provision subscribers (add, list, show, update, delete, import).
    Subscriber(Box<ferrocore_udr::cli::SubscriberArgs>),
    /// Run the built-in benchmarks and load generator.
    Bench(bench::BenchArgs),
    /// Decode one message given in hex and print it, e.g. `ferrocore decode ngap 00150035...`.
    Decode {
        /// The protocol of the message.
        #[arg(value_enum)]
        protocol: Protocol,
        /// The message as hex (spaces and colons allowed).
        hex: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Protocol {
    /// NGAP PDU (TS 38.413), as carried in SCTP DATA with PPID 60.
    Ngap,
    /// NAS-5GS message (TS 24.501), plain or security-protected.
    Nas,
    /// PFCP message (TS 29.244), as carried in UDP port 8805.
    Pfcp,
    /// GTP-U packet (TS 29.281), as carried in UDP port 2152.
    Gtpu,
}

fn main() -> std::process::ExitCode {
    // Logs go to stderr; RUST_LOG filters them (default: warnings and errors).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Up(args) => up::run(args),
        Command::Nf(args) => nf::run(*args),
        Command::Sim(args) => sim::run(*args),
        Command::Subscriber(args) => Ok(ferrocore_udr::cli::run(*args)?),
        Command::Bench(args) => bench::run(args),
        Command::Decode { protocol, hex } => {
            println!("{}", decode(protocol, &hex)?);
            Ok(())
        }
    }
}

/// Decodes `hex` with ferrocore's own codec for `protocol` and renders it for a human.
fn decode(protocol: Protocol, hex: &str) -> Result<String> {
    let clean: String = hex
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    let bytes = hex::decode(&clean).context("the message is not valid hex")?;
    Ok(match protocol {
        Protocol::Ngap => ferrocore_ngap::describe(&bytes).context("not a valid NGAP PDU")?,
        Protocol::Nas => ferrocore_nas::describe(&bytes).context("not a valid NAS-5GS message")?,
        Protocol::Pfcp => ferrocore_pfcp::describe(&bytes).context("not a valid PFCP message")?,
        Protocol::Gtpu => ferrocore_gtpu::describe(&bytes).context("not a valid GTP-U packet")?,
    })
}
