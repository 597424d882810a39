//! `cargo xtask`: the maintainers' spec tasks (`spec refresh`, `spec drift`, `spec check`,
//! `spec fmt`). All logic lives in the `xtask` library; this only wires up the process.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = xtask::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
