#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xguard(8) and "xguard help" describe the same grammar. From the usage
# summary of a built xguard this takes every command ("profile show",
# "rule add", ..., "stats", "help"), the keywords each command takes ("id",
# "mode", ..., "-c") and the global options ("-j"); from the man page,
# rendered with groff, the commands of its SYNOPSIS and its
# "xguard OBJECT COMMAND" subsections. It checks that
#   - the page renders without groff warnings;
#   - every command of the help is in the SYNOPSIS and has a subsection;
#   - every keyword of a command is on that command's SYNOPSIS line and
#     named in its subsection;
#   - every global option of the help is in the OPTIONS section;
#   - every command and keyword of the SYNOPSIS, and every command
#     subsection, is one the help has.
# The page may name further spellings in its text (-json, list, delete,
# priority, ...); those are not checked. Builds nothing: give it the
# binary. Prints each mismatch and exits 1; on agreement prints one line.
# Exits 2 if the binary, the page or groff is missing.
#
#   scripts/xguard-man-check.sh [XGUARD [PAGE]]
#	XGUARD	the built binary (default tools/xguard/xguard)
#	PAGE	the man page (default $XGUARD_MAN, else tools/xguard/xguard.8)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
XG=${1:-$TOP/tools/xguard/xguard}
PAGE=${2:-${XGUARD_MAN:-$TOP/tools/xguard/xguard.8}}

die() { echo "xguard-man-check: $*" >&2; exit 2; }
[ -x "$XG" ] || die "no xguard binary $XG (make -C tools/xguard)"
[ -f "$PAGE" ] || die "no man page $PAGE"
command -v groff >/dev/null || die "no groff (Debian: groff-base)"

bad=0
problem() {
	echo "xguard-man-check: $*"
	bad=$((bad + 1))
}

# grammar: on stdin, one command a line, the words after "xguard" (as
# "profile set [id N] [mode enforce|audit|off] ..."). Prints
# "C<tab>COMMAND" for each, "K<tab>COMMAND<tab>KEYWORD" for each keyword
# and "X<tab>COMMAND<tab>WORD" for a word that fits nowhere. A command is
# the object and, if the next word is a lowercase word, that word; then
# keywords and values alternate (every keyword takes a value), brackets
# and braces dropped, "a | b" read as one value (or as several keywords
# where a keyword is expected), "..." skipped.
grammar() {
	awk '{
		gsub(/[][{}]/, "")
		gsub(/ *\| */, "|")
		n = split($0, t, " ")
		if (n < 1 || t[1] !~ /^[a-z]+$/)
			next
		cmd = t[1]
		i = 2
		if (i <= n && t[i] ~ /^[a-z]+$/)
			cmd = cmd " " t[i++]
		print "C\t" cmd
		want_kw = 1
		for (; i <= n; i++) {
			if (!want_kw) {
				want_kw = 1
				continue
			}
			if (t[i] == "...")
				continue
			if (t[i] !~ /^-?[a-z][a-z0-9-]*(\|-?[a-z][a-z0-9-]*)*$/) {
				print "X\t" cmd "\t" t[i]
				continue
			}
			m = split(t[i], k, "|")
			for (j = 1; j <= m; j++)
				print "K\t" cmd "\t" k[j]
			want_kw = 0
		}
	}'
}

# --- the help --------------------------------------------------------------
help=$("$XG" help) || die "\"$XG help\" failed"
# A command's line starts "  xguard "; its arguments go on in lines that
# start with "[", its description after two spaces.
help_grammar=$(printf '%s\n' "$help" | awk '
	/^  xguard / {
		if (cur != "")
			print cur
		cur = substr($0, 10)
		sub(/  .*/, "", cur)
		next
	}
	/^ +\[/ && cur != "" {
		line = $0
		sub(/^ +/, "", line)
		cur = cur " " line
		next
	}
	{
		if (cur != "")
			print cur
		cur = ""
	}
	END { if (cur != "") print cur }' | grammar)
mapfile -t help_opts < <(printf '%s\n' "$help" | sed -n 's/^  \(-[[:alnum:]-]*\) .*/\1/p')

# --- the man page ----------------------------------------------------------
warnings=$(groff -man -ww -z "$PAGE" 2>&1 || true)
[ -z "$warnings" ] || problem "groff warns about $PAGE: $warnings"
# Wide lines, no hyphenation, no bold or underline: each SYNOPSIS entry
# is one line, each word whole.
text=$(groff -man -Tascii -P-cbou -rLL=300n -rHY=0 "$PAGE" 2>/dev/null | expand)

# section NAME: the text of the .SH section NAME.
section() {
	printf '%s\n' "$text" | awk -v s="$1" '/^[^ ]/ { on = ($0 == s); next } on'
}

# subsection COMMAND: the text of the .SS "xguard COMMAND" subsection.
subsection() {
	printf '%s\n' "$text" | awk -v s="   xguard $1" '
		/^[^ ]/ || /^   [^ ]/ { on = ($0 == s); next } on'
}

synopsis=$(section SYNOPSIS)
man_grammar=$(printf '%s\n' "$synopsis" | sed -n 's/^ *xguard //p' | grammar)
man_sections=$(printf '%s\n' "$text" | sed -n 's/^   xguard //p')

# --- compare ---------------------------------------------------------------
declare -A help_cmd=() help_kw=() man_cmd=() man_kw=() man_ss=()
# load_grammar WHERE CMDS KWS: the commands and keywords of a grammar
# listing (stdin) into the associative arrays named CMDS and KWS.
load_grammar() {
	# shellcheck disable=SC2034 # namerefs: filled for the caller
	local -n cmds=$2 kws=$3
	local kind cmd word
	while IFS=$'\t' read -r kind cmd word; do
		case "$kind" in
		C) cmds[$cmd]=1 ;;
		K) kws[$cmd/$word]=1 ;;
		X) problem "$1: cannot read \"$word\" for \"$cmd\"" ;;
		esac
	done
}
load_grammar "xguard help" help_cmd help_kw <<<"$help_grammar"
load_grammar "man page SYNOPSIS" man_cmd man_kw <<<"$man_grammar"
while read -r cmd; do
	[ -n "$cmd" ] && man_ss[$cmd]=1
done <<<"$man_sections"

[ ${#help_cmd[@]} -gt 0 ] || problem "no command found in \"xguard help\""

# word_in TEXT WORD: WORD appears in TEXT as a word of its own.
# (A here-string, not a pipe: grep -q leaves at the first match, and under
# pipefail a printf still writing into the pipe would turn the match into
# a failure.)
word_in() {
	grep -qE -- "(^|[[:space:],(])$2([[:space:],)]|$)" <<<"$1"
}

# keys ARRAY-NAME: the keys of an associative array, sorted, one a line.
keys() {
	local -n a=$1
	[ ${#a[@]} -eq 0 ] || printf '%s\n' "${!a[@]}" | sort
}

while read -r cmd; do
	[ -n "${man_cmd[$cmd]:-}" ] ||
		problem "\"$cmd\": in \"xguard help\", not in the man page's SYNOPSIS"
	[ -n "${man_ss[$cmd]:-}" ] ||
		problem "\"$cmd\": in \"xguard help\", no \"xguard $cmd\" subsection in the man page"
done < <(keys help_cmd)
while read -r cmd; do
	[ -n "${help_cmd[$cmd]:-}" ] ||
		problem "\"$cmd\": in the man page's SYNOPSIS, not in \"xguard help\""
done < <(keys man_cmd)
while read -r cmd; do
	[ -n "${help_cmd[$cmd]:-}" ] ||
		problem "\"$cmd\": a subsection of the man page, not in \"xguard help\""
done < <(keys man_ss)

n_opts=0
while read -r key; do
	cmd=${key%/*}
	kw=${key##*/}
	n_opts=$((n_opts + 1))
	[ -n "${man_kw[$key]:-}" ] ||
		problem "\"$cmd $kw\": in \"xguard help\", not in the SYNOPSIS line of \"xguard $cmd\""
	[ -z "${man_ss[$cmd]:-}" ] || word_in "$(subsection "$cmd")" "$kw" ||
		problem "\"$cmd $kw\": in \"xguard help\", not named in the \"xguard $cmd\" subsection"
done < <(keys help_kw)
while read -r key; do
	[ -n "${help_kw[$key]:-}" ] ||
		problem "\"${key%/*} ${key##*/}\": in the man page's SYNOPSIS, not in \"xguard help\""
done < <(keys man_kw)

options=$(section OPTIONS)
for opt in "${help_opts[@]}"; do
	n_opts=$((n_opts + 1))
	word_in "$options" "$opt" ||
		problem "option \"$opt\": in \"xguard help\", not in the man page's OPTIONS"
done

if [ $bad -gt 0 ]; then
	echo "xguard-man-check: $bad mismatches between $PAGE and \"xguard help\""
	exit 1
fi
echo "xguard-man-check: ${#help_cmd[@]} commands, $n_opts options: man page and help agree"
