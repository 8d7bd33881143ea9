//! `ferrocore subscriber ...`: the provisioning commands. The binary parses
//! [`SubscriberArgs`] and calls [`run`]; everything else happens here.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::{StoreError, ValidationError};
use crate::model::{
    AuthMethod, Dnn, DnnConfiguration, Key128, Msisdn, OperatorKey, Sd, Snssai, Sst,
    SubscribedSlice, Subscriber, Supi, check_sqn,
};
use crate::provision::{self, Format, ProvisionError};
use crate::store::{self, SubscriberStore};

/// `ferrocore subscriber [--db DB] <command>`.
#[derive(Args, Debug)]
pub struct SubscriberArgs {
    /// The subscriber database: a SQLite file (path, `sqlite://PATH`) or a `postgres://` URL.
    #[arg(long, global = true, default_value = "sqlite://ferrocore.db")]
    pub db: String,
    #[command(subcommand)]
    pub command: SubscriberCommand,
}

#[derive(Subcommand, Debug)]
pub enum SubscriberCommand {
    /// Add one subscriber (defaults: AMF 8000, SQN 0, 5G_AKA, SST 1, DNN internet).
    Add(AddArgs),
    /// List subscribers in SUPI order (no secrets).
    List(ListArgs),
    /// Show one subscriber as YAML; K, OP and OPc only with --show-secrets.
    Show {
        /// IMSI, with or without `imsi-`.
        imsi: String,
        /// Also print K and OP / OPc.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Change some fields of one subscriber.
    Update(UpdateArgs),
    /// Delete one subscriber.
    Delete {
        /// IMSI, with or without `imsi-`.
        imsi: String,
    },
    /// Import a CSV or YAML provisioning file: all subscribers or, on any error, none.
    Import {
        /// The file; its extension (.csv, .yaml, .yml) gives the format unless --format does.
        file: PathBuf,
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

/// Fields of the one S-NSSAI that `add` and `update` set.
#[derive(Args, Debug, Default)]
pub struct SliceArgs {
    /// Slice/Service Type, 1-255.
    #[arg(long)]
    pub sst: Option<u32>,
    /// Slice Differentiator, 6 hex digits.
    #[arg(long)]
    pub sd: Option<String>,
    /// DNN names of the slice (repeat the option or separate with `;`).
    #[arg(long = "dnn")]
    pub dnns: Vec<String>,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// IMSI: 15 digits, with or without `imsi-`.
    pub imsi: String,
    /// K: 32 hex digits.
    #[arg(long)]
    pub k: String,
    /// OPc: 32 hex digits (give this or --op).
    #[arg(long)]
    pub opc: Option<String>,
    /// OP: 32 hex digits (give this or --opc).
    #[arg(long)]
    pub op: Option<String>,
    /// AMF: 4 hex digits.
    #[arg(long, default_value = "8000")]
    pub amf: String,
    /// The next SQN to use (decimal).
    #[arg(long, default_value_t = 0)]
    pub sqn: u64,
    #[arg(long)]
    pub msisdn: Option<String>,
    /// 5G_AKA or EAP_AKA_PRIME.
    #[arg(long, default_value = "5G_AKA")]
    pub auth_method: String,
    #[command(flatten)]
    pub slice: SliceArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// At most this many subscribers (all if not given).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Start after this IMSI.
    #[arg(long)]
    pub after: Option<String>,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// IMSI, with or without `imsi-`.
    pub imsi: String,
    #[arg(long)]
    pub k: Option<String>,
    /// Replace the operator key by this OPc.
    #[arg(long, conflicts_with = "op")]
    pub opc: Option<String>,
    /// Replace the operator key by this OP.
    #[arg(long)]
    pub op: Option<String>,
    #[arg(long)]
    pub amf: Option<String>,
    /// Raise the next SQN (the stored SQN never goes down).
    #[arg(long)]
    pub sqn: Option<u64>,
    #[arg(long, conflicts_with = "no_msisdn")]
    pub msisdn: Option<String>,
    /// Remove the MSISDN.
    #[arg(long)]
    pub no_msisdn: bool,
    #[arg(long)]
    pub auth_method: Option<String>,
    /// Remove the SD of the default S-NSSAI.
    #[arg(long, conflicts_with = "sd")]
    pub no_sd: bool,
    #[command(flatten)]
    pub slice: SliceArgs,
}

/// Why a `ferrocore subscriber` command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Provision(#[from] ProvisionError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

/// Runs one command, printing to stdout.
pub fn run(args: SubscriberArgs) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    rt.block_on(async {
        let store = store::open(&args.db).await?;
        let mut out = std::io::stdout().lock();
        execute(store.as_ref(), args.command, &mut out).await
    })
}

/// Runs one command against `store`, writing what it prints to `out`.
pub async fn execute(
    store: &dyn SubscriberStore,
    cmd: SubscriberCommand,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match cmd {
        SubscriberCommand::Add(a) => {
            let s = subscriber_from(a)?;
            store.create(&s).await?;
            writeln!(out, "added {}", s.supi)?;
        }
        SubscriberCommand::List(l) => list(store, l, out).await?,
        SubscriberCommand::Show { imsi, show_secrets } => {
            let s = store.get(&Supi::parse(&imsi)?).await?;
            out.write_all(render(&s, show_secrets).as_bytes())?;
        }
        SubscriberCommand::Update(u) => {
            let supi = Supi::parse(&u.imsi)?;
            let mut s = store.get(&supi).await?;
            apply(&mut s, u)?;
            store.update(&s).await?;
            writeln!(out, "updated {supi}")?;
        }
        SubscriberCommand::Delete { imsi } => {
            let supi = Supi::parse(&imsi)?;
            store.delete(&supi).await?;
            writeln!(out, "deleted {supi}")?;
        }
        SubscriberCommand::Import { file, format } => {
            let subs = provision::read_file(&file, format)?;
            let n = store.import(&subs).await?;
            writeln!(out, "imported {n} subscribers")?;
        }
    }
    Ok(())
}

fn subscriber_from(a: AddArgs) -> Result<Subscriber, ValidationError> {
    let opc = a
        .opc
        .as_deref()
        .map(|v| Key128::from_hex("OPc", v))
        .transpose()?;
    let op =
        a.op.as_deref()
            .map(|v| Key128::from_hex("OP", v))
            .transpose()?;
    let mut s = Subscriber::new(
        Supi::parse(&a.imsi)?,
        Key128::from_hex("K", &a.k)?,
        OperatorKey::from_options(opc, op)?,
    );
    s.amf = a.amf.parse()?;
    s.sqn = check_sqn(a.sqn)?;
    s.msisdn = a.msisdn.as_deref().map(Msisdn::parse).transpose()?;
    s.auth_method = a.auth_method.parse::<AuthMethod>()?;
    apply_slice(&mut s, &a.slice, false)?;
    s.validate()?;
    Ok(s)
}

fn apply(s: &mut Subscriber, u: UpdateArgs) -> Result<(), ValidationError> {
    if let Some(v) = &u.k {
        s.k = Key128::from_hex("K", v)?;
    }
    if let Some(v) = &u.opc {
        s.operator_key = OperatorKey::Opc(Key128::from_hex("OPc", v)?);
    }
    if let Some(v) = &u.op {
        s.operator_key = OperatorKey::Op(Key128::from_hex("OP", v)?);
    }
    if let Some(v) = &u.amf {
        s.amf = v.parse()?;
    }
    if let Some(v) = u.sqn {
        s.sqn = check_sqn(v)?;
    }
    if let Some(v) = &u.msisdn {
        s.msisdn = Some(Msisdn::parse(v)?);
    }
    if u.no_msisdn {
        s.msisdn = None;
    }
    if let Some(v) = &u.auth_method {
        s.auth_method = v.parse()?;
    }
    apply_slice(s, &u.slice, u.no_sd)?;
    s.validate()
}

/// Sets SST / SD / DNNs of the first (default) slice, creating it if there is none.
fn apply_slice(s: &mut Subscriber, a: &SliceArgs, no_sd: bool) -> Result<(), ValidationError> {
    if a.sst.is_none() && a.sd.is_none() && a.dnns.is_empty() && !no_sd {
        return Ok(());
    }
    if s.slices.is_empty() {
        s.slices = crate::model::default_slices();
    }
    let slice: &mut SubscribedSlice = &mut s.slices[0];
    if let Some(v) = a.sst {
        slice.snssai.sst = Sst::new(v)?;
    }
    if let Some(v) = &a.sd {
        slice.snssai.sd = Some(v.parse::<Sd>()?);
    }
    if no_sd {
        slice.snssai = Snssai {
            sd: None,
            ..slice.snssai
        };
    }
    if !a.dnns.is_empty() {
        slice.dnns = a
            .dnns
            .iter()
            .flat_map(|d| d.split(';'))
            .map(|d| Dnn::parse(d.trim()).map(DnnConfiguration::with_defaults))
            .collect::<Result<_, _>>()?;
    }
    Ok(())
}

async fn list(
    store: &dyn SubscriberStore,
    l: ListArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut after = l.after.as_deref().map(Supi::parse).transpose()?;
    let mut left = l.limit.unwrap_or(u64::MAX);
    writeln!(out, "SUPI\tMSISDN\tSQN\tAUTH\tS-NSSAI:DNN")?;
    while left > 0 {
        let page = store.list(after.as_ref(), left.min(1000) as u32).await?;
        for s in &page.subscribers {
            writeln!(out, "{}", summary(s))?;
        }
        left -= page.subscribers.len() as u64;
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    Ok(())
}

/// One line of `list`: never a secret.
fn summary(s: &Subscriber) -> String {
    let slices: Vec<String> = s
        .slices
        .iter()
        .map(|sl| {
            let dnns: Vec<&str> = sl.dnns.iter().map(|d| d.dnn.as_str()).collect();
            format!(
                "{}{}:{}",
                sl.snssai,
                if sl.default { "*" } else { "" },
                dnns.join(";")
            )
        })
        .collect();
    let msisdn = s.msisdn.as_ref().map_or("-", |m| m.as_str());
    format!(
        "{}\t{msisdn}\t{}\t{}\t{}",
        s.supi,
        s.sqn,
        s.auth_method.as_str(),
        slices.join(" ")
    )
}

/// The YAML of `show`, secrets masked unless asked for.
fn render(s: &Subscriber, show_secrets: bool) -> String {
    let mut v = match serde_yaml_ng::to_value(s) {
        Ok(v) => v,
        Err(e) => return format!("# cannot render: {e}\n"),
    };
    if !show_secrets && let Some(m) = v.as_mapping_mut() {
        for key in ["k", "opc", "op"] {
            if let Some(slot) = m.get_mut(key) {
                *slot = "<hidden: --show-secrets>".into();
            }
        }
    }
    serde_yaml_ng::to_string(&v).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}
