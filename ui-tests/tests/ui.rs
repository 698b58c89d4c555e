//! Every compile error of `#[derive(Model)]`, one minimal case per file
//! under `tests/ui/<category>/`, with the expected `.stderr` committed.
//!
//! The `.stderr` files are blessed with the toolchain named below; rustc's
//! wording changes between releases, so on any other compiler this test is
//! ignored rather than failed on wording noise. To re-bless after a
//! toolchain update: bump the version here, then run
//! `TRYBUILD=overwrite cargo nextest run -p dbgen-ui-tests` and review the diff.

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "ui .stderr files are blessed with rustc 1.95"
)]
#[test]
fn compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
}
