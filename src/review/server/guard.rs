//! Request checks that keep other web pages and other machines out.
//!
//! - Host must be `127.0.0.1:<port>` or `localhost:<port>`: a page on an
//!   attacker's domain that re-resolves to 127.0.0.1 (DNS rebinding) sends
//!   its own host name and is refused.
//! - Every API call carries the session token in `X-Vouch-Token`; the token
//!   is only in the URL the CLI printed.
//! - Writes (any method but GET/HEAD) must not come from another origin:
//!   a present `Origin` must be this server's, and a browser's
//!   `Sec-Fetch-Site` must say same-origin (or none, for typed URLs).
//! - Responses carry a strict Content-Security-Policy and no CORS headers.

use super::Store;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Header the page sends the session token in.
pub const TOKEN_HEADER: &str = "x-vouch-token";

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Every request: Host check, then security headers on the response.
pub async fn host_and_headers(
    State(store): State<Arc<Store>>,
    request: Request,
    next: Next,
) -> Response {
    if !host_is_local(request.headers(), store.port()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "this server only answers to 127.0.0.1 or localhost",
        );
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// API requests: the session token, and same-origin writes.
pub async fn token_and_origin(
    State(store): State<Arc<Store>>,
    request: Request,
    next: Next,
) -> Response {
    let token_ok = request
        .headers()
        .get(TOKEN_HEADER)
        .is_some_and(|v| same_secret(v.as_bytes(), store.token().as_bytes()));
    if !token_ok {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "missing or wrong session token; open the URL that `vouch review` printed",
        );
    }
    let is_write = !matches!(*request.method(), Method::GET | Method::HEAD);
    if is_write && !origin_is_own(request.headers(), store.port()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "writes are only accepted from the review page itself",
        );
    }
    next.run(request).await
}

fn host_is_local(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

fn origin_is_own(headers: &HeaderMap, port: u16) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
            origin == format!("http://127.0.0.1:{port}")
                || origin == format!("http://localhost:{port}")
        }
    }
}

/// Compare without an early exit, so timing says nothing about the token.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": why }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn host_must_be_loopback_with_our_port() {
        assert!(host_is_local(&headers(&[("host", "127.0.0.1:4000")]), 4000));
        assert!(host_is_local(&headers(&[("host", "LOCALHOST:4000")]), 4000));
        assert!(!host_is_local(
            &headers(&[("host", "evil.example:4000")]),
            4000
        ));
        assert!(!host_is_local(
            &headers(&[("host", "127.0.0.1:4001")]),
            4000
        ));
        assert!(!host_is_local(&headers(&[("host", "127.0.0.1")]), 4000));
        assert!(!host_is_local(&HeaderMap::new(), 4000));
    }

    #[test]
    fn writes_from_other_origins_are_refused() {
        assert!(origin_is_own(&HeaderMap::new(), 4000));
        assert!(origin_is_own(
            &headers(&[("origin", "http://127.0.0.1:4000")]),
            4000
        ));
        assert!(!origin_is_own(
            &headers(&[("origin", "http://evil.example")]),
            4000
        ));
        assert!(!origin_is_own(&headers(&[("origin", "null")]), 4000));
        assert!(!origin_is_own(
            &headers(&[("sec-fetch-site", "cross-site")]),
            4000
        ));
    }

    #[test]
    fn token_comparison_needs_every_byte() {
        assert!(same_secret(b"abcd", b"abcd"));
        assert!(!same_secret(b"abce", b"abcd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }
}
