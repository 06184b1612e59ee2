//! The page's files, embedded in the binary: no build step, no CDN, no
//! external fonts. Serving them needs no token (they hold no data); the
//! page reads the token from its own URL and sends it with every API call.

use super::Store;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const FAVICON_SVG: &str = include_str!("../assets/favicon.svg");

pub fn routes() -> Router<Arc<Store>> {
    Router::new()
        .route("/", get(|| file("text/html; charset=utf-8", INDEX_HTML)))
        .route(
            "/app.js",
            get(|| file("text/javascript; charset=utf-8", APP_JS)),
        )
        .route("/app.css", get(|| file("text/css; charset=utf-8", APP_CSS)))
        .route("/favicon.svg", get(|| file("image/svg+xml", FAVICON_SVG)))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

async fn file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type)], body)
}
