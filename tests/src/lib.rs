//! Integration tests of dbgen; see `tests/`.
