//! `cargo run -p ferrocore-nas --example describe -- <hex>`: what `ferrocore decode nas` prints.

fn main() {
    let arg: String = std::env::args().nth(1).unwrap_or_default();
    let bytes: Vec<u8> = (0..arg.len() / 2)
        .filter_map(|i| u8::from_str_radix(&arg[2 * i..2 * i + 2], 16).ok())
        .collect();
    match ferrocore_nas::describe(&bytes) {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("error: {e} (5GMM cause {:?})", e.gmm_cause());
            std::process::exit(1);
        }
    }
}
