# Sourced by ./mvnw and ./freshet: make JAVA_HOME point at a JDK >= 21.
# Keeps the caller's JAVA_HOME (or the java on PATH) when it is new enough; otherwise takes the newest
# JDK >= 21 found in the usual install locations. Prints nothing unless no suitable JDK exists.
freshet_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
freshet_select_jdk() {
  local candidate java major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(freshet_java_major "$JAVA_HOME/bin/java")
    [ "${major:-0}" -ge 21 ] 2>/dev/null && return 0
  elif command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    major=$(freshet_java_major java)
    [ "${major:-0}" -ge 21 ] 2>/dev/null && return 0
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    java="$candidate/bin/java"
    [ -x "$java" ] || continue
    major=$(freshet_java_major "$java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
  else
    echo "freshet: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}); install one or set JAVA_HOME." >&2
    return 1
  fi
}
freshet_select_jdk || exit 2 # as the release jar does on an older Java
