//! Compile-fail tests of `#[derive(Model)]`; see `tests/ui/`.
