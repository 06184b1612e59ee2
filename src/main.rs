//! The `vouch` binary: parse the command line, run one subcommand, print a
//! one-line cause and a hint on failure. Exit codes: 0 ok, 1 error, 2 usage.

use clap::Parser;
use std::process::ExitCode;
use vouch::cmd::{Cli, Command};

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let globals = cli.globals();
    let result = match cli.command {
        Command::Import(args) => vouch::cmd::import::run(&args, &globals),
        Command::Export(args) => vouch::cmd::export::run(&args, &globals),
        Command::Review(args) => vouch::cmd::review::run(&args, &globals),
        Command::Ask(args) => vouch::cmd::ask::run(&args, &globals),
        Command::Library(args) => vouch::cmd::library::run(&args, &globals),
        Command::Eval(args) => vouch::cmd::eval::run(&args, &globals),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            if let Some(hint) = vouch::error::find_hint(&err) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(1)
        }
    }
}

/// The error chain on one line, outermost context first.
fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(|e| e.to_string().replace('\n', " "))
        .collect::<Vec<_>>()
        .join(": ")
}

/// Rust ignores SIGPIPE, so `vouch ask ... | head` would panic on a closed
/// pipe; restore the default so the process just ends, like other CLI tools.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL
    // is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
