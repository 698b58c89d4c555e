//! A blog with a shop: the models of a complete dbgen app.
//!
//! `cargo dbgen schema` (run in this folder) prints their schema; nothing
//! here registers them by hand: deriving `Model` is enough, even for a
//! module no other code uses (see `models::category`).

pub mod models;
