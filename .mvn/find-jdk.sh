# Sourced by ./mvnw and ./mrisr: prints the home of a JDK >= 25, or explains where it looked.
mrisr_java_major() {
  "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | awk -F. '{ if ($1 == "1") print $2; else print $1 }'
}

mrisr_find_jdk() {
  local need=25 candidates=() looked=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in "${MRISR_JVM_DIR:-/usr/lib/jvm}"/*; do [ -d "$c" ] && candidates+=("$c"); done
  if command -v java >/dev/null 2>&1; then
    c="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    candidates+=("$c")
  fi
  local seen=" "
  for c in "${candidates[@]}"; do
    case "$seen" in *" $c "*) continue ;; esac
    seen="$seen$c "
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      major="$(mrisr_java_major "$c")"
      looked+=("$c (Java ${major:-?})")
      if [ -n "$major" ] && [ "$major" -ge "$need" ] 2>/dev/null; then echo "$c"; return 0; fi
    else
      looked+=("$c (no java/javac)")
    fi
  done
  {
    echo "mrisr needs a JDK $need or newer (it uses the jdk.incubator.vector API)."
    echo "Looked at \$JAVA_HOME, ${MRISR_JVM_DIR:-/usr/lib/jvm}/* and the java on PATH:"
    for c in "${looked[@]}"; do echo "  - $c"; done
    [ ${#looked[@]} -eq 0 ] && echo "  - (nothing found)"
    echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it."
  } >&2
  return 1
}
