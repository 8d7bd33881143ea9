//! `ferrocore`: one binary, many roles. This file only wires the command line to the
//! library crates; all protocol logic lives below it.

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ferrocore", version, about = "A 5G Standalone core network in Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every network function in one process (all-in-one core).
    Up,
    /// Run one network function, e.g. `ferrocore nf amf`.
    Nf {
        /// The network function: amf, smf, upf, ausf, udm, udr, nrf, pcf, nssf.
        name: String,
    },
    /// Run the gNB + UE simulator against a core.
    Sim,
    /// Provision subscribers (add, list, show, update, delete, import).
    Subscriber,
    /// Run the built-in benchmarks and load generator.
    Bench,
}

fn main() -> std::process::ExitCode {
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
        Command::Up => not_yet("up", "the AMF and simulator (issue #5)"),
        Command::Nf { name } => not_yet(&format!("nf {name}"), "the network functions (issues #4-#6)"),
        Command::Sim => not_yet("sim", "the AMF and simulator (issue #5)"),
        Command::Subscriber => not_yet("subscriber", "the UDR/UDM work (issue #4)"),
        Command::Bench => not_yet("bench", "the simulator's load generator (issue #5)"),
    }
}

/// Roles that later work fills in answer with a clear error rather than pretending.
fn not_yet(role: &str, arrives_with: &str) -> Result<()> {
    bail!("`ferrocore {role}` is not in this build yet; it arrives with {arrives_with}")
}
