# Sourced by bin/emnistnet, bin/bench, bin/cluster, bin/hdfs, bin/yarn and bin/submit: builds the project when sources changed, and writes the
# classpaths they use. Needs $root.
mvn_cmd="${MVN:-mvn}"
# Spark with the project's dependencies: the embedded local Spark, and SPARK_HOME/jars of bin/cluster. (Spark's
# own dependencies overlap DL4J's, so Maven cannot give "Spark alone"; the application jar is still complete.)
classpath_file="$root/jobs/target/classpath.txt"
spark_classpath_file="$classpath_file"
stamp="$root/jobs/target/.emnistnet-built"

needs_build() {
  [[ -f "$stamp" && -f "$classpath_file" ]] || return 0
  [[ -n "$(find "$root/pom.xml" "$root/pipeline-core" "$root/jobs" "$root/bench" "$root/notebooks" \
      \( -path '*/target' -prune \) -o -newer "$stamp" \( -name '*.java' -o -name '*.xml' -o -name '*.json' -o -name '*.properties' \) -print -quit)" ]]
}

build_if_needed() {
  # EMNISTNET_SKIP_BUILD=1: the caller (Maven's integration tests) has just built everything.
  if [[ "${EMNISTNET_SKIP_BUILD:-}" != "1" ]] && needs_build; then
    echo "emnistnet: building the project (first run, or sources changed) ..." >&2
    # install also writes both classpath files (jobs/pom.xml) and the application jar
    (cd "$root" && "$mvn_cmd" -q -B -DskipTests install) >&2
    touch "$stamp"
  fi
}

app_jar() {
  ls "$root"/jobs/target/emnistnet-app-*.jar | head -n 1
}

# Spark 3.5 on JDK 17 needs these opens (Spark's JavaModuleOptions); DL4J needs its layer helpers switched on.
jvm_opens=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dorg.eclipse.deeplearning4j.helpers.disable=false
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties"
)

# --owner PID (bin/cluster, bin/hdfs, bin/yarn start): the service stops when process PID ends, e.g. a test JVM
# killed before its clean-up, so nothing outlives whoever started it. A watcher outside the service checks both
# every 2 s and ends with the service; its output goes nowhere (a caller reading the script's output must not wait for it).
check_owner() { # owner pid, script name
  [[ -z "$1" ]] && return 0
  [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && return 0
  echo "$2: --owner '$1' is no running process" >&2; exit 2
}
watch_owner() { # owner pid, service pid, the stop command
  local owner="$1" service="$2"; shift 2
  [[ -n "$owner" ]] || return 0
  # The arguments travel in the environment: a watcher whose command line named DIR would pass for a process of
  # the service (tests look for those), though it ends by itself within 2 s of the service.
  WATCH_OWNER="$owner" WATCH_SERVICE="$service" WATCH_STOP="$(printf '%q ' "$@")" nohup bash -c '
    while kill -0 "$WATCH_OWNER" 2>/dev/null && kill -0 "$WATCH_SERVICE" 2>/dev/null; do sleep 2; done
    if kill -0 "$WATCH_SERVICE" 2>/dev/null; then eval "exec $WATCH_STOP"; fi' owner-watcher </dev/null >/dev/null 2>&1 &
}

# Stops the daemon launched last when a signal came between its launch and the writing of its pid file (bash runs
# a trap between two commands: after `java ... &`, before `echo $! > PIDFILE`). Call it from the EXIT trap with $!.
stop_last_launched() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && kill "$1" 2>/dev/null
  return 0
}
