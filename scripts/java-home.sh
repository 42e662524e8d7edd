#!/usr/bin/env bash
# Prints the home of a JDK >= 25: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm
# (or /usr/local/lib/jvm, /opt). Exits 1 with a clear message when there is none.
# Used by ./mvnw, ./ferry, bench/run and .ci/run; the machines' default java is 17, too old for Ferry.
set -euo pipefail

major_of() { # prints the major version of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$rel" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
  fi
}

if [ -n "${JAVA_HOME:-}" ] && [ "$(major_of "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
  echo "$JAVA_HOME"; exit 0
fi
best=""; best_major=0
# FERRY_JDK_DIRS (a space-separated list of globs) replaces the places searched; tests use it.
for dir in ${FERRY_JDK_DIRS:-/usr/lib/jvm/* /usr/local/lib/jvm/* /opt/*jdk* /opt/java/*}; do
  [ -d "$dir" ] || continue
  m=$(major_of "$dir"); m=${m:-0}
  if [ "$m" -ge 25 ] && [ "$m" -gt "$best_major" ]; then best="$dir"; best_major=$m; fi
done
if [ -z "$best" ]; then
  echo "error: Ferry needs a JDK 25 or newer; none found in JAVA_HOME or /usr/lib/jvm. Install one (e.g. Temurin 25) and set JAVA_HOME." >&2
  exit 1
fi
echo "$best"
