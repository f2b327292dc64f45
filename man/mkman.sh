#!/bin/sh
# Turns a tool's --help into a man page, so the page and the help can
# never disagree.   mkman.sh BINARY NAME VERSION > NAME.1
bin=$1 name=$2 version=$3
help=$("$bin" --help) || exit 1
summary=$(printf '%s\n' "$help" | sed -n '2p')
printf '.TH %s 1 "" "nnpipe %s" "nnpipe manual"\n' "$(printf '%s' "$name" | tr a-z A-Z)" "$version"
printf '.SH NAME\n%s \\- %s\n' "$name" "$summary"
printf '.SH SYNOPSIS\n'
printf '%s\n' "$help" | sed -n '1s/^Usage: //p' | sed 's/\\/\\\\/g; s/^-/\\-/'
printf '.SH DESCRIPTION\n.nf\n'
# Everything after the usage line, verbatim (.nf keeps the layout).
printf '%s\n' "$help" | sed '1d' | sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/'
printf '.fi\n'
# Modes with a help of their own ("or: NAME MODE --help" in the usage),
# each in a section of its own.
for mode in $(printf '%s\n' "$help" | sed -n "s/^ *or: $name \([a-z][a-z-]*\) --help\$/\1/p"); do
  sub=$("$bin" "$mode" --help) || exit 1
  printf '.SH %s %s\n.nf\n' "$(printf '%s' "$name" | tr a-z A-Z)" "$(printf '%s' "$mode" | tr a-z A-Z)"
  printf '%s\n' "$sub" | sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/'
  printf '.fi\n'
done
printf '.SH SEE ALSO\nThe nnpipe README.\n'
