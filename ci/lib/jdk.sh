# shellcheck shell=bash
# Finds a JDK 25 or newer for the project's scripts. Source this file, then call find_jdk25.
#
# Order: $JAVA_HOME if it is 25+, else `java` on PATH if it is 25+, else the newest 25+ JDK in the
# folders of $SOFTMAX_JDK_SEARCH (colon-separated; default /usr/lib/jvm). On success it sets
# SOFTMAX_JAVA_HOME and returns 0; otherwise it prints one sentence on stderr and returns 1.

SOFTMAX_MIN_JAVA=25

# Major version of the JDK at $1 (from its `release` file, else by running it), or empty.
_jdk_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$version" ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}            # "1.8.0" -> "8.0"
  printf '%s' "${version%%[.+-]*}"
}

_jdk_is_new_enough() {
  local major
  major=$(_jdk_major "$1")
  [[ -n "$major" && "$major" =~ ^[0-9]+$ && "$major" -ge $SOFTMAX_MIN_JAVA ]]
}

find_jdk25() {
  local tried=() candidate major
  if [[ -n "${JAVA_HOME:-}" ]]; then
    if _jdk_is_new_enough "$JAVA_HOME"; then SOFTMAX_JAVA_HOME=$JAVA_HOME; return 0; fi
    major=$(_jdk_major "$JAVA_HOME"); tried+=("JAVA_HOME=$JAVA_HOME (${major:-not a JDK})")
  fi
  if command -v java >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if _jdk_is_new_enough "$candidate"; then SOFTMAX_JAVA_HOME=$candidate; return 0; fi
    major=$(_jdk_major "$candidate"); tried+=("java on PATH (${major:-unknown})")
  fi
  local best="" best_major=0 folder home
  local IFS=:
  for folder in ${SOFTMAX_JDK_SEARCH:-/usr/lib/jvm}; do
    tried+=("$folder/*")
    for home in "$folder"/*; do
      [[ -d "$home" && ! -L "$home" ]] || continue
      major=$(_jdk_major "$home")
      if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= SOFTMAX_MIN_JAVA && major > best_major )); then
        best=$home; best_major=$major
      fi
    done
  done
  unset IFS
  if [[ -n "$best" ]]; then SOFTMAX_JAVA_HOME=$best; return 0; fi
  local list
  list=$(printf '%s, ' "${tried[@]}"); list=${list%, }
  echo "softmax: no JDK $SOFTMAX_MIN_JAVA or newer was found (looked at: $list); install one (for example Temurin 25) or set JAVA_HOME to it." >&2
  return 1
}

# Maven, run on the JDK found above. Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+
# reports on every start; allowing it explicitly keeps our build output free of that noise.
softmax_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "softmax: Maven (mvn) is needed to build the project and was not found on PATH; install Maven 3.8.7 or newer." >&2
    return 1
  fi
  JAVA_HOME=$SOFTMAX_JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn "$@"
}
