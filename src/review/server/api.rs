//! The JSON API the page talks to. All routes sit behind the token and
//! origin guard (`guard.rs`); file work runs on the blocking pool.
//!
//! - `GET  /api/review`          the whole review (items, revision, warnings)
//! - `POST /api/change`          `{revision, kind: "item", key, decision}` or
//!   `{revision, kind: "bulk-accept", sheet, section}`; 409 when `revision`
//!   is not the file's current one
//! - `GET  /api/search?q=&n=`    library entries for free text
//! - `POST /api/export`          `{include_unreviewed}`: the CLI's export

use super::store::ChangeError;
use super::{view, Store};
use crate::review::decide::{Change, Refusal};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

type Shared = State<Arc<Store>>;

pub fn routes() -> Router<Arc<Store>> {
    Router::new()
        .route("/review", get(review))
        .route("/change", post(change))
        .route("/search", get(search))
        .route("/export", post(export))
}

async fn review(State(store): Shared) -> Response {
    blocking(move || {
        store
            .read(|file| Json(view::review(file, &store)).into_response())
            .unwrap_or_else(internal)
    })
    .await
}

#[derive(Deserialize)]
struct ChangeRequest {
    revision: u64,
    #[serde(flatten)]
    change: Change,
}

async fn change(State(store): Shared, Json(request): Json<ChangeRequest>) -> Response {
    blocking(move || {
        let saved = store.change(request.revision, &request.change, |file, keys| {
            let items: Vec<_> = file
                .items
                .iter()
                .filter(|i| keys.contains(&i.key))
                .map(|i| view::item(i, &store))
                .collect();
            Json(json!({
                "revision": file.revision,
                "changed": keys.len(),
                "items": items,
            }))
            .into_response()
        });
        match saved {
            Ok(response) => response,
            Err(ChangeError::Refused(refusal)) => refused(&refusal),
            Err(ChangeError::Failed(e)) => internal(e),
        }
    })
    .await
}

#[derive(Deserialize)]
struct SearchParams {
    q: String,
    #[serde(default = "default_hits")]
    n: usize,
}

fn default_hits() -> usize {
    8
}

async fn search(State(store): Shared, Query(params): Query<SearchParams>) -> Response {
    blocking(
        move || match store.search(&params.q, params.n.clamp(1, 25)) {
            Ok(hits) => {
                let hits: Vec<_> = hits.iter().map(|s| view::suggestion(s, &store)).collect();
                Json(json!({ "results": hits })).into_response()
            }
            Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &format!("{e:#}")),
        },
    )
    .await
}

#[derive(Deserialize)]
struct ExportRequest {
    #[serde(default)]
    include_unreviewed: bool,
}

async fn export(State(store): Shared, Json(request): Json<ExportRequest>) -> Response {
    blocking(move || match store.export(request.include_unreviewed) {
        Ok(summary) => Json(summary).into_response(),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, &export_message(&e)),
    })
    .await
}

/// The error's one-line cause plus its hint, as the CLI would print them.
fn export_message(e: &anyhow::Error) -> String {
    let cause = e
        .chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    match crate::error::find_hint(e) {
        Some(hint) => format!("{cause} (hint: {hint})"),
        None => cause,
    }
}

/// Run file or index work off the async threads.
async fn blocking(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(work).await {
        Ok(response) => response,
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("request failed: {e}"),
        ),
    }
}

fn refused(refusal: &Refusal) -> Response {
    let status = match refusal {
        Refusal::Stale { .. } => StatusCode::CONFLICT,
        Refusal::UnknownItem(_) => StatusCode::NOT_FOUND,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut body = json!({ "error": refusal.to_string() });
    if let Refusal::Stale { current, .. } = refusal {
        body["revision"] = json!(current);
    }
    (status, Json(body)).into_response()
}

fn internal(e: anyhow::Error) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}"))
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}
