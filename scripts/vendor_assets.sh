#!/usr/bin/env bash
# Copies the pinned front-end assets from node_modules into the Django static tree.
# The copies are committed, so serving Kaohe never needs npm or a CDN; run this only
# after changing the versions in package.json (npm ci installs exactly the lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/kaohe/web/static/vendor
[ -d node_modules/htmx.org ] && [ -d node_modules/echarts ] && [ -d node_modules/bootstrap ] \
  && [ -d node_modules/bootstrap-icons ] || npm ci --no-audit --no-fund
mkdir -p "$dest/htmx" "$dest/echarts" "$dest/bootstrap/css" "$dest/bootstrap/js" "$dest/bootstrap-icons/fonts"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/echarts.min.js"
cp node_modules/echarts/LICENSE "$dest/echarts/LICENSE"
cp node_modules/echarts/NOTICE "$dest/echarts/NOTICE"
# Bootstrap 5 (the UI kit of every page) and its icon font. The source-map comments are
# dropped: the maps are not vendored, and the manifest storage would look for them.
sed '/sourceMappingURL/d' node_modules/bootstrap/dist/css/bootstrap.min.css > "$dest/bootstrap/css/bootstrap.min.css"
sed '/sourceMappingURL/d' node_modules/bootstrap/dist/js/bootstrap.bundle.min.js > "$dest/bootstrap/js/bootstrap.bundle.min.js"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/bootstrap-icons.min.css"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff \
  "$dest/bootstrap-icons/fonts/"
cp node_modules/bootstrap-icons/LICENSE "$dest/bootstrap-icons/LICENSE"
# Record what was copied, so a reviewer can see the versions without npm.
node -e '
const v = (p) => require("./node_modules/" + p + "/package.json").version;
console.log(JSON.stringify({"htmx.org": v("htmx.org"), "echarts": v("echarts"),
  "bootstrap": v("bootstrap"), "bootstrap-icons": v("bootstrap-icons")}, null, 2));
' > "$dest/VERSIONS.json"
echo "vendored into $dest:"; cat "$dest/VERSIONS.json"
