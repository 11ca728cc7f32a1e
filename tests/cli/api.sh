# The public API as a user of libtamga meets it: headers that compile on
# their own (C and C++), a shared library that exports only tamga_ symbols,
# and `make install` giving a library, headers, tamga.pc, the tool and man
# pages that a program can build against.
. "$TAMGA_ROOT/tests/lib.sh"
R=$TAMGA_ROOT
T=$TMPDIR
san=${SANITIZE:+-fsanitize=$SANITIZE}

for h in "$R"/include/tamga/*.h; do
    name=$(basename "$h")
    printf '#include <tamga/%s>\nint main(void) { return 0; }\n' "$name" > "$T/h.c"
    check "tamga/$name compiles on its own (C11, -pedantic)" \
        "$CC" -std=c11 -pedantic -Wall -Wextra -Werror -Wstrict-prototypes -I"$R/include" -c "$T/h.c" -o "$T/h.o"
    if command -v g++ > /dev/null; then
        cp "$T/h.c" "$T/h.cc"
        check "tamga/$name compiles as C++" g++ -Wall -Wextra -Werror -I"$R/include" -c "$T/h.cc" -o "$T/h.o"
    fi
done

nm -D --defined-only "$TAMGA_BUILD/lib/libtamga.so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' > "$T/exports"
grep -v '^tamga_' "$T/exports" | grep -v '^_\(init\|fini\|edata\|end\|_bss_start\)$' > "$T/foreign" || true
if [ -s "$T/foreign" ]; then not_ok "libtamga.so exports only tamga_ symbols"; sed 's/^/# /' "$T/foreign" | head; else ok "libtamga.so exports only tamga_ symbols"; fi
hasnt "libtamga.so exports no internal tamga__ symbol" "$T/exports" '^tamga__'
has "libtamga.so exports tamga_version" "$T/exports" '^tamga_version$'
has "libtamga.so exports tamga_trust_validate" "$T/exports" '^tamga_trust_validate$'
# Every function declared TAMGA_EXTERN in a header is exported.
grep -ho 'TAMGA_EXTERN([^)]*) *\**tamga_[a-z0-9_]*' "$R"/include/tamga/*.h | sed 's/.* \**//' | sort -u > "$T/declared"
sort -u "$T/exports" > "$T/exports.sorted"
missing=$(comm -23 "$T/declared" "$T/exports.sorted")
[ -z "$missing" ] && ok "every declared function is exported ($(wc -l < "$T/declared"))" || not_ok "declared but not exported: $missing"

readelf -d "$TAMGA_BUILD/lib/libtamga.so" > "$T/dyn"
has "libtamga.so has the soname libtamga.so.0" "$T/dyn" 'SONAME.*libtamga\.so\.0\]'

# make install into a scratch prefix, then build a program against it.
P=$T/prefix
check "make install PREFIX=..." make -s -C "$R" BUILD="$TAMGA_BUILD" SANITIZE="${SANITIZE:-}" PREFIX="$P" install
for f in bin/tamga bin/tamgad lib/libtamga.so lib/libtamga.so.0 lib/libtamga.a include/tamga/tamga.h \
         include/tamga/verify.h include/tamga/registry.h lib/pkgconfig/tamga.pc share/man/man8/tamgad.8 \
         $(cd "$R/docs/man" && ls *.1 | sed 's#^#share/man/man1/#'); do
    [ -e "$P/$f" ] && ok "installed $f" || not_ok "installed $f"
done
cat > "$T/user.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <tamga/tamga.h>
int main(void)
{
	tamga_time t;
	if (tamga_time_parse(&t, "2022-05-01T00:00:00Z") != 0 || t != 1651363200)
		return 1;
	if (tamga_time_parse(&t, "nope") != TAMGA_EFORMAT || tamga_error_last()->code != TAMGA_EFORMAT)
		return 2;
	printf("%s\n", tamga_version());
	return 0;
}
C
flags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags --libs tamga)
check "a program builds with pkg-config tamga" "$CC" -std=c11 $san "$T/user.c" -o "$T/user" $flags
LD_LIBRARY_PATH=$P/lib "$T/user" > "$T/user.out" 2>&1
[ $? = 0 ] && ok "the program runs against the installed library" || not_ok "the program runs against the installed library"
grep -q "$("$TAMGA" version | cut -d' ' -f2)" "$T/user.out" && ok "library and tool agree on the version" || not_ok "library and tool agree on the version"
"$P/bin/tamga" pki --help > "$T/inst.out" 2>&1 && ok "the installed tool runs (finds its library via rpath)" || not_ok "the installed tool runs"
