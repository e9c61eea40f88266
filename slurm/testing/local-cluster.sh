#!/usr/bin/env bash
# A real Slurm cluster on this one Linux machine, for testing the launcher (run as root):
#
#   slurm/testing/local-cluster.sh up        # install (if missing) and start; again: no change
#   slurm/testing/local-cluster.sh status    # what runs (exit 0: all of it, 3: not all)
#   slurm/testing/local-cluster.sh exec [--node NODE] -- COMMAND...
#                                            # COMMAND on the login node (default) or NODE
#   slurm/testing/local-cluster.sh down      # stop everything, remove all it added
#   slurm/testing/local-cluster.sh install   # only install the Debian packages
#
# Layout: Debian's slurmctld, slurmd, slurm-client and munge. One network namespace and one UTS
# namespace (own hostname) per daemon: "head" (bench-head: the login node, with the bridge
# benchbr0 at 10.199.0.1, slurmctld, munged and the client commands) and node1..node4
# (bench-node1..4: slurmd, eth0 at 10.199.0.11..14, a veth joined to the bridge). Each node has
# 8 CPUs and 8 fake GPUs (dummy character devices; GRES AutoDetect=off). Names go into
# /etc/hosts, marked, and everything else under /run/bench-slurm (config, logs, spools).
#
# Network safety: before anything else, the root namespace gets `ip route replace unreachable
# 10.199.0.0/24`, kept until the last config naming a lab address is gone, so a client run in the
# root namespace by mistake cannot send lab traffic out of the default route. Nothing runs or
# listens in the root namespace: every daemon and client is started inside the lab namespaces,
# which have no link to the root namespace, so nothing leaves the machine.
set -euo pipefail

readonly LAB_NET=10.199.0
readonly LAB_CIDR=$LAB_NET.0/24
readonly HEAD=head
readonly HEAD_IP=$LAB_NET.1
readonly NODES=(node1 node2 node3 node4)
readonly CPUS_PER_NODE=8
readonly GPUS_PER_NODE=8
readonly NS_PREFIX=bench-
readonly BRIDGE=benchbr0
readonly STATE=/run/bench-slurm
readonly CONF=$STATE/etc/slurm.conf
readonly MUNGE_SOCKET=$STATE/munge/munge.socket
readonly HOSTS_MARK="# bench local-cluster.sh"
readonly PACKAGES=(slurmctld slurmd slurm-client munge)
readonly START_TIMEOUT_SEC=60
readonly STOP_TIMEOUT_SEC=10

log() { printf '%s local-cluster: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '/^# A real Slurm/,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p;}' "${BASH_SOURCE[0]}"
}

node_ip() { # NODE -> its lab address
  local i
  for i in "${!NODES[@]}"; do
    if [ "${NODES[i]}" = "$1" ]; then
      echo "$LAB_NET.$((11 + i))"
      return
    fi
  done
  [ "$1" = "$HEAD" ] && echo "$HEAD_IP" && return
  die "unknown node '$1'"
}

ns_of() { echo "$NS_PREFIX$1"; }        # NAME -> network namespace
uts_of() { echo "$STATE/uts/$1"; }      # NAME -> its persistent UTS namespace file
all_names() { echo "$HEAD" "${NODES[@]}"; }

# enter NAME: sets ENTER to the words that run a command inside NAME's network and UTS namespaces
enter() { ENTER=(nsenter --net="/run/netns/$(ns_of "$1")" --uts="$(uts_of "$1")" --); }

# in_ns NAME COMMAND...: COMMAND inside NAME's namespaces, with the lab's config
in_ns() {
  enter "$1"
  shift
  SLURM_CONF=$CONF "${ENTER[@]}" "$@"
}

# ns_inode NAME: the inode of NAME's network namespace, empty if it does not exist
ns_inode() {
  local f
  f="/run/netns/$(ns_of "$1")"
  if [ -e "$f" ] && mountpoint -q "$f" 2>/dev/null; then stat -L -c %i "$f"; fi
}

root_ns_inode() { stat -L -c %i /proc/self/ns/net; }

# ns_pids NAME: the processes inside NAME's network namespace (never the root namespace's)
ns_pids() {
  local ino
  ino=$(ns_inode "$1")
  [ -n "$ino" ] || return 0
  [ "$ino" != "$(root_ns_inode)" ] || die "$(ns_of "$1") is the root network namespace: refusing"
  ip netns pids "$(ns_of "$1")" 2>/dev/null || true
}

# pid_alive PID NAME COMM: PID runs the program COMM inside NAME's network namespace
pid_alive() {
  local pid=$1 ino
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$3" ] || return 1
  ino=$(ns_inode "$2")
  [ -n "$ino" ] && [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$ino" ]
}

pidfile_of() { # DAEMON [NODE]
  case $1 in
    munged) echo "$STATE/run/munged.pid" ;;
    slurmctld) echo "$STATE/run/slurmctld.pid" ;;
    slurmd) echo "$STATE/run/slurmd-$2.pid" ;;
  esac
}

# daemon_pid DAEMON NAME: the daemon's pid if it runs in NAME's namespace, else nothing
daemon_pid() {
  local f pid
  f=$(pidfile_of "$1" "$2")
  [ -f "$f" ] || return 0
  pid=$(tr -dc 0-9 <"$f")
  if pid_alive "$pid" "$2" "$1"; then echo "$pid"; fi
}

require_root() {
  [ "$(uname -s)" = Linux ] || die "needs Linux (network namespaces)"
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, /etc/hosts, daemons)"
  local c
  for c in ip nsenter unshare mountpoint stat mknod getent; do
    command -v "$c" >/dev/null || die "$c not found"
  done
}

# ---------------------------------------------------------------------------------------------
# install

packages_missing() {
  local p
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then echo "$p"; fi
  done
  command -v curl >/dev/null || echo curl
}

install_packages() {
  local missing policy=/usr/sbin/policy-rc.d saved="" status=0
  mapfile -t missing < <(packages_missing)
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]} (services blocked from starting by a temporary $policy)"
  if [ -e "$policy" ]; then
    saved=$(mktemp)
    cp -p "$policy" "$saved"
  fi
  printf '#!/bin/sh\n# temporary, by bench local-cluster.sh: no service starts during the install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    timeout 300 apt-get update -qq || status=$?
    if [ "$status" = 0 ]; then
      timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
    fi
  fi
  if [ -n "$saved" ]; then
    cp -p "$saved" "$policy"
    rm -f "$saved"
  else
    rm -f "$policy"
  fi
  [ "$status" = 0 ] || die "apt-get install ${missing[*]} failed"
  mapfile -t missing < <(packages_missing)
  [ "${#missing[@]}" -eq 0 ] || die "still missing after the install: ${missing[*]}"
}

# ---------------------------------------------------------------------------------------------
# up

# guard_route: the lab subnet is unreachable from the root namespace (first, before anything
# names a lab address); refuses a subnet that the machine already uses
guard_route() {
  local routes
  routes=$(ip -4 route show root "$LAB_CIDR" 2>/dev/null | grep -v "^unreachable $LAB_CIDR" || true)
  [ -z "$routes" ] || die "the lab subnet $LAB_CIDR is already routed here ($routes): refusing to touch it"
  if ip -4 -o addr show | awk '{ print $4 }' | grep -q "^${LAB_NET//./\\.}\."; then
    die "an interface of the root namespace has an address in $LAB_CIDR: refusing"
  fi
  ip route replace unreachable "$LAB_CIDR"
  if ip route get "$LAB_NET.11" >/dev/null 2>&1; then
    die "the guard route did not take: $LAB_NET.11 is still routable from the root namespace"
  fi
}

# make_namespaces: head with the bridge; node namespaces joined to it by veth pairs; hostnames
make_namespaces() {
  local name ns uts ip veth
  mkdir -p "$STATE/uts"
  for name in $(all_names); do
    ns=$(ns_of "$name")
    if [ -z "$(ns_inode "$name")" ]; then
      ip netns add "$ns"
    fi
    uts=$(uts_of "$name")
    if ! mountpoint -q "$uts" 2>/dev/null; then
      touch "$uts"
      unshare --uts="$uts" hostname "$name"
    fi
    ip -n "$ns" link set lo up
  done
  ns=$(ns_of "$HEAD")
  if ! ip -n "$ns" link show "$BRIDGE" >/dev/null 2>&1; then
    ip -n "$ns" link add "$BRIDGE" type bridge
  fi
  ip -n "$ns" addr replace "$HEAD_IP/24" dev "$BRIDGE"
  ip -n "$ns" link set "$BRIDGE" up
  for name in "${NODES[@]}"; do
    veth="veth-$name"
    ip=$(node_ip "$name")
    if ! ip -n "$ns" link show "$veth" >/dev/null 2>&1; then
      ip -n "$(ns_of "$name")" link del eth0 2>/dev/null || true
      ip link add "$veth" netns "$ns" type veth peer name eth0 netns "$(ns_of "$name")"
    fi
    ip -n "$ns" link set "$veth" master "$BRIDGE" up
    ip -n "$(ns_of "$name")" addr replace "$ip/24" dev eth0
    ip -n "$(ns_of "$name")" link set eth0 up
  done
}

hosts_block() {
  local name
  for name in $(all_names); do
    printf '%s %s %s\n' "$(node_ip "$name")" "$name" "$HOSTS_MARK"
  done
}

# add_hosts: the lab's names in /etc/hosts (rewritten in place: it may be a bind mount)
add_hosts() {
  local name others
  for name in $(all_names); do
    others=$(grep -v -F "$HOSTS_MARK" /etc/hosts | awk -v n="$name" '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == n) print }')
    [ -z "$others" ] || die "/etc/hosts already names $name ($others): refusing to shadow it"
  done
  if [ "$(grep -F "$HOSTS_MARK" /etc/hosts || true)" != "$(hosts_block)" ]; then
    remove_hosts
    hosts_block >>/etc/hosts
  fi
}

remove_hosts() {
  local kept
  grep -q -F "$HOSTS_MARK" /etc/hosts 2>/dev/null || return 0
  kept=$(grep -v -F "$HOSTS_MARK" /etc/hosts || true)
  printf '%s\n' "$kept" >/etc/hosts
}

write_config() {
  local name i
  mkdir -p "$STATE"/{etc,log,run,munge,slurmctld,slurmd,tmp,dev}
  chmod 700 "$STATE/munge"
  for ((i = 0; i < GPUS_PER_NODE; i++)); do
    [ -c "$STATE/dev/nvidia$i" ] || mknod "$STATE/dev/nvidia$i" c 195 "$i"
  done
  for name in "${NODES[@]}"; do mkdir -p "$STATE/slurmd/$name" "$STATE/tmp/$name"; done
  if [ ! -s "$STATE/munge/munge.key" ]; then
    (umask 077 && head -c 1024 /dev/urandom >"$STATE/munge/munge.key")
  fi
  {
    cat <<EOF
# Written by bench slurm/testing/local-cluster.sh: a test cluster in network namespaces.
ClusterName=benchlab
SlurmctldHost=$HEAD($HEAD_IP)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd/%n
SlurmctldPidFile=$(pidfile_of slurmctld)
SlurmdPidFile=$STATE/run/slurmd-%n.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd-%n.log
TmpFS=$STATE/tmp/%n
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
GresTypes=gpu
SlurmdParameters=config_overrides
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
MailProg=/bin/true
SlurmctldDebug=info
SlurmdDebug=info
EOF
    for name in "${NODES[@]}"; do
      echo "NodeName=$name NodeHostname=$name NodeAddr=$(node_ip "$name") CPUs=$CPUS_PER_NODE Sockets=1" \
        "CoresPerSocket=$CPUS_PER_NODE ThreadsPerCore=1 Gres=gpu:$GPUS_PER_NODE State=UNKNOWN"
    done
    echo "PartitionName=lab Nodes=$(IFS=,; echo "${NODES[*]}") Default=YES MaxTime=INFINITE State=UP"
  } >"$CONF.new"
  mv "$CONF.new" "$CONF"
  {
    echo "# Written by bench slurm/testing/local-cluster.sh: fake GPUs (dummy character devices)"
    echo "AutoDetect=off"
    echo "NodeName=$(IFS=,; echo "${NODES[*]}") Name=gpu File=$STATE/dev/nvidia[0-$((GPUS_PER_NODE - 1))]"
  } >"$STATE/etc/gres.conf"
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds or the
# wall-clock deadline passes (then fails, naming WHAT)
wait_until() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

munge_works() { in_ns "$HEAD" munge -n -S "$MUNGE_SOCKET" | in_ns "$HEAD" unmunge -S "$MUNGE_SOCKET"; }
ctld_answers() { in_ns "$HEAD" scontrol ping | grep -q 'is UP'; }
nodes_idle() {
  local out
  out=$(in_ns "$HEAD" sinfo -h -N -o '%N %T') || return 1
  [ "$(grep -c -E ' (idle|mixed|allocated)$' <<<"$out")" = "${#NODES[@]}" ]
}

start_daemons() {
  local name
  if [ -z "$(daemon_pid munged "$HEAD")" ]; then
    log "starting munged on $HEAD"
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
    in_ns "$HEAD" munged --force --socket="$MUNGE_SOCKET" --key-file="$STATE/munge/munge.key" \
      --pid-file="$(pidfile_of munged)" --log-file="$STATE/log/munged.log" --seed-file="$STATE/munge/munged.seed" ||
      fail_up "munged did not start"
  fi
  wait_until "$START_TIMEOUT_SEC" "munged" munge_works || fail_up "munged does not answer"
  if [ -z "$(daemon_pid slurmctld "$HEAD")" ]; then
    log "starting slurmctld on $HEAD"
    in_ns "$HEAD" slurmctld -f "$CONF" || fail_up "slurmctld did not start"
  fi
  wait_until "$START_TIMEOUT_SEC" "slurmctld" ctld_answers || fail_up "slurmctld does not answer"
  for name in "${NODES[@]}"; do
    if [ -z "$(daemon_pid slurmd "$name")" ]; then
      log "starting slurmd on $name"
      in_ns "$name" slurmd -N "$name" -f "$CONF" || fail_up "slurmd did not start on $name"
    fi
  done
  wait_until "$START_TIMEOUT_SEC" "${#NODES[@]} idle nodes" nodes_idle || fail_up "the nodes did not come up"
}

fail_up() {
  local f
  log "error: $*"
  in_ns "$HEAD" sinfo -N -l 2>&1 | sed 's/^/    /' >&2 || true
  for f in "$STATE"/log/*.log; do
    [ -f "$f" ] || continue
    log "last lines of $f:"
    tail -n 15 "$f" | sed 's/^/    /' >&2
  done
  log "the cluster is half up: 'slurm/testing/local-cluster.sh down' removes it"
  exit 1
}

cmd_up() {
  require_root
  guard_route # first: nothing below may name a lab address before this route exists
  mkdir -p "$STATE"
  install_packages
  make_namespaces
  add_hosts
  write_config
  start_daemons
  cmd_status
}

# ---------------------------------------------------------------------------------------------
# status

cmd_status() {
  local name pid all=0 ns
  if ip -4 route show exact "$LAB_CIDR" 2>/dev/null | grep -q '^unreachable'; then
    echo "guard route:  unreachable $LAB_CIDR in the root namespace"
  else
    echo "guard route:  absent"
  fi
  for name in $(all_names); do
    ns=$(ns_of "$name")
    if [ -z "$(ns_inode "$name")" ]; then
      printf '%-13s namespace %s absent\n' "$name:" "$ns"
      all=3
      continue
    fi
    local daemons=(slurmd)
    [ "$name" != "$HEAD" ] || daemons=(munged slurmctld)
    local d line
    line="namespace $ns, $(node_ip "$name")"
    for d in "${daemons[@]}"; do
      pid=$(daemon_pid "$d" "$name")
      if [ -n "$pid" ]; then line+=", $d running (pid $pid)"; else line+=", $d NOT running"; all=3; fi
    done
    line+=", $(ns_pids "$name" | wc -l) processes"
    printf '%-13s %s\n' "$name:" "$line"
  done
  if [ "$all" = 0 ]; then
    in_ns "$HEAD" sinfo -N -o '%N %T %c %G' 2>&1 | sed 's/^/    /'
    echo "up: run commands on the login node with slurm/testing/local-cluster.sh exec -- salloc -N 4 ..."
  fi
  return "$all"
}

# ---------------------------------------------------------------------------------------------
# exec

cmd_exec() {
  local name=$HEAD
  while [ $# -gt 0 ]; do
    case $1 in
      --node)
        [ $# -ge 2 ] || die "--node needs a name"
        name=$2
        shift 2
        ;;
      --)
        shift
        break
        ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "exec: no command"
  node_ip "$name" >/dev/null
  require_root
  if [ -z "$(ns_inode "$name")" ] || ! mountpoint -q "$(uts_of "$name")"; then
    die "the cluster is not up ($name missing): slurm/testing/local-cluster.sh up"
  fi
  enter "$name"
  SLURM_CONF=$CONF exec "${ENTER[@]}" "$@"
}

# ---------------------------------------------------------------------------------------------
# down

# stop_pids SECONDS PID...: TERM, wait up to SECONDS for them to exit, then KILL
stop_pids() {
  local seconds=$1 deadline pid alive
  shift
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$(($(date +%s) + seconds))
  while true; do
    alive=()
    for pid in "$@"; do
      if kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    [ "${#alive[@]}" -gt 0 ] || return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "still running after ${seconds}s, killing: ${alive[*]}"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      return 0
    fi
    sleep 0.2
  done
}

lab_pids() {
  local name
  for name in $(all_names); do ns_pids "$name"; done
}

cmd_down() {
  require_root
  local name pids=() left deadline
  # the daemons first, so slurmctld does not see nodes die under running jobs
  for name in "${NODES[@]}"; do
    pids+=("$(daemon_pid slurmd "$name")")
  done
  pids+=("$(daemon_pid slurmctld "$HEAD")")
  mapfile -t pids < <(printf '%s\n' "${pids[@]}" | grep -E '^[0-9]+$' || true)
  if [ "${#pids[@]}" -gt 0 ]; then
    log "stopping slurmd and slurmctld (${pids[*]})"
    stop_pids "$STOP_TIMEOUT_SEC" "${pids[@]}"
  fi
  # then whatever is left in the lab: job processes, munged, commands run with exec
  mapfile -t pids < <(lab_pids)
  if [ "${#pids[@]}" -gt 0 ]; then
    log "stopping ${#pids[@]} processes left in the lab namespaces: ${pids[*]}"
    stop_pids "$STOP_TIMEOUT_SEC" "${pids[@]}"
  fi
  deadline=$(($(date +%s) + 5))
  while left=$(lab_pids) && [ -n "$left" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      die "processes survive KILL in the lab namespaces: $(echo "$left" | tr '\n' ' ')"
    fi
    sleep 0.2
  done
  for name in $(all_names); do
    if [ -n "$(ns_inode "$name")" ] || [ -e "/run/netns/$(ns_of "$name")" ]; then
      ip netns del "$(ns_of "$name")"
    fi
    if mountpoint -q "$(uts_of "$name")" 2>/dev/null; then umount "$(uts_of "$name")"; fi
  done
  remove_hosts
  rm -rf "$STATE"
  # last: no config names a lab address any more
  if ip -4 route show exact "$LAB_CIDR" 2>/dev/null | grep -q '^unreachable'; then
    ip route del unreachable "$LAB_CIDR"
  fi
  log "down: namespaces, bridge, daemons, /etc/hosts entries, $STATE and the guard route removed"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status)
    require_root
    cmd_status
    ;;
  exec)
    shift
    cmd_exec "$@"
    ;;
  install)
    require_root
    mkdir -p "$(dirname "$STATE")"
    install_packages
    ;;
  -h | --help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
