#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless against a run directory, on the Java kernel in
# notebooks/kernels/orz-java (rapaio-jupyter-kernel). Installs nothing; it needs:
#   - Jupyter from Debian packages:
#       apt-get install -y jupyter-core jupyter-nbconvert python3-nbconvert python3-nbclient \
#         python3-ipykernel python3-jupyter-client python3-zmq jupyter-client
#   - the built application and kernel jars: mvn -B -pl jobs -am package -DskipTests
#     (jobs/target/orz-app.jar, jobs/target/spark-classpath.txt, jobs/target/notebook-kernel/).
# Executed copies (with outputs) and the kernel's log go to $ORZ_NOTEBOOK_OUT (default
# notebooks/target/); the notebooks in git stay without outputs.
# The kernel fails to start about once in eight ("Kernel didn't respond in 60 seconds"): that
# failure, and only that one, is retried (3 attempts). Exit status: 0 when every notebook ran
# without an error.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 2
fi
run_dir=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${ORZ_NOTEBOOK_OUT:-$here/target}

[[ -d $run_dir ]] || { echo "no run directory $run_dir" >&2; exit 2; }
command -v jupyter >/dev/null || { echo "jupyter is not installed (see the header of $0)" >&2; exit 2; }
for f in "$root/jobs/target/orz-app.jar" "$root/jobs/target/spark-classpath.txt" \
         "$root/jobs/target/notebook-kernel/rapaio-jupyter-kernel.jar"; do
  [[ -f $f ]] || { echo "missing $f: build with mvn -B -pl jobs -am package -DskipTests" >&2; exit 2; }
done

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Jupyter finds the kernel in notebooks/kernels/; everything else it writes stays in $work.
export JUPYTER_PATH=$here
export JUPYTER_CONFIG_DIR=$work/config JUPYTER_DATA_DIR=$work/data JUPYTER_RUNTIME_DIR=$work/runtime
export IPYTHONDIR=$work/ipython
# Read by kernel.json and the notebooks.
export ORZ_RUN_DIR=$run_dir
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
export ORZ_NOTEBOOK_WORK=$work
export ORZ_NOTEBOOK_LOG=$out/kernel.log
# The kernel splits RJK_CLASSPATH on ';' (not ':').
export ORZ_NOTEBOOK_CLASSPATH="$root/jobs/target/orz-app.jar;$(tr ':' ';' <"$root/jobs/target/spark-classpath.txt")"

status=0
for notebook in "$here"/*.ipynb; do
  name=$(basename "$notebook")
  for attempt in 1 2 3; do
    start=$SECONDS
    if jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.kernel_name=orz-java --ExecutePreprocessor.timeout=600 \
        --output-dir "$out" "$notebook" >"$work/nbconvert.log" 2>&1; then
      echo "$name: ok in $((SECONDS - start)) s (attempt $attempt)"
      break
    fi
    if grep -q "Kernel didn't respond" "$work/nbconvert.log" && [[ $attempt -lt 3 ]]; then
      echo "$name: kernel did not start (attempt $attempt); retrying"
      continue
    fi
    echo "$name: FAILED (attempt $attempt)" >&2
    cat "$work/nbconvert.log" >&2
    status=1
    break
  done
done
exit $status
