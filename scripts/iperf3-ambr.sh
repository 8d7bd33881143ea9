#!/usr/bin/env bash
# iperf3 TCP through one PDU session, per Session-AMBR of the subscription: the figures of
# docs/benchmarks.md, "iperf3 through one PDU session (issue #6)".
#
# Three network namespaces as in crates/bin/ferrocore/tests/e2e_sessions.rs (ran - core -
# dn, veth pairs); `ferrocore up` in core; per AMBR the subscriber is PUT to the UDR's REST
# API, then `ferrocore sim --tun --hold` brings one IPv4 PDU session up in ran and iperf3
# runs from its UE address to an iperf3 server in dn: RUNS uplink runs, RUNS downlink (-R),
# SECS seconds each. While each runs, `ss -ti` of the sending socket is sampled every
# 0.2 s (cwnd, RTT, retransmissions) into OUT/. Prints one line per run and, per AMBR and
# direction, the median and range of the received rate and the retransmits. The core's
# /metrics after each AMBR (the UPF's drops by reason) go to OUT/metrics-AMBR.txt, the
# UDP counters of ran and core (RcvbufErrors: N3 datagrams lost at a full socket) to
# OUT/udp-AMBR.txt.
#
# Usage (root; iperf3, jq, curl, iproute2):
#   scripts/iperf3-ambr.sh [-b BIN] [-r RUNS] [-t SECS] [-o OUT] [AMBR ...]
#   AMBR as the UDR takes it: "1 Gbps", "100 Mbps", "20 Mbps" (the default list).
set -euo pipefail

BIN=target/release/ferrocore RUNS=3 SECS=5 OUT=
while getopts b:r:t:o: o; do
  case $o in
    b) BIN=$OPTARG ;; r) RUNS=$OPTARG ;; t) SECS=$OPTARG ;; o) OUT=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "1 Gbps" "100 Mbps" "20 Mbps"
BIN=$(realpath "$BIN")
OUT=${OUT:-$(mktemp -d /tmp/ferrocore-iperf3-XXXXXX)}
mkdir -p "$OUT"

id=$(($$ % 1000))
RAN=fcbran$id CORE=fcbcore$id DN=fcbdn$id
UP_PID= SIM_PID= SRV_PID=
cleanup() {
  for p in $SIM_PID $SRV_PID $UP_PID; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $RAN $CORE $DN; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT

for ns in $RAN $CORE $DN; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add r$id netns $RAN type veth peer name c$id netns $CORE
ip link add n$id netns $CORE type veth peer name d$id netns $DN
ip -n $RAN addr add 10.201.1.2/24 dev r$id
ip -n $CORE addr add 10.201.1.1/24 dev c$id
ip -n $CORE addr add 10.201.2.1/24 dev n$id
ip -n $DN addr add 10.201.2.2/24 dev d$id
ip -n $RAN link set r$id up
ip -n $CORE link set c$id up
ip -n $CORE link set n$id up
ip -n $DN link set d$id up
ip -n $DN route add 10.45.0.0/16 via 10.201.2.1
ip netns exec $CORE sysctl -qw net.ipv4.ip_forward=1

cat >"$OUT/ferrocore.toml" <<EOF
[store]
db = "sqlite://$OUT/ferrocore.db"
[sbi]
udr = "10.201.1.1:7001"
[n2]
address = "10.201.1.1"
transport = "udp"
[upf]
n3 = "10.201.1.1:2152"
EOF
ip netns exec $CORE "$BIN" up --config "$OUT/ferrocore.toml" >/dev/null 2>"$OUT/up.log" &
UP_PID=$!
for _ in $(seq 300); do
  ip netns exec $CORE curl -sf -o /dev/null http://127.0.0.1:9090/metrics && break
  sleep 0.2
done
ip netns exec $DN iperf3 -s -B 10.201.2.2 >/dev/null 2>&1 &
SRV_PID=$!

# The simulator's first UE (TS 35.208 test set 1 keys, its defaults) with one DNN.
subscriber() {
  jq -n --arg ambr "$1" '{
    supi: "imsi-001010000000001",
    k: "465b5ce8b199b49faa5f0a2ee238a6bc", opc: "cd63cb71954a9f4e48a5994e37a02baf",
    slices: [{sst: 1, default: true,
              dnns: [{dnn: "internet", session_ambr: {uplink: $ambr, downlink: $ambr}}]}]}'
}

# ss -ti of the iperf3 data connection (the one to or from port 5201 with the most bytes).
sample_ss() { # ns file
  while :; do
    { date +%s.%N; ip netns exec "$1" ss -tinH '( dport = :5201 or sport = :5201 )'; } >>"$2"
    sleep 0.2
  done
}

printf '%-10s %-4s %-3s %10s %8s\n' ambr dir run Mbit/s retrans | tee "$OUT/runs.txt"
for ambr in "$@"; do
  tag=${ambr// /}
  subscriber "$ambr" >"$OUT/sub-$tag.json"
  code=$(ip netns exec $CORE curl -s -o /dev/null -w '%{http_code}' -X PUT \
    -H 'content-type: application/json' --data @"$OUT/sub-$tag.json" \
    http://10.201.1.1:7001/api/v1/subscribers/imsi-001010000000001)
  if [ "$code" = 404 ]; then
    code=$(ip netns exec $CORE curl -s -o /dev/null -w '%{http_code}' -X POST \
      -H 'content-type: application/json' --data @"$OUT/sub-$tag.json" \
      http://10.201.1.1:7001/api/v1/subscribers)
  fi
  case $code in 20?) ;; *) echo "provisioning answered $code" >&2; exit 1 ;; esac

  hold=$((2 * RUNS * (SECS + 4) + 10))
  ip netns exec $RAN "$BIN" sim --json --transport udp --ues 1 --session ipv4 \
    --amf 10.201.1.1:38412 --local 10.201.1.2 --n3 10.201.1.2 \
    --ping 10.201.2.2 --tun --hold $hold --release --timeout $((hold + 60)) \
    >"$OUT/sim-$tag.json" 2>"$OUT/sim-$tag.log" &
  SIM_PID=$!
  ue=
  for _ in $(seq 150); do
    ue=$(ip -n $RAN -4 -o addr show dev fcsim0 2>/dev/null | grep -o '10\.45\.[0-9.]*' | head -1) || true
    [ -n "$ue" ] && break
    sleep 0.2
  done
  [ -n "$ue" ] || { echo "no UE address on fcsim0" >&2; cat "$OUT/sim-$tag.log" >&2; exit 1; }
  sleep 1
  for dir in ul dl; do
    flag=; sender=$RAN
    [ $dir = dl ] && { flag=-R; sender=$DN; }
    for run in $(seq "$RUNS"); do
      f="$OUT/iperf-$tag-$dir-$run"
      sample_ss $sender "$f.ss" &
      ss_pid=$!
      ip netns exec $RAN iperf3 -c 10.201.2.2 -B "$ue" -t "$SECS" -J $flag >"$f.json" || true
      kill $ss_pid; wait $ss_pid 2>/dev/null || true
      jq -r --arg a "$tag" --arg d $dir --arg r "$run" \
        '[$a, $d, $r, (.end.sum_received.bits_per_second / 1e6 * 10 | round / 10),
          .end.sum_sent.retransmits] | @tsv' "$f.json" |
        awk '{ printf "%-10s %-4s %-3s %10s %8s\n", $1, $2, $3, $4, $5 }' | tee -a "$OUT/runs.txt"
      sleep 1
    done
  done
  wait $SIM_PID || true
  SIM_PID=
  # The core's counters after this AMBR (cumulative): the UPF's drops by reason.
  ip netns exec $CORE curl -s http://127.0.0.1:9090/metrics >"$OUT/metrics-$tag.txt"
  # UDP receive buffer overflows (cumulative) where N3 ends: the simulator (ran), the UPF (core).
  for ns in $RAN $CORE; do
    echo "$ns $(ip netns exec $ns awk '/^Udp:/ { if (h) print; h = 1 }' /proc/net/snmp)"
  done >"$OUT/udp-$tag.txt"
done

echo
echo "median [min - max] Mbit/s, retransmits median [min - max]; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk 'NR > 1 { k = $1 " " $2; r[k] = r[k] " " $4; x[k] = x[k] " " $5; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
  function stats(list,   a, m, i, j, t) {
    m = split(substr(list, 2), a, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) " [" a[1] " - " a[m] "]"
  }
  END { for (i = 1; i <= n; i++) printf "%-14s %-22s %s\n", order[i], stats(r[order[i]]), stats(x[order[i]]) }' \
  "$OUT/runs.txt" | tee "$OUT/summary.txt"
echo "details in $OUT"
