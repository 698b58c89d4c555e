#!/usr/bin/env python3
"""`cargo dbgen diff` end to end after a one-field edit, against the
loader's own incremental `cargo build` after the same kind of edit.

Copies examples/blog to bench/work/diff_e2e/, warms the build, then
alternates: edit one model field, time `cargo build` of the generated loader
crate; edit again, time `cargo dbgen diff --dry-run` (metadata, loader build,
run, diff, render). Median of --runs each. Goal: diff <= 1.2x the build.

Usage: python3 bench/diff_e2e.py [--runs 5] [--record]
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
WORK = ROOT / "bench" / "work" / "diff_e2e"
TARGET = ROOT / "target"
CLI = TARGET / "debug" / "cargo-dbgen"


def run(cmd, cwd, env=None):
    result = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{result.stderr}")


def setup():
    src = ROOT / "examples" / "blog" / "src"
    if (WORK / "src").exists():
        shutil.rmtree(WORK / "src")
    shutil.copytree(src, WORK / "src")
    profiles = (ROOT / "Cargo.toml").read_text()
    profiles = profiles[profiles.find("[profile."):]
    (WORK / "Cargo.toml").write_text(
        '[package]\nname = "blog_e2e"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        f'[dependencies]\ndbgen = {{ path = "{ROOT / "runtime"}" }}\n'
        'chrono = { version = "0.4", default-features = false, features = ["std", "clock"] }\n'
        'rust_decimal = { version = "1", default-features = false, features = ["std"] }\n\n'
        f"[workspace]\n\n{profiles}"
    )
    shutil.copy(ROOT / "Cargo.lock", WORK / "Cargo.lock")


USER = WORK / "src" / "models" / "user.rs"
counter = 0


def edit():
    """Adds or renames one field of the User model (a real schema change)."""
    global counter
    counter += 1
    text = USER.read_text()
    text = re.sub(r"    pub bench_field_\d+: Option<String>,\n", "", text)
    text = text.replace("    pub is_admin: bool,\n", f"    pub is_admin: bool,\n    pub bench_field_{counter}: Option<String>,\n")
    USER.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    run(["cargo", "build", "-p", "cargo-dbgen"], ROOT)
    setup()
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    diff = [str(CLI), "dbgen", "diff", "--dry-run"]
    run(diff, WORK, env)  # builds the loader once
    loader = TARGET / "dbgen" / "loader-blog-e2e" / "Cargo.toml"
    build = ["cargo", "build", "--manifest-path", str(loader)]
    builds, diffs = [], []
    for _ in range(args.runs):
        edit()
        start = time.perf_counter()
        run(build, WORK, env)
        builds.append(time.perf_counter() - start)
        edit()
        start = time.perf_counter()
        run(diff, WORK, env)
        diffs.append(time.perf_counter() - start)
    b, d = statistics.median(builds), statistics.median(diffs)
    stamp = time.strftime("%Y-%m-%d", time.gmtime())
    report = (
        f"Measured {stamp}, median of {args.runs}: loader incremental build {b:.2f} s, "
        f"`cargo dbgen diff --dry-run` {d:.2f} s, ratio {d / b:.2f} (goal <= 1.2) {'OK' if d / b <= 1.2 else 'MISSED'}.\n"
    )
    print(report)
    if args.record:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text()
        text = re.sub(r"(<!-- diff-e2e:start -->\n).*?(<!-- diff-e2e:end -->)", lambda m: m.group(1) + report + m.group(2), text, flags=re.S)
        readme.write_text(text)


if __name__ == "__main__":
    main()
