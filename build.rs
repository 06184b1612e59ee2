//! Rebuild when the starter library changes: the binary embeds
//! `answer-library/` with `include_dir!`, which cargo cannot see on its own.

fn main() {
    println!("cargo:rerun-if-changed=answer-library");
}
