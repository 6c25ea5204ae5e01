#!/usr/bin/env bash
# Fetches Temporal's Java time-skipping test server (pinned in scripts/test-server/pom.xml) with its runtime
# dependencies from Maven Central into .tools/test-server, and writes the wrapper the TypeScript SDK starts.
# Idempotent: a second run compares the pom's hash with the recorded one and returns at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/step.sh
source "$ROOT/scripts/lib/step.sh"
POM="$ROOT/scripts/test-server/pom.xml"
DEST="$ROOT/.tools/test-server"
STAMP="$DEST/.pom-sha256"
WRAPPER="$DEST/temporal-test-server"
want="$(sha256sum "$POM" | cut -d' ' -f1)"

if [[ -x "$WRAPPER" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi
for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-test-server: '$tool' is required for Temporal's Java test server (install a JDK 11+ and Maven)." >&2
    exit 1
  fi
done
rm -rf "$DEST/lib"
mkdir -p "$DEST/lib"
step "Temporal's Java time-skipping test server (Maven Central, pinned in scripts/test-server/pom.xml)" test-server -- \
  mvn -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DEST/lib"
# The SDK passes the port as the first argument and later kills the process by pid: `exec` keeps that pid the JVM's.
# C1-only JIT and the serial GC cut JVM start-up on small machines, where the SDK allows a server 5 s to answer.
cat > "$WRAPPER" <<'WRAP'
#!/usr/bin/env bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto ${TEMPORAL_TEST_SERVER_JAVA_OPTS:-} -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
WRAP
chmod +x "$WRAPPER"
echo "$want" > "$STAMP"
