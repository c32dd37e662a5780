#!/bin/sh
# Prints id06desk's version: a valid Debian version, so that the binary
# (-X main.version) and its package (make package) say the same.
#   at the tag v1.2.0                 1.2.0
#   3 commits past it                 1.2.0+3.gabc1234
#   before the first tag              0.1.0~git.288.gabc1234 (commit count:
#                                     later builds sort higher; ~ sorts
#                                     before the 0.1.0 release)
#   uncommitted changes               +dirty / .dirty appended
# A tag's own hyphens (v1.2.0-rc1) become ~ (1.2.0~rc1 < 1.2.0).
set -eu
git rev-parse --git-dir >/dev/null 2>&1 || { echo 0.1.0~dev; exit 0; }
dirty=""
git diff --quiet HEAD -- 2>/dev/null || dirty=1
if d=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
	d=${d#v}
	case $d in
	*-[0-9]*-g[0-9a-f]*)
		h=${d##*-g}; rest=${d%-g*}; n=${rest##*-}; base=${rest%-*}
		v="$(printf %s "$base" | tr - '~')+$n.g$h" ;;
	*) v=$(printf %s "$d" | tr - '~') ;;
	esac
	if [ -n "$dirty" ]; then
		case $v in *+*) v="$v.dirty" ;; *) v="$v+dirty" ;; esac
	fi
else
	v="0.1.0~git.$(git rev-list --count HEAD).g$(git rev-parse --short HEAD)"
	[ -z "$dirty" ] || v="$v.dirty"
fi
printf '%s\n' "$v"
