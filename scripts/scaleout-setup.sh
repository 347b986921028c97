#!/bin/sh
# Scale-out check prerequisites (docs/scale-out.md): Debian 12's PyNN 0.10.1 with NEURON 8.2.2 built
# against Open MPI, mpi4py and h5py, then PyNN's NEURON mechanisms compiled (libnrnmech.so).
# Idempotent; installs with apt-get when root, else prints the command. Exit 1 if something is missing.
set -eu
PKGS="python3-pynn neuron-dev openmpi-bin python3-mpi4py python3-h5py python3-numpy"
PY=${PLASTICNET_PYTHON:-/usr/bin/python3}
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[scaleout-setup] apt-get install$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  else
    echo "[scaleout-setup] missing:$missing; run: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
# pyNN/neuron/nmodl, found without importing pyNN.neuron (which fails until the mechanisms exist)
NMODL=$("$PY" -c 'import os, pyNN; print(os.path.join(os.path.dirname(pyNN.__file__), "neuron", "nmodl"))') || {
  echo "[scaleout-setup] cannot import pyNN with $PY" >&2
  exit 1
}
if ls "$NMODL"/x86_64/.libs/libnrnmech.so "$NMODL"/*/.libs/libnrnmech.so >/dev/null 2>&1; then
  echo "[scaleout-setup] PyNN NEURON mechanisms already compiled in $NMODL"
  exit 0
fi
# Debian's nrnivmodl looks for its makefile in /usr/bin; a copy points it at /usr/lib/nrn.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's#"${bindir}/nrnmech_makefile"#"/usr/lib/nrn/nrnmech_makefile"#' "$(command -v nrnivmodl)" > "$tmp/nrnivmodl"
chmod +x "$tmp/nrnivmodl"
echo "[scaleout-setup] compiling PyNN's NEURON mechanisms in $NMODL"
(cd "$NMODL" && "$tmp/nrnivmodl" -loadflags "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn" >"$tmp/log" 2>&1) || true
if ls "$NMODL"/*/.libs/libnrnmech.so >/dev/null 2>&1; then
  echo "[scaleout-setup] ok: $(ls "$NMODL"/*/.libs/libnrnmech.so)"
else
  tail -30 "$tmp/log" >&2
  echo "[scaleout-setup] libnrnmech.so was not built" >&2
  exit 1
fi
