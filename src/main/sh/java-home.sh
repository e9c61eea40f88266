#!/usr/bin/env bash
# Prints the home of a Java runtime >= the required major version (default 21).
# Looks at JAVA_HOME, then the java on PATH, then /usr/lib/jvm/* (newest first).
#   --jdk     require a full JDK (javac present), as Maven needs
#   --min N   required major version
# Exits 1 with a one-line message on stderr when none is found.
set -euo pipefail

min=21
need_jdk=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) need_jdk=1 ;;
    --min) shift; min="${1:?--min needs a number}" ;;
    *) echo "java-home.sh: unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

# major version of the runtime at $1 (a java home), or 0 when unknown
major_of() {
  local home="$1" v=""
  if [ -r "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n 1)
  fi
  if [ -z "$v" ] && [ -x "$home/bin/java" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  case "$v" in
    1.*) v="${v#1.}" ;;
  esac
  v="${v%%[.+-]*}"
  case "$v" in
    ''|*[!0-9]*) echo 0 ;;
    *) echo "$v" ;;
  esac
}

usable() {
  local home="$1"
  [ -n "$home" ] && [ -x "$home/bin/java" ] || return 1
  if [ "$need_jdk" = 1 ] && [ ! -x "$home/bin/javac" ]; then
    return 1
  fi
  [ "$(major_of "$home")" -ge "$min" ]
}

candidates=()
if [ -n "${JAVA_HOME:-}" ]; then
  candidates+=("$JAVA_HOME")
fi
if command -v java >/dev/null 2>&1; then
  java_bin=$(readlink -f "$(command -v java)")
  candidates+=("$(dirname "$(dirname "$java_bin")")")
fi
if [ -d /usr/lib/jvm ]; then
  # newest major first
  while IFS= read -r line; do
    candidates+=("${line#* }")
  done < <(for d in /usr/lib/jvm/*/; do
             d="${d%/}"
             [ -L "$d" ] && continue
             printf '%s %s\n' "$(major_of "$d")" "$d"
           done | sort -rn)
fi

for home in "${candidates[@]}"; do
  if usable "$home"; then
    printf '%s\n' "$home"
    exit 0
  fi
done

kind="Java runtime"
[ "$need_jdk" = 1 ] && kind="JDK"
echo "no $kind >= $min found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin $min, or set JAVA_HOME" >&2
exit 1
