//! Errors that help: a one-line cause plus a hint on what to do about it.
//!
//! Most code returns `anyhow::Result` and adds context as the error bubbles up
//! (file, sheet, cell). Where we know what the user should do next we attach a
//! [`Hint`], which `main` prints on its own line after the cause.

use std::fmt;

/// An error with advice attached. Build it with [`hint`].
#[derive(Debug)]
pub struct Hint {
    pub cause: String,
    pub hint: String,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cause)
    }
}

impl std::error::Error for Hint {}

/// Build an error with a cause and a hint, e.g.
/// `return Err(hint("book.xlsx is password-protected", "save an unprotected copy"))`.
pub fn hint(cause: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Hint {
        cause: cause.into(),
        hint: hint.into(),
    })
}

/// The hint attached anywhere in an error chain, if any.
pub fn find_hint(err: &anyhow::Error) -> Option<&str> {
    err.chain()
        .find_map(|e| e.downcast_ref::<Hint>())
        .map(|h| h.hint.as_str())
}
