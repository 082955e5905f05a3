#!/usr/bin/env bash
# Rebuilds assets/fonts/NotoSansSC-Regular-subset.ttf, the font the PDF reports embed, and
# assets/fonts/OFL.txt, its licence.
#
# Why a subset: the full Noto Sans SC Regular is 10.6 MB and carries scripts, layout tables and
# hinting a report never uses. Why not a smaller one: names use rare characters (堃喆玥昇犇…),
# so a GB2312-only subset would print them as "?"; we keep every CJK Unified Ideograph and
# Extension A, which the font has.
#
# Where from: the npm package @expo-google-fonts/noto-sans-sc ships Google Fonts' TrueType
# (glyf) build of Noto Sans SC; printpdf embeds glyf fonts as CIDFontType2 and subsets them
# again per PDF. Both the package and fonttools are pinned so a rerun gives the same bytes.
#
# Needs: npm, python3 (with venv). Writes only to a temporary folder and assets/fonts/.
set -euo pipefail
cd "$(dirname "$0")/.."

NPM_PACKAGE="@expo-google-fonts/noto-sans-sc@0.4.3"
FONTTOOLS="fonttools==4.68.0"
OUT_DIR="assets/fonts"
OUT_FONT="$OUT_DIR/NotoSansSC-Regular-subset.ttf"

work="$(mktemp -d "${TMPDIR:-/tmp}/subset-font.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== fetching $NPM_PACKAGE"
(cd "$work" && npm pack --silent "$NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz)
source_ttf="$work/package/400Regular/NotoSansSC_400Regular.ttf"
[ -f "$source_ttf" ] || { echo "no 400Regular .ttf in $NPM_PACKAGE" >&2; exit 1; }

echo "== installing $FONTTOOLS in a throw-away venv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$FONTTOOLS"

# What a report can show. Each range is here because some text needs it:
ranges=(
  U+0020-007E   # Basic Latin: digits, ASCII punctuation, Latin names and codes
  U+00A0-00FF   # Latin-1: ° ± × · ¥ and accented Latin letters
  U+2000-206F   # General punctuation: — – … ‰ “ ” ‘ ’ and the thin spaces
  U+2103        # ℃ (body temperature)
  U+2116        # №
  U+2190-2193   # ← ↑ → ↓ (trends)
  U+2212        # − (minus sign)
  U+2248 U+2260 U+2264-2265  # ≈ ≠ ≤ ≥
  U+2460-2473   # ①–⑳ (numbered items in Chinese documents)
  U+3000-303F   # CJK symbols and punctuation: 、。《》「」【】 and the ideographic space
  U+3400-4DBF   # CJK Extension A: rare characters found in registered names (+2.4 MB)
  U+4E00-9FFF   # CJK Unified Ideographs, all of them
  U+FF00-FFEF   # Full-width forms: （），：；！？ and full-width digits and letters
)
unicodes="$(IFS=,; echo "${ranges[*]}")"

echo "== subsetting"
# --no-hinting: PDF viewers rasterise at any size and ignore TrueType hints; they are ~10 % of
#   the glyf table. --layout-features='' and dropping GSUB/GPOS/GDEF/BASE/STAT: printpdf maps
#   characters through cmap alone (no shaping), so the OpenType layout tables are dead weight.
# Dropping vhea/vmtx: reports are set horizontally. --name-IDs='*' keeps the copyright and
#   licence records (IDs 0, 13, 14) inside the font, as the OFL asks.
# --notdef-outline: should a glyph ever be missing, the viewer draws a visible box rather than
#   nothing (our own code already replaces such characters with "?", see report/font.rs).
"$work/venv/bin/pyftsubset" "$source_ttf" \
  --unicodes="$unicodes" \
  --no-hinting \
  --layout-features='' \
  --drop-tables+=GSUB,GPOS,GDEF,BASE,STAT,vhea,vmtx \
  --name-IDs='*' \
  --notdef-outline \
  --output-file="$work/subset.ttf"

mkdir -p "$OUT_DIR"
cp "$work/subset.ttf" "$OUT_FONT"
# The package's LICENSE_FONT is the SIL OFL 1.1 with the font's own copyright line (Noto Sans SC
# is Adobe's Source Han Sans under Google's name, hence "Reserved Font Name 'Source'").
cp "$work/package/LICENSE_FONT" "$OUT_DIR/OFL.txt"

size=$(stat -c %s "$OUT_FONT")
echo "== wrote $OUT_FONT ($size bytes) and $OUT_DIR/OFL.txt"
sha256sum "$OUT_FONT"
