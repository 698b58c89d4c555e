//! The one error type of the `dbgen` crate.

/// Everything that can go wrong in dbgen's runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two models registered the same table name.
    #[error(
        "table `{table}` is defined by two models, `{first}` and `{second}`; give one of them another name with #[model(table = \"...\")]"
    )]
    DuplicateTable {
        /// The table name.
        table: String,
        /// Rust type of the first model.
        first: &'static str,
        /// Rust type of the second model.
        second: &'static str,
    },
    /// A schema JSON document could not be read.
    #[error("the schema JSON is not valid: {0}")]
    SchemaJson(#[source] serde_json::Error),
    /// A `renamed_from` hint that cannot be a plain rename (two claims on
    /// one old name, a rename onto a name that exists, a chain or a swap).
    #[error("{0}")]
    Rename(String),
    /// A schema read from JSON contradicts itself (see [`crate::schema::Schema::check`]).
    #[error("the schema JSON is not consistent: {0}")]
    InvalidSchema(String),
    /// A schema JSON document has a layout version this build does not know.
    #[error(
        "the schema JSON has format_version {found}, this dbgen reads {supported}; regenerate it with this version of dbgen"
    )]
    SchemaVersion {
        /// Version found in the document.
        found: u32,
        /// Version this build reads and writes.
        supported: u32,
    },
    /// Writing the loader's output failed.
    #[error("could not write the schema to standard output")]
    Output(#[source] std::io::Error),
    /// The loader was asked for something it does not know.
    #[error(
        "unknown loader request `{0}`; this program was started by a different version of cargo-dbgen"
    )]
    LoaderRequest(String),
    /// A dialect name or URL scheme dbgen does not know.
    #[error("unknown SQL dialect `{0}`; expected one of: postgres, mysql, sqlite, sqlserver")]
    UnknownDialect(String),
    /// A model's generated definition could not be read.
    #[error(
        "the generated definition of model `{model}` could not be read ({message}); dbgen and dbgen-macros must be the same version: run `cargo update -p dbgen`"
    )]
    ModelDefinition {
        /// Rust type of the model.
        model: &'static str,
        /// What was wrong.
        message: String,
    },
    /// A foreign key of a model does not fit the model it references.
    #[error("model `{model}`: foreign key `{key}` references `{target}`, but {problem}")]
    ForeignKey {
        /// Rust type of the referencing model.
        model: &'static str,
        /// The key's name.
        key: String,
        /// `table(columns)` it references.
        target: String,
        /// What does not fit, and what to do.
        problem: String,
    },
    /// The dialect cannot express a change.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A value longer than its column holds.
    #[error(
        "a value of `{table}.{column}` has {found} {unit}, and the column holds at most {max}; PostgreSQL and MySQL refuse it (SQLite would keep it): shorten the value, or make the column longer"
    )]
    TooLong {
        table: String,
        column: String,
        found: usize,
        max: u32,
        unit: &'static str,
    },
    /// A decimal with more digits before the point than its column holds.
    #[error(
        "`{table}.{column}` is decimal({precision},{scale}), which holds {precision} digits with {scale} after the point; {value} does not fit, and PostgreSQL and MySQL refuse it (SQLite would keep it)"
    )]
    OutOfRange {
        table: String,
        column: String,
        value: String,
        precision: u32,
        scale: u32,
    },
    /// A check or index predicate reads a column its table does not have.
    #[error("{0}")]
    Expression(String),
    /// A `diff.skip` entry names no kind of drop.
    #[error(
        "`{0}` in diff.skip is not a kind of drop; diff.skip takes drop_table, drop_column, drop_index, drop_foreign_key and drop_check (a skipped addition, rename or alteration would leave the database without what the models need)"
    )]
    UnknownChangeKind(String),
    /// A file or directory could not be read or written.
    #[error("could not read or write {path}")]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file in the migration directory is not named as sqlx expects.
    #[error("{file}: {why}")]
    MigrationName {
        /// The file name.
        file: String,
        /// What is wrong and what to do.
        why: String,
    },
    /// The migration directory's schema snapshot could not be read.
    #[error("{path} (the schema the migrations produce) cannot be read")]
    Snapshot {
        /// The snapshot file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: Box<Error>,
    },
    /// The migration directory holds migrations but no schema snapshot.
    #[error(
        "{dir} has {count} migration(s) but no {file}, the schema they produce; diffing against an empty schema would create every table again"
    )]
    MissingSnapshot {
        /// The migration directory.
        dir: std::path::PathBuf,
        /// How many migrations it holds.
        count: usize,
        /// The snapshot's file name.
        file: &'static str,
    },
    /// The migration directory does not match its `dbgen.sum`.
    #[error("the migration directory does not match dbgen.sum: {0}")]
    SumMismatch(String),
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A value could not be bound to a statement.
    #[error("could not bind a value: {0}")]
    Bind(String),
    /// A column could not be read into its field.
    #[error("could not read a row: {0}")]
    Decode(String),
    /// The row to change does not exist (or is soft-deleted).
    #[error("no live row in `{table}` with {key}; it was deleted, or never existed")]
    NotFound {
        /// The table.
        table: String,
        /// The key, as `column = value`.
        key: String,
    },
    /// Restoring a soft-deleted row would break a unique key among live rows.
    #[error(
        "cannot restore the row of `{table}` with {key}: a live row already holds the same unique value ({detail}); change or delete that row first"
    )]
    RestoreConflict {
        /// The table.
        table: String,
        /// The key, as `column = value`.
        key: String,
        /// What the database said.
        detail: String,
    },
    /// A column name that the table does not have.
    #[error("`{column}` is not a column of `{table}`{hint}")]
    UnknownColumn {
        /// The table.
        table: String,
        /// The name given.
        column: String,
        /// What was probably meant (`; the field `x` is column `y``), or
        /// nothing.
        hint: String,
    },
}
