#!/usr/bin/env python3
"""Compile cost of #[derive(Model)] against plain structs and sqlx::FromRow.

Generates, under bench/work/compile_cost/, one leaf crate per (variant, size):
the same N structs of 20 fields each, as

  plain    #[derive(Debug, Clone)]
  fromrow  #[derive(Debug, Clone, sqlx::FromRow)]
  dbgen    #[derive(Debug, Clone, dbgen::Model)] with soft_delete, audit,
           timestamps, a unique and an indexed column, a foreign key

builds every dependency once, then times `cargo check` and `cargo build` of
each leaf crate alone (dependencies prebuilt, incremental compilation off so
every run compiles the whole leaf), taking the median of --runs runs. All
variants are measured in the same run, interleaved, so machine noise hits
them alike. Prints the table and the goal ratios; --record writes them to
bench/README.md between the compile-cost markers.

Also builds two binaries that call every runtime helper for --calls (200)
models: one through dbgen, one with the same queries written by hand in
sqlx (structs deriving sqlx::FromRow). Goal: dbgen's build at most 1.2x.

Usage: python3 bench/compile_cost.py [--sizes 50,200,1000] [--runs 3] [--calls 200] [--record]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "compile_cost"
VARIANTS = ["plain", "fromrow", "dbgen"]

# 20 fields: the key, 16 data fields, and the three timestamps.
DATA_FIELDS = [
    ("name", "String", '#[column(size = 200)]'),
    ("email", "String", '#[column(size = 255, unique)]'),
    ("description", "Option<String>", ""),
    ("status", "String", "#[column(size = 20, default = \"'active'\")]"),
    ("price", "f64", ""),
    ("quantity", "i32", ""),
    ("is_active", "bool", ""),
    ("owner_id", "i64", '#[column(index, references = "owners(id)", on_delete = "cascade")]'),
    ("parent_id", "Option<i64>", ""),
    ("rating", "Option<f64>", ""),
    ("code", "String", '#[column(size = 32)]'),
    ("notes", "Option<String>", ""),
    ("priority", "i16", ""),
    ("external_ref", "Option<String>", '#[column(size = 64)]'),
    ("token", "Option<String>", "#[column(sensitive)]"),
    ("published_at", "Option<chrono::DateTime<chrono::Utc>>", ""),
]
TS = "Option<chrono::DateTime<chrono::Utc>>"


def model(variant: str, i: int) -> str:
    derives = {"plain": "Debug, Clone", "fromrow": "Debug, Clone, sqlx::FromRow", "dbgen": "Debug, Clone, dbgen::Model"}[variant]
    lines = [f"#[derive({derives})]"]
    if variant == "dbgen":
        lines.append(f'#[model(table = "t{i}", soft_delete, audit, timestamps)]')
    lines.append(f"pub struct Model{i} {{")
    key_attr = "#[column(primary_key)]" if variant == "dbgen" else ""
    fields = [("id", "i64", key_attr)] + DATA_FIELDS + [("created_at", TS, ""), ("updated_at", TS, ""), ("deleted_at", TS, "")]
    assert len(fields) == 20
    for name, ty, attr in fields:
        if attr and variant == "dbgen":
            lines.append(f"    {attr}")
        lines.append(f"    pub {name}: {ty},")
    lines.append("}\n")
    return "\n".join(lines)


def calls_crate(variant: str, n: int) -> str:
    """A binary calling every helper of n models (dbgen) or the same queries by hand."""
    names = ["id"] + [f for f, _, _ in DATA_FIELDS] + ["created_at", "updated_at", "deleted_at"]
    data = names[1:]
    out = ["#![allow(dead_code, unused_must_use, clippy::all)]", "use sqlx::SqlitePool;"]
    if variant == "dbgen":
        out.append("use dbgen::Model;")
    for i in range(n):
        out.append(model(variant, i).replace("#[derive(", "#[derive(Default, ", 1))
        if variant == "dbgen":
            out.append(f"""async fn use_{i}(pool: &SqlitePool) -> Result<(), dbgen::Error> {{
    let mut m = Model{i}::default().insert(pool).await?;
    m.update(pool).await?;
    Model{i}::find(pool, m.id).await?;
    Model{i}::query().filter("status = ", "active".to_string()).limit(10).fetch_all(pool).await?;
    Model{i}::query().count(pool).await?;
    Model{i}::insert_many(pool, vec![Model{i}::default(), Model{i}::default()], 100).await?;
    m.delete(pool).await?;
    m.restore(pool).await?;
    Model{i}::delete_by_id(pool, m.id).await?;
    Model{i}::restore_by_id(pool, m.id).await?;
    Model{i}::restore_all(pool).await?;
    Model{i}::count_trashed(pool).await?;
    Model{i}::is_trashed(pool, m.id).await?;
    m.force_delete(pool).await?;
    Model{i}::force_delete_by_id(pool, m.id).await?;
    Ok(())
}}""")
        else:
            cols = ", ".join(data)
            marks = ", ".join("?" for _ in data)
            sets = ", ".join(f"{c} = ?" for c in data)
            binds = "".join(f".bind(&m.{c})" for c in data)
            out.append(f"""async fn insert_{i}(pool: &SqlitePool, m: &Model{i}) -> sqlx::Result<Model{i}> {{
    sqlx::query_as::<_, Model{i}>("INSERT INTO t{i} ({cols}) VALUES ({marks}) RETURNING *"){binds}.fetch_one(pool).await
}}
async fn use_{i}(pool: &SqlitePool) -> sqlx::Result<()> {{
    let m = insert_{i}(pool, &Model{i}::default()).await?;
    sqlx::query("UPDATE t{i} SET {sets} WHERE id = ? AND deleted_at IS NULL"){binds}.bind(m.id).execute(pool).await?;
    sqlx::query_as::<_, Model{i}>("SELECT * FROM t{i} WHERE id = ? AND deleted_at IS NULL").bind(m.id).fetch_optional(pool).await?;
    sqlx::query_as::<_, Model{i}>("SELECT * FROM t{i} WHERE deleted_at IS NULL AND status = ? LIMIT ?").bind("active").bind(10i64).fetch_all(pool).await?;
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t{i} WHERE deleted_at IS NULL").fetch_one(pool).await?;
    let mut tx = pool.begin().await?;
    for row in [Model{i}::default(), Model{i}::default()] {{
        sqlx::query_as::<_, Model{i}>("INSERT INTO t{i} ({cols}) VALUES ({marks}) RETURNING *"){binds.replace("&m.", "&row.")}.fetch_one(&mut *tx).await?;
    }}
    tx.commit().await?;
    sqlx::query("UPDATE t{i} SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL").bind(chrono::Utc::now()).bind(m.id).execute(pool).await?;
    sqlx::query("UPDATE t{i} SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL").bind(m.id).execute(pool).await?;
    sqlx::query("UPDATE t{i} SET deleted_at = NULL WHERE deleted_at IS NOT NULL").execute(pool).await?;
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t{i} WHERE deleted_at IS NOT NULL").fetch_one(pool).await?;
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM t{i} WHERE id = ? AND deleted_at IS NOT NULL").bind(m.id).fetch_one(pool).await?;
    sqlx::query("DELETE FROM t{i} WHERE id = ?").bind(m.id).execute(pool).await?;
    Ok(())
}}""")
    calls = "\n".join(f"    use_{i}(&pool).await;" for i in range(n))
    out.append(f"""#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let pool = SqlitePool::connect("sqlite::memory:").await.expect("pool");
{calls}
}}""")
    return "\n".join(out)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate(sizes: list[int], calls: int) -> list[str]:
    crates = []
    for n in sizes:
        for variant in VARIANTS:
            name = f"{variant}_{n}"
            crates.append(name)
            deps = 'chrono = { version = "0.4", default-features = false, features = ["std"] }\n'
            if variant == "fromrow":
                deps += 'sqlx = { version = "0.9", default-features = false, features = ["derive", "chrono"] }\n'
            if variant == "dbgen":
                deps += f'dbgen = {{ path = "{ROOT / "runtime"}" }}\n'
            write(WORK / name / "Cargo.toml", f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n{deps}')
            body = "#![allow(dead_code)]\n\n" + "\n".join(model(variant, i) for i in range(n))
            write(WORK / name / "src" / "lib.rs", body)
    for variant in ("hand_calls", "dbgen_calls"):
        name = f"{variant}_{calls}"
        crates.append(name)
        deps = (
            'chrono = { version = "0.4", default-features = false, features = ["std"] }\n'
            'tokio = { version = "1", default-features = false, features = ["rt", "macros"] }\n'
            'sqlx = { version = "0.9", default-features = false, features = ["derive", "chrono", "sqlite-bundled", "runtime-tokio"] }\n'
        )
        if variant == "dbgen_calls":
            deps += f'dbgen = {{ path = "{ROOT / "runtime"}" }}\n'
        write(WORK / name / "Cargo.toml", f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n{deps}')
        kind = "dbgen" if variant == "dbgen_calls" else "fromrow"
        write(WORK / name / "src" / "main.rs", calls_crate(kind, calls))
    members = ", ".join(f'"{c}"' for c in crates)
    write(WORK / "Cargo.toml", f'[workspace]\nresolver = "3"\nmembers = [{members}]\n')
    lock = ROOT / "Cargo.lock"
    if lock.exists() and not (WORK / "Cargo.lock").exists():
        shutil.copy(lock, WORK / "Cargo.lock")
    return crates


def cargo(*args: str) -> None:
    env = dict(os.environ, CARGO_INCREMENTAL="0")
    result = subprocess.run(["cargo", *args], cwd=WORK, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"cargo {' '.join(args)} failed:\n{result.stderr}")


def timed(mode: str, crate: str) -> float:
    src = WORK / crate / "src"
    (src / "main.rs" if (src / "main.rs").exists() else src / "lib.rs").touch()
    start = time.perf_counter()
    cargo(mode, "-p", crate)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--record", action="store_true", help="write the results into bench/README.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    crates = generate(sizes, args.calls)
    print(f"prebuilding dependencies of {len(crates)} crates ...", flush=True)
    # One crate at a time: cargo resolves features per selected package, so
    # a workspace-wide build would leave other dependency builds behind.
    for mode in ("check", "build"):
        for crate in crates:
            cargo(mode, "-p", crate)
    results: dict[tuple[str, str], list[float]] = {}
    for run in range(args.runs):
        for mode in ("check", "build"):
            for crate in crates:
                results.setdefault((mode, crate), []).append(timed(mode, crate))
        print(f"run {run + 1}/{args.runs} done", flush=True)
    med = {key: statistics.median(v) for key, v in results.items()}

    rows = ["| mode | models | plain (s) | FromRow (s) | dbgen (s) | dbgen − plain per model (ms) | (dbgen − plain) / (FromRow − plain) | dbgen / FromRow |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = []
    for mode in ("check", "build"):
        for n in sizes:
            p, f, d = (med[(mode, f"{v}_{n}")] for v in VARIANTS)
            per_model = (d - p) / n * 1000
            over = (d - p) / (f - p) if f > p else float("inf")
            rows.append(f"| {mode} | {n} | {p:.2f} | {f:.2f} | {d:.2f} | {per_model:.2f} | {over:.2f} | {d / f:.2f} |")
            if n == max(sizes):
                verdicts.append(f"{mode}: {per_model:.2f} ms/model over plain (goal ≤ 3) {'OK' if per_model <= 3 else 'MISSED'}; "
                                f"{over:.2f}× FromRow's cost over plain (goal ≤ 0.25) {'OK' if over <= 0.25 else 'MISSED'}")
        if 200 in sizes and 1000 in sizes:
            scale = med[(mode, "dbgen_1000")] / med[(mode, "dbgen_200")]
            verdicts.append(f"{mode}: dbgen 1000/200 = {scale:.2f} (goal ≤ 5.5) {'OK' if scale <= 5.5 else 'MISSED'}")
    hand, ours = med[("build", f"hand_calls_{args.calls}")], med[("build", f"dbgen_calls_{args.calls}")]
    verdicts.append(f"build of a binary calling every helper of {args.calls} models: dbgen {ours:.2f} s, hand-written sqlx {hand:.2f} s, "
                    f"{ours / hand:.2f}x (goal ≤ 1.2) {'OK' if ours / hand <= 1.2 else 'MISSED'}")
    table = "\n".join(rows)
    summary = "\n".join(f"- {v}" for v in verdicts)
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    report = f"Measured {stamp}, {rustc}, {os.cpu_count()} cores, median of {args.runs} runs, CARGO_INCREMENTAL=0, dev profile.\n\n{table}\n\n{summary}\n"
    print("\n" + report)
    if args.record:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text()
        new = re.sub(r"(<!-- compile-cost:start -->\n).*?(<!-- compile-cost:end -->)", lambda m: m.group(1) + report + m.group(2), text, flags=re.S)
        readme.write_text(new)
        print(f"recorded in {readme.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
