//! The local review web server (see `vouch review`).
