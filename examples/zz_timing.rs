#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use std::fmt::Write as _;
use std::time::Instant;
use zeren::{OrgSpec, Policy};
include!("/tmp/gen.rs");
fn main() {
    let (files, n) = generate(6);
    let total: usize = files.iter().map(|f| f.len()).sum();
    let t = Instant::now();
    for (i, f) in files.iter().enumerate() {
        let _ = zeren::parse_tree(&format!("{i}"), f).unwrap();
    }
    println!(
        "parse+build: {:?} for {n} units, {} MB",
        t.elapsed(),
        total / 1_000_000
    );
    let t = Instant::now();
    let _p = build(&files);
    println!("all: {:?}", t.elapsed());
    let _ = generate_spec;
}
