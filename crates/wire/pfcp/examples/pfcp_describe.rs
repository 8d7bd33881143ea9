//! Prints `describe` for a hex message given on the command line, as the CLI does.

fn main() {
    let hex = std::env::args().nth(1).unwrap_or_default();
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    match ferrocore_pfcp::describe(&bytes) {
        Ok(text) => print!("{text}"),
        Err(e) => println!("error: {e} (answer with cause {})", e.cause()),
    }
}
