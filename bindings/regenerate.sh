#!/usr/bin/env bash
# Replaces the bindings under src/main/java/dev/softmax/bindings/{dnnl,omp,dlpack} with real jextract output for
# the symbols listed in jextract-symbols.txt, jextract-omp-symbols.txt and jextract-dlpack-symbols.txt.
#
#   bindings/regenerate.sh            # jextract from $JEXTRACT or from the PATH
#   JEXTRACT=/opt/jextract-22/bin/jextract bindings/regenerate.sh
#
# The oneDNN headers come from the org.bytedeco:dnnl jar the build uses (the one whose libdnnl.so.3 is loaded),
# omp.h from the installed GCC (or $OMP_H), dlpack.h (1.1) from third_party/dlpack-1.1 (vendored, Apache-2.0).
# Nothing is replaced unless every jextract run succeeds. Afterwards, run `mvn -pl bindings -am test`: the ABI
# conformance tests check the new sources against the headers (DLPack: against 1.1 and Debian's 0.6).
set -euo pipefail

bindings_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_dir="$(dirname "$bindings_dir")"
sources_dir="$bindings_dir/src/main/java/dev/softmax/bindings"

jextract="${JEXTRACT:-$(command -v jextract || true)}"
if [[ -z "$jextract" || ! -x "$jextract" ]]; then
    echo "regenerate.sh: jextract was not found (set JEXTRACT or put it on the PATH); download jextract 22 or newer from https://jdk.java.net/jextract/" >&2
    exit 2
fi

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

# --- the dnnl jar and its headers -------------------------------------------------------------------------
property() {
    sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$project_dir/pom.xml" | head -n 1
}
dnnl_version="$(property dnnl.version)"
dnnl_classifier="$(property dnnl.classifier)"
if [[ -z "$dnnl_version" || -z "$dnnl_classifier" ]]; then
    echo "regenerate.sh: could not read dnnl.version and dnnl.classifier from $project_dir/pom.xml" >&2
    exit 1
fi

local_repository="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
dnnl_jar="$local_repository/org/bytedeco/dnnl/$dnnl_version/dnnl-$dnnl_version-$dnnl_classifier.jar"
if [[ ! -f "$dnnl_jar" ]]; then
    echo "regenerate.sh: fetching org.bytedeco:dnnl:$dnnl_version:$dnnl_classifier with Maven"
    mvn -q -N -f "$project_dir/pom.xml" dependency:copy \
        "-Dartifact=org.bytedeco:dnnl:$dnnl_version:jar:$dnnl_classifier" \
        "-DoutputDirectory=$work_dir/jar"
    dnnl_jar="$work_dir/jar/dnnl-$dnnl_version-$dnnl_classifier.jar"
fi

include_entry="org/bytedeco/dnnl/$dnnl_classifier/include"
mkdir -p "$work_dir/unpacked"
if command -v unzip > /dev/null; then
    unzip -q "$dnnl_jar" "$include_entry/*" -d "$work_dir/unpacked"
else
    (cd "$work_dir/unpacked" && jar xf "$dnnl_jar" "$include_entry")
fi
include_dir="$work_dir/unpacked/$include_entry"

# jextract reads one header; this one pulls in the API and the *2str debug helpers.
cat > "$work_dir/dnnl_bindings.h" <<'EOF'
#include "oneapi/dnnl/dnnl.h"
#include "oneapi/dnnl/dnnl_debug.h"
EOF

# --- omp.h ----------------------------------------------------------------------------------------------
omp_h="${OMP_H:-}"
if [[ -z "$omp_h" ]] && command -v gcc > /dev/null; then
    omp_h="$(gcc -print-file-name=include)/omp.h"
fi
if [[ -z "$omp_h" || ! -f "$omp_h" ]]; then
    echo "regenerate.sh: omp.h was not found; install gcc or set OMP_H to the omp.h of GCC's libgomp" >&2
    exit 1
fi

# --- run jextract, then replace the sources ---------------------------------------------------------------
"$jextract" --output "$work_dir/out" \
    --target-package dev.softmax.bindings.dnnl --header-class-name dnnl_h \
    -I "$include_dir" @"$bindings_dir/jextract-symbols.txt" "$work_dir/dnnl_bindings.h"

"$jextract" --output "$work_dir/out" \
    --target-package dev.softmax.bindings.omp --header-class-name omp_h \
    @"$bindings_dir/jextract-omp-symbols.txt" "$omp_h"

dlpack_include="$bindings_dir/third_party/dlpack-1.1/include"
"$jextract" --output "$work_dir/out" \
    --target-package dev.softmax.bindings.dlpack --header-class-name dlpack_h \
    -I "$dlpack_include" @"$bindings_dir/jextract-dlpack-symbols.txt" "$dlpack_include/dlpack/dlpack.h"

generated="$work_dir/out/dev/softmax/bindings"
for header in dnnl/dnnl_h.java omp/omp_h.java dlpack/dlpack_h.java; do
    if [[ ! -f "$generated/$header" ]]; then
        echo "regenerate.sh: jextract did not produce $header; the sources were left unchanged" >&2
        exit 1
    fi
done

for package in dnnl omp dlpack; do
    rm -rf "${sources_dir:?}/$package"
    mkdir -p "$sources_dir/$package"
    cp "$generated/$package"/*.java "$sources_dir/$package/"
done

echo "regenerate.sh: replaced $sources_dir/{dnnl,omp,dlpack} with the output of $("$jextract" --version 2>&1 | head -n 1)"
echo "regenerate.sh: now run 'mvn -pl bindings -am test' to check them against the headers"
