#!/usr/bin/env bash
# Rebuilds static/govuk/ from the pinned govuk-frontend (package.json). The output is committed,
# so running the app never needs Node; run this only to change the GOV.UK Frontend version or app.scss.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
out=../static/govuk
rm -rf "$out" && mkdir -p "$out"
npx sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import app.scss "$out/app.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"

# No GOV.UK fonts, crown or crest images: this service is not on GOV.UK.
echo "govuk-frontend $(node -p "require('govuk-frontend/package.json').version")" > "$out/VERSION"
