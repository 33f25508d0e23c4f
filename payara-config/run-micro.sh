#!/usr/bin/env bash
# Starts Payara Micro with switchboard.war and the settings in this folder.
#
#   payara-config/run-micro.sh [more Payara Micro options...]
#
# Environment (all optional):
#   PORT             HTTP port (default 8080)
#   BIND_ADDRESS     address the HTTP listener binds (default 127.0.0.1; auth=dev refuses any other)
#   SWITCHBOARD_WAR  the WAR (default target/switchboard.war, built with mvn package if missing)
#   PAYARA_MICRO_JAR the Payara Micro jar (default target/payara-micro.jar, copied from Maven if missing)
#   POST_BOOT        asadmin commands run after boot (default payara-config/post-boot.asadmin)
#   RUN_DIR          Micro's runtime and temp files (default target/payara-micro-run)
#   JAVA_OPTS        JVM options (default -Xmx512m)
#   SWITCHBOARD_*    the settings of spec section 6; a system property in POST_BOOT wins over them
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# Keep in step with payara.micro.version in pom.xml (the version the *IT tests run on).
micro_version=6.2025.10

port=${PORT:-8080}
bind=${BIND_ADDRESS:-127.0.0.1}
war=${SWITCHBOARD_WAR:-$root/target/switchboard.war}
jar=${PAYARA_MICRO_JAR:-$root/target/payara-micro.jar}
post_boot=${POST_BOOT:-$here/post-boot.asadmin}
run_dir=${RUN_DIR:-$root/target/payara-micro-run}

if [ ! -f "$war" ]; then
  echo "run-micro: $war is missing, building it (mvn package)" >&2
  (cd "$root" && mvn -q -B -DskipTests package)
fi
if [ ! -f "$jar" ]; then
  echo "run-micro: $jar is missing, copying payara-micro $micro_version from Maven" >&2
  mkdir -p "$(dirname "$jar")"
  (cd "$root" && mvn -q -B dependency:copy \
      -Dartifact="fish.payara.extras:payara-micro:$micro_version" \
      -DoutputDirectory="$(dirname "$jar")" -Dmdep.stripVersion=true)
  if [ "$(basename "$jar")" != payara-micro.jar ]; then
    mv "$(dirname "$jar")/payara-micro.jar" "$jar"
  fi
fi

mkdir -p "$run_dir"
# Payara Micro has no option for the listen address: set it before boot.
pre_boot=$run_dir/pre-boot.asadmin
printf 'set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=%s\n' \
  "$bind" > "$pre_boot"

# --nohazelcast: Switchboard keeps its logs in memory in one instance and uses no data grid; without it
# Micro still opens Hazelcast on *:6900 even with --nocluster.
# --contextroot keeps /switchboard whatever the WAR file is called.
# exec: the signals (Ctrl-C, SIGTERM) reach Micro, which undeploys the app and so closes connections with 1001.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java ${JAVA_OPTS:--Xmx512m} -Djava.io.tmpdir="$run_dir" \
  -jar "$jar" \
  --deploy "$war" --contextroot switchboard \
  --port "$port" \
  --nohazelcast \
  --prebootcommandfile "$pre_boot" \
  --postbootcommandfile "$post_boot" \
  "$@"
