#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Turns one of the markdown pages here into a roff man page, at build time.
#
#   md2man.sh TOOL INPUT OUTPUT NAME SECTION VERSION
#
# TOOL is lowdown or pandoc. The markdown starts with "# NAME(SECTION)" or
# "# NAME(SECTION): what it is"; that line becomes the page's header, "## Heading" becomes a
# man section (.SH, upper case as man pages have them) and "### Heading" a subsection. A page
# without a "## Name" section gets one from the text after the colon, so whatis and apropos
# know it, and its opening text becomes the DESCRIPTION.
set -eu
tool=$1 input=$2 output=$3 name=$4 section=$5 version=$6

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v name="$name" '
        /^(```|~~~)/ { fenced = !fenced }
        NR == 1 && /^# / {
                desc = $0
                if (sub(/^# [^:]*\): */, "", desc) && desc != "")
                        printf "# NAME\n\n%s - %s\n\n# DESCRIPTION\n", name, desc
                next
        }
        !fenced && /^## / { sub(/^## /, ""); print "# " toupper($0); next }
        !fenced && /^### / { sub(/^### /, ""); print "## " $0; next }
        { print }
' "$input" >"$tmp"

case "$(basename "$tool")" in
lowdown*)
        "$tool" -s -Tman -M "title=$name" -M "section=$section" -M "source=syscage $version" \
                -o "$output" "$tmp" ;;
pandoc*)
        "$tool" -s -f markdown -t man -M "title=$name" -M "section=$section" \
                -M "footer=syscage $version" -o "$output" "$tmp" ;;
*)
        echo "md2man.sh: unknown converter $tool" >&2
        exit 1 ;;
esac
