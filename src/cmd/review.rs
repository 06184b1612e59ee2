//! `vouch review REVIEW.json [--port N] [--no-open]`

use super::Globals;
use crate::review::server::{Config, Server};
use crate::review::ReviewFile;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Review file written by `vouch import`.
    pub review: PathBuf,
    /// Port on 127.0.0.1 (default: a free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Do not open a browser; just print the URL.
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(args: &Args, globals: &Globals) -> Result<()> {
    // Fail early, with the review file's own message, before binding a port.
    ReviewFile::read(&args.review)?;
    let (library, library_error) = match globals.open_library() {
        Ok(library) => (Some(library), None),
        Err(e) => {
            eprintln!("warning: {e:#}; the review page will not offer library search");
            (None, Some(format!("{e:#}")))
        }
    };
    let config = Config {
        review: args.review.clone(),
        port: args.port,
        library,
        library_error,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the review server's runtime")?;
    runtime.block_on(serve(config, !args.no_open))?;
    summarize(&args.review)
}

async fn serve(config: Config, open: bool) -> Result<()> {
    // Listen for Ctrl-C before the URL is printed, so an early Ctrl-C also
    // stops the server cleanly instead of killing it.
    let stop = shutdown_signal()?;
    let server = Server::bind(config).await?;
    let url = server.url();
    println!("Reviewing at {url}");
    println!("Every decision is saved to the review file at once. Press Ctrl-C to stop.");
    if open {
        open_browser(&url);
    }
    server.run(stop).await
}

/// Print where the review stands once the server has stopped.
fn summarize(review: &Path) -> Result<()> {
    let file = ReviewFile::read(review)?;
    println!(
        "Stopped. {} of {} items reviewed; saved in {} (revision {}).",
        file.reviewed_count(),
        file.items.len(),
        review.display(),
        file.revision
    );
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed
/// when this is called, not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Best effort: a missing opener or a headless machine is not an error.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let launched = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match launched {
        // Reap the opener when it exits; its result does not matter.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(_) => println!("(Could not start a browser; open the address above yourself.)"),
    }
}
