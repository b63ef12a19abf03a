#!/usr/bin/env bash
# Refresh the vendored front-end files under static/ from the npm registry.
# The portal never loads anything from a CDN: every asset is committed here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund \
  bootstrap@5.3.9 htmx.org@2.0.11 bootstrap-icons@1.13.2 \
  @fontsource/noto-sans-tc@5.3.0 @expo-google-fonts/noto-sans-tc@0.4.3 chart.js@4.6.1
nm=$work/node_modules
v=$root/static/vendor
rm -rf "$v" && mkdir -p "$v/bootstrap" "$v/htmx" "$v/chart.js" "$v/bootstrap-icons/fonts" "$v/noto-sans-tc/files"
cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$nm/bootstrap/LICENSE" "$v/bootstrap/"
cp "$nm/htmx.org/dist/htmx.min.js" "$nm/htmx.org/LICENSE" "$v/htmx/"
cp "$nm/chart.js/dist/chart.umd.min.js" "$nm/chart.js/LICENSE.md" "$v/chart.js/"
cp "$nm/bootstrap-icons/font/bootstrap-icons.min.css" "$nm/bootstrap-icons/LICENSE" "$v/bootstrap-icons/"
cp "$nm/bootstrap-icons/font/fonts/"*.woff2 "$nm/bootstrap-icons/font/fonts/"*.woff "$v/bootstrap-icons/fonts/"
# Web font: only the woff2 slices (every browser the portal supports reads woff2);
# the stylesheets are rewritten to drop the .woff fallbacks that are not shipped.
for w in 400 700; do
  sed -E "s#, url\(\./files/[^)]*\.woff\) format\('woff'\)##" "$nm/@fontsource/noto-sans-tc/$w.css" > "$v/noto-sans-tc/$w.css"
  cp "$nm/@fontsource/noto-sans-tc/files/"*-"$w"-normal.woff2 "$v/noto-sans-tc/files/"
done
cp "$nm/@fontsource/noto-sans-tc/LICENSE" "$v/noto-sans-tc/"
# PDF font: whole TrueType files, embedded (subset) by WeasyPrint.
mkdir -p "$root/static/fonts"
cp "$nm/@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf" "$root/static/fonts/NotoSansTC-Regular.ttf"
cp "$nm/@expo-google-fonts/noto-sans-tc/700Bold/NotoSansTC_700Bold.ttf" "$root/static/fonts/NotoSansTC-Bold.ttf"
cp "$nm/@expo-google-fonts/noto-sans-tc/LICENSE_FONT" "$root/static/fonts/OFL.txt"
# Source maps are not shipped: drop the comments that point at them, so that
# collectstatic's manifest does not look for missing files.
find "$v" \( -name '*.css' -o -name '*.js' \) -exec sed -i -E -e '/^\/[*\/]# sourceMappingURL=/d' -e 's@/\*# sourceMappingURL=[^*]*\*/@@' {} +
echo "vendored into $v and $root/static/fonts"
