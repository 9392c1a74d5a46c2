#!/usr/bin/env bash
# Makes the cortana-api jar built from this checkout the API baseline that `mvn verify` checks against.
# Run it from the Cortana checkout when a release is cut (after the release's API changes are merged):
#
#     bash cortana-api/api-baseline/update.sh
#
# It builds cortana-api (without its tests and without the API check itself), replaces
# cortana-api/api-baseline/cortana-api-<old>.jar with cortana-api-<version>.jar, and sets <api.baseline.version> in
# cortana-api/pom.xml. Commit the three changes together. See docs/plugin-api-changes.md.
set -euo pipefail

module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
baseline_dir="$module/api-baseline"
pom="$module/pom.xml"

old="$(sed -n 's|.*<api.baseline.version>\(.*\)</api.baseline.version>.*|\1|p' "$pom")"
if [[ -z "$old" ]]; then
    echo "update.sh: cannot read <api.baseline.version> from $pom" >&2
    exit 1
fi

mvn -B -q -f "$pom" -DskipTests -Djapicmp.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true clean package

built="$(ls "$module"/target/cortana-api-*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$')"
version="$(basename "$built" .jar)"
version="${version#cortana-api-}"

rm -f "$baseline_dir"/cortana-api-*.jar
cp "$built" "$baseline_dir/cortana-api-$version.jar"
sed -i "s|<api.baseline.version>$old</api.baseline.version>|<api.baseline.version>$version</api.baseline.version>|" "$pom"

echo "API baseline: cortana-api $old -> $version ($baseline_dir/cortana-api-$version.jar)."
echo "Commit cortana-api/api-baseline and cortana-api/pom.xml, and add a $version section to docs/plugin-api-changes.md."
