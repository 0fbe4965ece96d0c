#!/usr/bin/env bash
# Copies the pinned front-end assets from node_modules into the Django static tree.
# The copies are committed, so serving Kaohe never needs npm or a CDN; run this only
# after changing the versions in package.json (npm ci installs exactly the lockfile).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/kaohe/web/static/vendor
[ -d node_modules/htmx.org ] && [ -d node_modules/echarts ] || npm ci --no-audit --no-fund
mkdir -p "$dest/htmx" "$dest/echarts"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$dest/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/echarts.min.js"
cp node_modules/echarts/LICENSE "$dest/echarts/LICENSE"
cp node_modules/echarts/NOTICE "$dest/echarts/NOTICE"
# Record what was copied, so a reviewer can see the versions without npm.
node -e '
const v = (p) => require("./node_modules/" + p + "/package.json").version;
console.log(JSON.stringify({"htmx.org": v("htmx.org"), "echarts": v("echarts")}, null, 2));
' > "$dest/VERSIONS.json"
echo "vendored into $dest:"; cat "$dest/VERSIONS.json"
