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

Usage: python3 bench/compile_cost.py [--sizes 50,200,1000] [--runs 3] [--record]
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


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate(sizes: list[int]) -> list[str]:
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
    (WORK / crate / "src" / "lib.rs").touch()
    start = time.perf_counter()
    cargo(mode, "-p", crate)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="write the results into bench/README.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    crates = generate(sizes)
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
