#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# deploy/: the DaemonSet manifest parses and holds what docs/fleet.md
# promises; the Dockerfile copies the static binary and fetches nothing.
# There is no API server here, so kubectl cannot validate: the manifest
# is parsed with python3-yaml and checked field by field.
. "$(dirname "$0")/lib.sh"

MANIFEST=$TOP/deploy/kubernetes/daemonset.yaml
PY=
for p in /usr/bin/python3 python3; do
	command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null && PY=$p && break
done
[ -n "$PY" ] || skip_all "needs python3 with python3-yaml (tools/install-deps.sh)"

# the checks print one TAP-ish line each: "ok DESC" or "not ok DESC"
"$PY" - "$MANIFEST" "$TOP/bench/results.md" >"$WORK/checks" 2>&1 <<'PY'
import re, sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
def check(cond, desc):
    print(("ok " if cond else "not ok ") + desc)

kinds = {d["kind"]: d for d in docs}
check(sorted(kinds) == ["DaemonSet", "Namespace", "ResourceQuota", "ServiceAccount"],
      "four objects: Namespace, ServiceAccount, ResourceQuota, DaemonSet")
for d in docs:
    check(isinstance(d.get("apiVersion"), str) and d.get("metadata", {}).get("name") == "oomtrace",
          f"{d.get('kind')}: apiVersion and the name oomtrace")
ns = kinds["Namespace"]["metadata"]["name"]
ds, sa = kinds["DaemonSet"], kinds["ServiceAccount"]
check(ds["apiVersion"] == "apps/v1" and ds["metadata"]["namespace"] == ns and sa["metadata"]["namespace"] == ns,
      "the DaemonSet (apps/v1) and ServiceAccount live in the namespace")
check(kinds["Namespace"]["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "privileged",
      "the namespace admits privileged pods")
spec = ds["spec"]; tpl = spec["template"]; pod = tpl["spec"]
check(spec["selector"]["matchLabels"].items() <= tpl["metadata"]["labels"].items(), "the selector matches the pod's labels")
check(pod["serviceAccountName"] == sa["metadata"]["name"] and pod.get("automountServiceAccountToken") is False
      and sa.get("automountServiceAccountToken") is False, "its ServiceAccount, without a token")
check(pod.get("hostPID") is True, "hostPID")
check(pod.get("priorityClassName") == "system-node-critical", "priorityClassName system-node-critical: evicted and preempted last")
q = kinds["ResourceQuota"]
sel = q["spec"].get("scopeSelector", {}).get("matchExpressions", [])
check(q["metadata"].get("namespace") == ns and {"scopeName": "PriorityClass", "operator": "In",
      "values": [pod.get("priorityClassName")]} in sel and re.fullmatch(r"\d+k?", q["spec"]["hard"].get("pods", "")),
      "a ResourceQuota in the namespace admits pods of that class (clusters that limit system-* classes)")
check({"operator": "Exists"} in pod.get("tolerations", []), "tolerates every taint: every node")
(c,) = pod["containers"]
check(c["securityContext"].get("privileged") is True, "privileged")
check(c["args"][:1] == ["--json"], "--json, for kubectl logs")
i = c["args"].index("--metrics") if "--metrics" in c["args"] else -1
check(i >= 0 and c["args"][i + 1] == "0.0.0.0:9310", "--metrics 0.0.0.0:9310")
check({"name": "metrics", "containerPort": 9310, "protocol": "TCP"} in c["ports"], "containerPort 9310 named metrics")
ann = tpl["metadata"]["annotations"]
check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == "9310"
      and ann.get("prometheus.io/path") == "/metrics", "prometheus.io annotations (strings)")
vols = {v["name"]: v["hostPath"]["path"] for v in pod["volumes"]}
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
for path in ["/sys/kernel/btf", "/sys/fs/cgroup", "/sys/kernel/debug"]:
    m = mounts.get(path)
    check(m is not None and vols.get(m["name"]) == path and m.get("readOnly") is True,
          f"the host's {path} at {path}, read-only")
check(not any(v.startswith("/proc") for v in vols.values()), "the host's /proc is not mounted over the container's own")
res = c["resources"]
check(res["requests"] == res["limits"] and set(res["limits"]) == {"cpu", "memory"},
      "requests equal limits, CPU and memory: Guaranteed QoS")
def mib(q):
    n, unit = re.fullmatch(r"(\d+)(Mi|Gi)", q).groups()
    return int(n) * (1024 if unit == "Gi" else 1)
peak = float(re.search(r"peak RSS over \d+ kills\s*\|\s*([\d.]+) MB", open(sys.argv[2]).read()).group(1))
lim = mib(res["limits"]["memory"])
check(peak * 2 <= lim <= peak * 8, f"memory limit {lim} MiB is 2 to 8 times the benchmarked peak RSS ({peak} MB)")
check(re.fullmatch(r"\d+m", res["limits"]["cpu"]) is not None, "a CPU limit in millicores")
PY
RC=$?
while read -r line; do
	case $line in
	"ok "*) ok 0 "${line#ok }" ;;
	"not ok "*) ok 1 "${line#not ok }" ;;
	*) echo "$line" | diag ;;
	esac
done <"$WORK/checks"
ok $RC "the manifest parses and every check ran (python rc $RC)"

# the systemd unit says what the binary does itself: -1000, and room to lock
UNIT=$TOP/dist/oomtrace.service
grep -qx 'OOMScoreAdjust=-1000' "$UNIT" && grep -qx 'LimitMEMLOCK=infinity' "$UNIT"
ok $? "the unit: OOMScoreAdjust=-1000 and LimitMEMLOCK=infinity (no CAP_SYS_RESOURCE or CAP_IPC_LOCK there)"
! grep -q -- '--no-self-protect' "$UNIT" "$MANIFEST"
ok $? "neither the unit nor the DaemonSet turns self-protection off"

D=$TOP/deploy/Dockerfile
grep -qx 'FROM debian:bookworm-slim' "$D" && grep -q '^COPY oomtrace ' "$D"
ok $? "Dockerfile: FROM debian:bookworm-slim, COPY oomtrace (the build with --metrics)"
! grep -qiE '(curl|wget|https?://)|^ADD ' "$D"
ok $? "Dockerfile fetches nothing but Debian's packages"
# every library the binary links must come from a package the image installs
missing=$(ldd "$TOP/oomtrace" | awk '$1 ~ /^lib(bpf|elf|z|microhttpd)\./ {print $1}' | while read -r l; do
	case $l in libbpf.*) p=libbpf1 ;; libelf.*) p=libelf1 ;; libz.*) p=zlib1g ;; libmicrohttpd.*) p=libmicrohttpd12 ;; esac
	grep -q "$p" "$D" || echo "$l"
done)
ok $([ -z "$missing" ]; echo $?) "the image installs the package of every library oomtrace links (${missing:-all there})"
while read -r src _; do
	[ -e "$TOP/$src" ] || [ "$src" = oomtrace ] || echo "missing $src"
done < <(sed -n 's/^COPY \([^ ]*\) \(.*\)/\1 \2/p' "$D") >"$WORK/copies"
[ ! -s "$WORK/copies" ]
ok $? "every other file it copies is in the tree"
grep -qx '!oomtrace' "$TOP/.dockerignore"
ok $? ".dockerignore lets the binary through"
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	ok 0 "docker build # SKIP not run here: it would pull debian:bookworm-slim from a registry"
else
	ok 0 "docker build # SKIP no Docker daemon"
fi

done_testing
