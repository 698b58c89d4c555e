//! `renamed_from` hints that cannot be a plain rename.
//!
//! A hint applies when its old name exists now and its new name does not,
//! and nothing else wants the old name. Where the names overlap, what was
//! meant is not clear from the schemas, and each reading writes a
//! different migration: two tables claiming one old table, a rename onto
//! a name that exists, a rename whose old name the same migration gives
//! to something else (a new table, or another rename: a chain or a swap).
//! The diff used to ignore such a hint, which turned the rename into a
//! drop and an add (data lost) or into a type change of the wrong column.
//! These are refused, each saying how to get there in steps.
//!
//! A hint whose rename was applied by an earlier migration (old name gone,
//! or taken again later by a table or column of its own) stays harmless.

use crate::Error;
use crate::schema::{ByName, Schema, Str, Table};

/// Refuses the hints of `desired` that cannot be a plain rename from
/// `current`, naming the first one.
pub(crate) fn check_hints(current: &Schema, desired: &Schema) -> Result<(), Error> {
    let now = ByName::of(current);
    let wanted = ByName::of(desired);
    let hinted = |t: &Table| t.renamed_from.clone();
    check_names(
        "table",
        "",
        desired.tables.iter().map(|t| (&t.name, hinted(t))),
        |name| now.table(name).is_some(),
        |name| wanted.table(name).map(hinted),
    )?;
    for table in desired.tables.iter().filter(|t| t.has_hints()) {
        // The table as it is now: under its name, or the old one of its
        // rename.
        let Some(existing) = crate::plan::table_before(current, desired, &table.name) else {
            continue;
        };
        let hinted = |name: &str| table.column(name).map(|c| c.renamed_from().map(Str::from));
        check_names(
            "column",
            &format!(" of `{}`", table.name),
            table
                .columns
                .iter()
                .map(|c| (&c.name, c.renamed_from().map(Str::from))),
            |name| existing.column(name).is_some(),
            hinted,
        )?;
    }
    Ok(())
}

/// The rules for one list of names: `items` are the desired names with
/// their hints, `exists_now` tells whether a name exists now, and
/// `wanted` gives the hint of the desired item of a name (`None` when no
/// item has that name).
fn check_names<'a>(
    what: &str,
    place: &str,
    items: impl Iterator<Item = (&'a Str, Option<Str>)> + Clone,
    exists_now: impl Fn(&str) -> bool,
    wanted: impl Fn(&str) -> Option<Option<Str>>,
) -> Result<(), Error> {
    for (name, old) in items.clone() {
        let Some(old) = old.filter(|old| exists_now(old)) else {
            continue;
        };
        let refuse = |why: String| {
            Err(Error::Rename(format!(
                "{what} `{name}`{place}: renamed_from = \"{old}\" {why}"
            )))
        };
        if let Some((other, _)) = items
            .clone()
            .find(|(other, hint)| *other != name && hint.as_deref() == Some(&*old))
            .filter(|(other, _)| !exists_now(other) && !exists_now(name))
        {
            return refuse(format!(
                "is also the hint of {what} `{other}`; one {what} can take `{old}`'s place: remove one of the hints"
            ));
        }
        // `name` itself moves on to another name in this migration.
        if let Some((next, _)) = items
            .clone()
            .find(|(other, hint)| *other != name && hint.as_deref() == Some(&**name))
            .filter(|_| exists_now(name) && wanted(&old).is_none())
        {
            return refuse(format!(
                "while {what} `{next}` is renamed_from = \"{name}\": renames that chain cannot run in one migration; generate the rename of `{name}` to `{next}` first, then the next"
            ));
        }
        match (exists_now(name), wanted(&old)) {
            // Old and new both exist, and the old name stays: a hint an
            // earlier migration applied, unless the two trade names.
            (true, Some(Some(back))) if back == *name => {
                return refuse(format!(
                    "and {what} `{old}` renamed_from = \"{name}\" swap their names, which one migration cannot do: rename one of them to a name neither has, generate that migration, then finish the swap in the next"
                ));
            }
            (true, Some(_)) => {}
            (true, None) => {
                return refuse(format!(
                    "cannot apply: `{name}` and `{old}` both exist now. If `{old}` was renamed to `{name}` by an earlier migration, remove the hint; otherwise drop or rename one of them in a migration of its own first"
                ));
            }
            (false, Some(Some(before))) => {
                return refuse(format!(
                    "names {what} `{old}`, which is itself renamed_from = \"{before}\": renames that chain cannot run in one migration; generate the rename of `{old}` to `{name}` first, then the next"
                ));
            }
            (false, Some(None)) => {
                return refuse(format!(
                    "names {what} `{old}`, which the models still define: a rename needs its old name to go. If `{name}` is new, remove the hint; to rename `{old}` and add a new `{old}`, generate the rename first and add the new `{old}` in the next migration"
                ));
            }
            (false, None) => {}
        }
    }
    Ok(())
}
