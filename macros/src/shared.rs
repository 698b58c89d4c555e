//! The runtime's dependency-free vocabulary, compiled into the derive too, so
//! compile-time checks and run-time reading agree to the byte.

#[allow(dead_code)]
#[path = "../../runtime/src/schema/logical.rs"]
pub mod logical;

#[allow(dead_code)]
#[path = "../../runtime/src/schema/names.rs"]
pub mod names;
