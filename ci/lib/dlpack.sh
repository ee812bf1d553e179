# shellcheck shell=bash
# Makes sure Debian's libdlpack-dev (DLPack 0.6, the 0.x DLManagedTensor ABI) is installed: the DLPack ABI test
# checks the bindings against its header and the engine's DLPack tests compile a 0.x producer against it.
# Source this file, then call ensure_dlpack_header. It installs the package with apt-get (through sudo when not
# root) if /usr/include/dlpack/dlpack.h is missing; DLPACK_V0_INCLUDE=<folder holding dlpack/dlpack.h> skips it.

ensure_dlpack_header() {
  local include=${DLPACK_V0_INCLUDE:-/usr/include}
  if [[ -f "$include/dlpack/dlpack.h" ]]; then
    return 0
  fi
  if [[ -n "${DLPACK_V0_INCLUDE:-}" ]]; then
    echo "softmax: DLPACK_V0_INCLUDE=$DLPACK_V0_INCLUDE has no dlpack/dlpack.h" >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "softmax: /usr/include/dlpack/dlpack.h is missing and apt-get is not available; install DLPack 0.6's dlpack.h (Debian/Ubuntu: libdlpack-dev) or set DLPACK_V0_INCLUDE to a folder holding dlpack/dlpack.h" >&2
    return 1
  fi
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "softmax: libdlpack-dev is needed and this user is not root and has no sudo; run 'apt-get install libdlpack-dev' as root" >&2
      return 1
    fi
    sudo="sudo -n"
  fi
  echo "softmax: installing libdlpack-dev (DLPack 0.6 header) with apt-get"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libdlpack-dev >/dev/null || {
    echo "softmax: apt-get could not install libdlpack-dev" >&2
    return 1
  }
  [[ -f /usr/include/dlpack/dlpack.h ]]
}
