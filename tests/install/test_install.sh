#!/bin/sh
# test_install.sh - `cmake --install` into a temporary prefix, then use it as
# a library user would: check what is installed where (docs/install.md),
# build tests/install/program.c with `pkg-config --cflags --libs chancery`
# (shared) and with --static, run both, run the installed tool, and do it
# all again after moving the prefix (the .pc file and the tool's RPATH are
# relative to where they lie).
#
# usage: test_install.sh BUILD_DIR SOURCE_DIR CC [EXTRA_CFLAGS]
#   EXTRA_CFLAGS: what the build compiled with that a program must share
#   (the sanitizers' -fsanitize=... in an ASan build)
set -eu
build=$1 src=$2 cc=$3 extra=${4:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chancery-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# the physical folder a path lies in (ldd prints $ORIGIN/../lib unresolved)
folder() { (cd "$(dirname "$1")" 2>/dev/null && pwd -P); }
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp/home"
mkdir -p "$HOME"

cmake --install "$build" --prefix "$tmp/p" >"$tmp/install.log" ||
  { cat "$tmp/install.log" >&2; echo "FAIL: cmake --install" >&2; exit 1; }

# what is installed where
pc=$(find "$tmp/p" -name chancery.pc)
[ -n "$pc" ] || { echo "FAIL: no chancery.pc installed" >&2; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
case $libdir in "$tmp/p/"*) ;; *) fail "libdir $libdir outside the prefix";; esac
for f in "$libdir/libchancery.a" "$libdir/libchancery.so.0.1.0" \
         "$tmp/p/include/chancery.h" "$tmp/p/bin/chancery" \
         "$tmp/p/share/chancery/workflows/workflow.rng" \
         "$tmp/p/share/chancery/workflows/definitions/treaty-event.xml" \
         "$tmp/p/share/chancery/templates/invitation-en.odt" \
         "$tmp/p/share/chancery/focus2004/registry/states.tsv"; do
  [ -f "$f" ] || fail "not installed: ${f#$tmp/p/}"
done
[ "$(readlink "$libdir/libchancery.so.0")" = libchancery.so.0.1.0 ] ||
  fail "libchancery.so.0 is not a link to libchancery.so.0.1.0"
[ "$(readlink "$libdir/libchancery.so")" = libchancery.so.0 ] ||
  fail "libchancery.so is not a link to libchancery.so.0"
readelf -d "$libdir/libchancery.so.0.1.0" | grep -q 'SONAME.*\[libchancery\.so\.0\]' ||
  fail "SONAME is not libchancery.so.0"
for h in "$src"/include/chancery/*.h; do
  cmp -s "$h" "$tmp/p/include/chancery/$(basename "$h")" ||
    fail "header not installed as is: chancery/$(basename "$h")"
done
for t in "$src"/letters/templates/*.odt; do
  cmp -s "$t" "$tmp/p/share/chancery/templates/$(basename "$t")" ||
    fail "template not installed: $(basename "$t")"
done

# a program built against the prefix, then the tool, from prefix $1
use_prefix() {
  p=$1 pcdir=$1/${libdir#$tmp/p/}/pkgconfig
  export PKG_CONFIG_PATH="$pcdir"
  [ "$(pkg-config --modversion chancery)" = 0.1.0 ] || fail "pkg-config --modversion"
  inc=$(pkg-config --variable=includedir chancery)
  [ "$(cd "$inc" && pwd -P)" = "$(cd "$p/include" && pwd -P)" ] ||
    fail "chancery.pc includedir $inc is not $p/include"
  # shared: it must run with the prefix's library, not the build's
  # shellcheck disable=SC2046,SC2086
  "$cc" -std=c11 -Wall -Wextra -Werror $extra -o "$tmp/prog" \
    "$src/tests/install/program.c" $(pkg-config --cflags --libs chancery) ||
    { fail "build against $p with pkg-config"; return; }
  lib=$(LD_LIBRARY_PATH=${pcdir%/pkgconfig} ldd "$tmp/prog" | awk '/libchancery/ {print $3}')
  [ "$(folder "$lib")" = "$(folder "$pcdir")" ] || fail "program uses $lib"
  rm -rf "$tmp/repo"
  LD_LIBRARY_PATH=${pcdir%/pkgconfig} "$tmp/prog" "$tmp/repo" >"$tmp/out" ||
    fail "program (shared) against $p: $(cat "$tmp/out")"
  grep -qx ok "$tmp/out" || fail "program (shared) printed no ok"
  # static: Requires.private and Libs.private must be enough
  # shellcheck disable=SC2046,SC2086
  "$cc" -std=c11 -Wall -Wextra -Werror $extra -o "$tmp/prog-static" \
    "$src/tests/install/program.c" $(pkg-config --cflags chancery) \
    $(pkg-config --static --libs chancery | sed 's/-lchancery\b/-l:libchancery.a/') ||
    { fail "static build against $p with pkg-config --static"; return; }
  ! readelf -d "$tmp/prog-static" | grep -q 'NEEDED.*libchancery' ||
    fail "the static program needs libchancery.so"
  rm -rf "$tmp/repo"
  "$tmp/prog-static" "$tmp/repo" >"$tmp/out" ||
    fail "program (static) against $p: $(cat "$tmp/out")"
  grep -qx ok "$tmp/out" || fail "program (static) printed no ok"
  # the installed tool finds its library through its RPATH alone
  out=$(env -u LD_LIBRARY_PATH "$p/bin/chancery" --version) || fail "chancery --version"
  [ "$out" = "chancery 0.1.0" ] || fail "chancery --version printed '$out'"
  lib=$(env -u LD_LIBRARY_PATH ldd "$p/bin/chancery" | awk '/libchancery/ {print $3}')
  [ "$(folder "$lib")" = "$(folder "$pcdir")" ] || fail "installed tool uses '$lib'"
  env -u LD_LIBRARY_PATH "$p/bin/chancery" help >"$tmp/help" || fail "chancery help"
  grep -q 'init' "$tmp/help" || fail "chancery help lists no init"
  rm -rf "$tmp/r"
  env -u LD_LIBRARY_PATH "$p/bin/chancery" --author 'Install Test <i@example.org>' \
    init "$tmp/r" >/dev/null || fail "installed chancery init"
  env -u LD_LIBRARY_PATH "$p/bin/chancery" -C "$tmp/r" states >"$tmp/states" ||
    fail "installed chancery states"
  grep -q France "$tmp/states" || fail "installed chancery states lists no France"
}

readelf -d "$tmp/p/bin/chancery" | grep -q 'R.*PATH.*\[\$ORIGIN/\.\./' ||
  fail "the installed tool's RPATH is not \$ORIGIN/../LIBDIR"
use_prefix "$tmp/p"
mv "$tmp/p" "$tmp/moved"
use_prefix "$tmp/moved"

[ $fails -eq 0 ] || { echo "test_install: $fails failure(s)" >&2; exit 1; }
echo "test_install: ok"
