//! The local review web server behind `vouch review`.
//!
//! It binds 127.0.0.1 only and serves one page (embedded assets, nothing
//! fetched from elsewhere) plus a small JSON API. Every API call carries a
//! random per-session token; every request must name 127.0.0.1 or localhost
//! in its Host header (DNS rebinding); writes must come from the page's own
//! origin (CSRF). No CORS headers are ever sent, bodies are capped at
//! [`BODY_LIMIT`], and each decision is saved to the review file atomically
//! before the page hears about it, so stopping the server at any moment
//! loses at most the request in flight.

mod api;
mod assets;
mod export;
mod guard;
mod store;
mod view;

pub use store::Store;

use crate::library::Library;
use anyhow::{Context, Result};
use axum::Router;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// Largest request body accepted (a decision is a few kB at most).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What the server needs to start.
pub struct Config {
    /// The review file to serve and update.
    pub review: PathBuf,
    /// Port on 127.0.0.1; `None` picks a free one.
    pub port: Option<u16>,
    /// The answer library for search and picking other entries; without it
    /// the page still works but cannot search.
    pub library: Option<Library>,
    /// Why the library is missing, shown in the page.
    pub library_error: Option<String>,
}

/// A bound, not yet running server.
pub struct Server {
    listener: tokio::net::TcpListener,
    store: Arc<Store>,
}

impl Server {
    /// Check the review file, prepare the library's matcher and bind the port.
    pub async fn bind(config: Config) -> Result<Server> {
        let port = config.port.unwrap_or(0);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| {
                crate::error::hint(
                    format!("cannot listen on 127.0.0.1:{port}: {e}"),
                    "choose another port with --port, or leave it out to use a free one",
                )
            })?;
        let port = listener.local_addr().context("no local address")?.port();
        let store = Store::open(config, port, new_token()?)?;
        Ok(Server {
            listener,
            store: Arc::new(store),
        })
    }

    pub fn port(&self) -> u16 {
        self.store.port()
    }

    pub fn token(&self) -> &str {
        self.store.token()
    }

    /// The address to open, with the session token.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.port(), self.token())
    }

    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// Serve until `shutdown` completes, then finish the requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        axum::serve(self.listener, router(self.store))
            .with_graceful_shutdown(shutdown)
            .await
            .context("the review server stopped with an error")
    }
}

/// The whole application: page, assets and API behind the guards.
pub fn router(store: Arc<Store>) -> Router {
    let api = api::routes()
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&store),
            guard::token_and_origin,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT));
    Router::new()
        .nest("/api", api)
        .merge(assets::routes())
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&store),
            guard::host_and_headers,
        ))
        .with_state(store)
}

/// 128 random bits, hex: the per-session token.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot get random bytes for the session token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
