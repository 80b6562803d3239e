#!/usr/bin/env bash
# Runs one of the small measurement programs in bench/java/ (single-file Java sources) on the project's class path,
# building the project first when needed.   bench/java.sh <Program> [args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bin/build.sh"
build_if_needed
cp="$root/jobs/target/classes:$root/pipeline-core/target/classes:$(cat "$classpath_file")"
program="$1"
shift
exec java "${jvm_opens[@]}" -cp "$cp" "$root/bench/java/$program.java" "$@"
