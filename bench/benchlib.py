"""Shared pieces of the Python benchmarks: the lab (scripts/lab), xvrrpd and keepalived pairs in
it, the client's prober (bench_outage_probe --control), statistics and the machine's identity.

Standard library only: a fresh Debian 12 has python3, and scripts/deps installs it otherwise.
Every time here is CLOCK_MONOTONIC in nanoseconds (time.monotonic_ns()), the clock the prober
and the kernel timestamps are converted to.
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIP = "192.0.2.100"
KEEPALIVED = "/usr/sbin/keepalived"


def build_dir():
    b = Path(os.environ.get("XVRRP_BUILD_DIR", "build"))
    return b if b.is_absolute() else ROOT / b


def now_ns():
    return time.monotonic_ns()


def parse_duration_us(text):
    """'100us', '1ms', '1s', '0.5s' -> microseconds (int)."""
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(us|ms|s)", text)
    if not m:
        raise ValueError(f"'{text}' is not a duration (e.g. 100us, 1ms, 1s)")
    scale = {"us": 1, "ms": 1000, "s": 1000000}[m.group(2)]
    return int(round(float(m.group(1)) * scale))


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list: always a measured value."""
    s = sorted(values)
    if not s:
        return None
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def median(values):
    s = sorted(values)
    if not s:
        return None
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def machine():
    """What the figures were measured on: they mean little without it."""
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    virt = []
    if shutil.which("systemd-detect-virt"):
        for kind in ("--vm", "--container"):
            v = run(["systemd-detect-virt", kind], check=False).stdout.strip()
            if v and v != "none":
                virt.append(v)
    mem_gib = 0
    try:
        mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError):
        pass
    keepalived = run([KEEPALIVED, "--version"], check=False)
    kv = (keepalived.stdout + keepalived.stderr).splitlines()
    return {
        "kernel": platform.release(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": mem_gib,
        "virtualization": " in ".join(reversed(virt)) or "none detected",
        "keepalived": kv[0] if kv else "not found",
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "git": run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                   check=False).stdout.strip(),
    }


class Lab:
    """scripts/lab: s1, s2 and a client on a bridge, each in its namespace."""

    def __init__(self, name):
        self.name = name
        # The servers' bpffs, mounted from here as a host mounts /sys/fs/bpf: a bpffs that
        # xvrrpd mounted for itself inside `ip netns exec` would vanish with a killed daemon,
        # and with its pins the kernel's lease timer (docs/testing.md, kernel behaviour).
        self.bpffs = f"/tmp/{name}-bpffs"
        self._unmount_bpffs()  # a leftover of an interrupted run of the same name
        os.makedirs(self.bpffs, exist_ok=True)
        run(["mount", "-t", "bpf", "bpf", self.bpffs])
        env = dict(os.environ, XVRRP_BUILD_DIR=str(build_dir()))
        try:
            run([str(ROOT / "scripts/lab"), "up", name], env=env)
        except BaseException:
            self._unmount_bpffs()
            raise

    def ns(self, host):
        return f"{self.name}-{host}"

    def pin_dir(self, host):
        return f"{self.bpffs}/{host}"

    def _unmount_bpffs(self):
        if run(["mountpoint", "-q", self.bpffs], check=False).returncode == 0:
            run(["umount", "-l", self.bpffs], check=False)
        if os.path.isdir(self.bpffs):
            os.rmdir(self.bpffs)

    def down(self):
        run([str(ROOT / "scripts/lab"), "down", self.name], check=False)
        self._unmount_bpffs()

    def cut(self, host):
        run(["ip", "-n", self.ns("sw"), "link", "set", "dev", host, "down"])

    def restore(self, host):
        run(["ip", "-n", self.ns("sw"), "link", "set", "dev", host, "up"])

    def holds_vip(self, host, dev="eth0"):
        out = run(["ip", "-n", self.ns(host), "-o", "-4", "addr", "show", "dev", dev],
                  check=False).stdout
        return f" {VIP}/" in out


def wait_for(cond, timeout_s, poll_s=0.002):
    deadline = time.monotonic() + timeout_s
    while True:
        if cond():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(poll_s)


class Process:
    """A daemon started in a namespace; its output goes to a log file.

    stamp=True: each line goes to the log prefixed with CLOCK_MONOTONIC ns at its arrival, and
    is kept in `lines` as (ns, text), so that what the daemon said can be placed in time."""

    def __init__(self, lab, host, argv, log_path, stamp=False):
        self.log_path = Path(log_path)
        self.log_file = open(self.log_path, "ab")
        self.log_offset = self.log_path.stat().st_size
        self.lines = []
        self.ended_ns = None  # stamp=True: when its output closed (it exited, or died)
        self.reader = None
        # `ip netns exec` execs the command: the Popen pid is the daemon's own.
        self.proc = subprocess.Popen(["ip", "netns", "exec", lab.ns(host)] + argv,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if stamp else self.log_file,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        if stamp:
            self.reader = threading.Thread(target=self._read, daemon=True)
            self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            t = time.monotonic_ns()
            line = raw.decode(errors="replace").rstrip("\n")
            self.lines.append((t, line))
            self.log_file.write(f"{t} {line}\n".encode())
            self.log_file.flush()
        self.ended_ns = time.monotonic_ns()

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout_s):
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            return self.proc.wait()

    def new_log(self):
        """What the process logged since it started."""
        with open(self.log_path, "rb") as f:
            f.seek(self.log_offset)
            return f.read().decode(errors="replace")

    def count(self, text):
        """How often `text` appears in the whole log (every start of this daemon)."""
        with open(self.log_path, "rb") as f:
            return f.read().count(text.encode())

    def close(self):
        if self.alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGKILL)
            self.proc.wait()
        if self.reader:
            self.reader.join(5)
        self.log_file.close()

    def exit_text(self):
        """How the process ended ("still running", "exit code 1", "killed by SIGPIPE (13)")."""
        rc = self.proc.poll()
        if rc is None:
            return "still running"
        if rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = "signal"
            return f"killed by {name} ({-rc})"
        return f"exit code {rc}"


def toml_value(v):
    """A Python value as TOML: str, bool, int, list, or dict (an inline table)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML for {v!r}")


def vrrp_instance(interval, priority=100, name="svc", vrid=51, vips=(f"{VIP}/32",), **more):
    """One [[instance]] on the lab's eth0 (docs/configuration.md), for xvrrpd_config(); more:
    further keys (preempt=True, advert_thread={"sched_priority": 50, "cpu": 1})."""
    return {"name": name, "interface": "eth0", "vrid": vrid, "priority": priority,
            "advert_interval": interval, "virtual_ips": list(vips), **more}


def xvrrpd_config(host_dir, pin_dir, instances, sched_priority=None, daemon_extra=""):
    """The configuration of xvrrpd on one lab server: its pins in pin_dir (Lab.pin_dir), its
    control socket and pid file under host_dir, the service IPs on dummy0, one [[instance]]
    per entry of `instances` (vrrp_instance()). daemon_extra: more [daemon] lines, verbatim
    ('cpu_latency = "0us"\n')."""
    lines = ["[daemon]", 'vip_interface = "dummy0"', f'pin_dir = "{pin_dir}"',
             f'control_socket = "{host_dir}/xvrrpd.sock"', f'pid_file = "{host_dir}/xvrrpd.pid"']
    if sched_priority is not None:
        lines.append(f"sched_priority = {sched_priority}")
    text = "\n".join(lines) + "\n" + daemon_extra
    for inst in instances:
        text += "\n[[instance]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in inst.items())
    return text


class XvrrpNode:
    """xvrrpd on one lab server; by default VRID 51, the VIP on dummy0 while MASTER."""

    kind = "xvrrp"

    def __init__(self, lab, host, workdir, interval, priority=100, rt_priority=50, cpu=-1,
                 daemon_extra="", stamp=False, instances=None):
        """cpu: -1 sends from the default CPUs (advert_thread.cpus "auto": two), N from CPU N
        alone. daemon_extra: more [daemon] lines ('cpu_latency = "0us"\n'); stamp: see
        Process. instances: the [[instance]] tables (vrrp_instance()) instead of the one
        built from interval, priority, rt_priority and cpu; rt_priority 0: no real-time
        priority for the daemon."""
        self.lab, self.host = lab, host
        self.dir = Path(workdir) / host
        self.dir.mkdir(parents=True, exist_ok=True)
        self.sock_path = str(self.dir / "xvrrpd.sock")
        self.pin_dir = lab.pin_dir(host)
        self.stamp = stamp
        self.config = self.dir / "xvrrpd.toml"
        if instances is None:
            instances = [vrrp_instance(interval, priority, advert_thread={
                "sched_priority": rt_priority, "cpu": cpu})]
        self.config.write_text(xvrrpd_config(self.dir, self.pin_dir, instances,
                                             rt_priority or None, daemon_extra))
        self.proc = None
        self.became_master = {}  # instance name -> its count in the last status that answered

    def start(self):
        self.proc = Process(self.lab, self.host,
                            [str(build_dir() / "userspace/daemon/xvrrpd"), "--config",
                             str(self.config)], self.dir / "xvrrpd.log", stamp=self.stamp)

    def pids(self):
        return [self.proc.pid] if self.proc and self.proc.alive() else []

    def state_changes(self, since_ns=0):
        """(CLOCK_MONOTONIC ns, line) of each state change logged since since_ns
        ("[svc] BACKUP -> MASTER (...)"); needs stamp=True."""
        if not self.proc:
            return []
        return [(t, line) for t, line in list(self.proc.lines)
                if t >= since_ns and re.search(r"\b[A-Z]+ -> [A-Z]+\b", line)]

    def statuses(self, timeout_s=0.5):
        """Every instance from `status --json` (xvrrpctl's request on the control socket), or
        None if the daemon does not answer."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout_s)
                s.connect(self.sock_path)
                s.sendall(b"status --json\n")
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            instances = json.loads(data)["instances"]
        except (OSError, ValueError, KeyError):
            return None
        for st in instances:
            self.became_master[st.get("name")] = st.get("became_master", 0)
        return instances

    def status(self):
        """The daemon's first instance from `status --json`, or None if it does not answer."""
        instances = self.statuses()
        return instances[0] if instances else None

    def state(self):
        st = self.status()
        return st["state"] if st else None

    def is_master(self):
        return self.state() == "MASTER"

    def ready(self):
        """Started and settled in a state (a restarted daemon answers as BACKUP or MASTER)."""
        return self.state() in ("BACKUP", "MASTER")

    def kill(self, sig):
        self.proc.signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self.proc.wait(20)

    def stop(self):
        if self.proc:
            if self.proc.alive():
                self.proc.signal(signal.SIGCONT)
                self.proc.signal(signal.SIGTERM)
                self.proc.wait(10)
            self.proc.close()

    def cleanup_after_crash(self):
        pass  # a restarted xvrrpd adopts its dummy0, pins and XDP program

    def takeovers(self):
        """Times this server's instances entered MASTER since the daemon started, as the
        daemon counts them (`became_master` in its status; the last count it answered with if
        it does not answer now)."""
        self.statuses()
        return sum(self.became_master.values())


class XvrrpVmacNode(XvrrpNode):
    """xvrrpd with use_vmac = true: the VIP is answered with 00-00-5E-00-01-33, so a client
    keeps one MAC for it across a failover."""

    kind = "xvrrp-vmac"

    def __init__(self, lab, host, workdir, interval, priority=100, rt_priority=50, cpu=-1):
        super().__init__(lab, host, workdir, interval, priority, rt_priority, cpu, instances=[
            vrrp_instance(interval, priority, use_vmac=True,
                          advert_thread={"sched_priority": rt_priority, "cpu": cpu})])


class KeepalivedNode:
    """keepalived 2.2.7 on one lab server (VRRP only); the VIP on eth0 while MASTER.

    Given the same real-time priority and memory locking as xvrrpd, so that the comparison is
    of the designs, not of the settings."""

    kind = "keepalived"

    def __init__(self, lab, host, workdir, interval, priority=100, rt_priority=50, cpu=-1):
        self.lab, self.host = lab, host
        self.dir = Path(workdir) / host
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "keepalived.conf"
        advert_int = parse_duration_us(interval) / 1e6
        # keepalived kills its own real-time VRRP process once it runs 10 ms without sleeping
        # (RLIMIT_RTTIME, vrrp_rlimit_rttime): a stalled VM does that. Raise it, as operators
        # who use vrrp_rt_priority on VMs do.
        rt = (f"    vrrp_rt_priority {rt_priority}\n    vrrp_rlimit_rttime 1000000\n"
              if rt_priority > 0 else "")
        affinity = f"    vrrp_cpu_affinity {cpu}\n" if cpu >= 0 else ""
        self.config.write_text(f"""global_defs {{
    router_id {lab.ns(host)}
    vrrp_no_swap
{rt}{affinity}}}
vrrp_instance svc {{
    state BACKUP
    interface eth0
    version 3
    virtual_router_id 51
    priority {priority}
    advert_int {advert_int:g}
    virtual_ipaddress {{
        {VIP}/32 dev eth0
    }}
}}
""")
        self.proc = None

    def start(self):
        self.proc = Process(self.lab, self.host,
                            [KEEPALIVED, "-n", "-l", "-D", "-P", "-f", str(self.config),
                             "-p", str(self.dir / "keepalived.pid"),
                             "-r", str(self.dir / "vrrp.pid")], self.dir / "keepalived.log")

    def pids(self):
        """The parent and its VRRP child: a crash takes both."""
        if not self.proc or not self.proc.alive():
            return []
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            pids += [int(p) for p in children.split()]
        except OSError:
            pass
        return pids

    def is_master(self):
        return self.lab.holds_vip(self.host, "eth0")

    def ready(self):
        log = self.proc.new_log() if self.proc else ""
        return "Entering BACKUP STATE" in log or "Entering MASTER STATE" in log

    def kill(self, sig):
        pids = self.pids()
        if sig == signal.SIGTERM:
            self.proc.signal(sig)  # the parent stops its child, which releases the VIP
        else:
            for p in pids:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self.proc.wait(20)

    def stop(self):
        if self.proc:
            for p in self.pids():
                try:
                    os.kill(p, signal.SIGCONT)
                except ProcessLookupError:
                    pass
            if self.proc.alive():
                self.proc.signal(signal.SIGTERM)
                self.proc.wait(10)
            self.proc.close()
        self.cleanup_after_crash()

    def takeovers(self):
        return self.proc.count("Entering MASTER STATE") if self.proc else 0

    def cleanup_after_crash(self):
        # A killed keepalived leaves the VIP on eth0, where the kernel keeps answering ARP and
        # ping for it. A host that crashed comes back without it: take it off before a restart.
        run(["ip", "-n", self.lab.ns(self.host), "addr", "del", f"{VIP}/32", "dev", "eth0"],
            check=False)
        # Its pid files too: a killed VRRP child may linger as a zombie (a container's init
        # does not always reap), and keepalived then refuses to start ("already running").
        for f in ("keepalived.pid", "vrrp.pid"):
            (self.dir / f).unlink(missing_ok=True)


NODE_KINDS = {"xvrrp": XvrrpNode, "xvrrp-vmac": XvrrpVmacNode, "keepalived": KeepalivedNode}


class Prober:
    """bench_outage_probe --control in the client namespace: pings the VIP at a fixed rate and
    answers what the client saw in a time window."""

    def __init__(self, lab, interval_us, gap_threshold_us=1000, rt_priority=0):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", lab.ns("cl"), str(build_dir() / "bench/bench_outage_probe"),
             VIP, "--interval-us", str(interval_us), "--control", "--gap-threshold-us",
             str(gap_threshold_us), "--rt", str(rt_priority)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def window(self, from_ns, to_ns=None):
        to = "now" if to_ns is None else str(to_ns)
        self.proc.stdin.write(f"window {from_ns} {to}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("bench_outage_probe stopped")
        return json.loads(line)

    def wait_replies(self, timeout_s=10):
        """Until replies flow (last one under 5 ms ago)."""
        start = now_ns()
        return wait_for(lambda: 0 <= self.window(start)["last_reply_age_ms"] < 5, timeout_s, 0.01)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def proc_cpu_s(pid):
    """CPU seconds (user + system, all threads) a process has used, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def proc_usage(pid, spread_s=0.25):
    """A live process's resident memory (VmRSS, VmHWM in KiB), threads, open descriptors and
    CPU seconds, or None once it is gone. Descriptors are the least of three looks spread over
    spread_s, so that a connection the process holds for a moment is not taken for a leak."""
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.split()
        fds = []
        for k in range(3):
            if k:
                time.sleep(spread_s / 2)
            fds.append(len(os.listdir(f"/proc/{pid}/fd")))
        return {"rss_kib": int(fields["VmRSS"][0]), "hwm_kib": int(fields["VmHWM"][0]),
                "threads": int(fields["Threads"][0]), "fds": min(fds),
                "cpu_s": proc_cpu_s(pid)}
    except (OSError, KeyError, IndexError, ValueError):
        return None


def _sum_counters(dump, per_cpu=False):
    """bpftool's JSON dump of the per-CPU `counters` map -> {field: total over CPUs}, or with
    per_cpu {"CPU": {field: value}}. With -j the named fields (from BTF) are under "formatted";
    beside them are raw bytes."""
    total = {}
    for entry in dump:
        for one_cpu in entry.get("formatted", {}).get("values", []):
            into = total.setdefault(str(one_cpu.get("cpu")), {}) if per_cpu else total
            for field, value in one_cpu.get("value", {}).items():
                if isinstance(value, int):
                    into[field] = into.get(field, 0) + value
    return total


def xdp_counters(pid, pin_dir, ifname="eth0", netns=None, per_cpu=False):
    """The XDP program's counters (include/xvrrp/abi.h, one per decision), summed over CPUs
    ({field: total}), or per CPU with per_cpu ({"CPU": {field: value}}).

    Read from the pin PIN_DIR/IFNAME/counters inside the daemon's mount namespace (nsenter -m;
    the lab's bpffs is mounted there too, and a pin_dir elsewhere may be a bpffs the daemon
    mounted for itself). Without a live daemon, given its network namespace, the counters are
    found through the program still attached to IFNAME (it stays after a crash). None if
    neither works."""
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    if pid:
        r = run(["nsenter", "-t", str(pid), "-m", bpftool, "-j", "map", "dump", "pinned",
                 f"{pin_dir}/{ifname}/counters"], check=False)
        if r.returncode == 0:
            try:
                return _sum_counters(json.loads(r.stdout), per_cpu)
            except ValueError:
                pass
    if not netns:
        return None
    try:
        net = json.loads(run(["ip", "netns", "exec", netns, bpftool, "-j", "net", "show", "dev",
                              ifname], check=False).stdout or "[]")
        progs = [p["id"] for n in net for p in n.get("xdp", [])]
        for prog in progs:
            info = json.loads(run([bpftool, "-j", "prog", "show", "id", str(prog)]).stdout)
            for map_id in info.get("map_ids", []):
                m = json.loads(run([bpftool, "-j", "map", "show", "id", str(map_id)]).stdout)
                if m.get("name") == "counters":
                    dump = run([bpftool, "-j", "map", "dump", "id", str(map_id)]).stdout
                    return _sum_counters(json.loads(dump), per_cpu)
    except (subprocess.CalledProcessError, ValueError, KeyError, TypeError):
        pass
    return None


def cpu_times():
    """Jiffies over all CPUs since boot (/proc/stat): busy (not idle, iowait or steal), of which
    nice (niced work: on a shared machine, mostly other people's builds), steal, total."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    f += [0] * (8 - len(f))
    total = sum(f[:8])
    return {"busy": total - f[3] - f[4] - f[7], "nice": f[1], "steal": f[7], "total": total}


def cpu_share(before, after):
    """Percentages of all CPUs between two cpu_times()."""
    dt = max(after["total"] - before["total"], 1)
    return {k: round(100 * (after[k] - before[k]) / dt, 1) for k in ("busy", "nice", "steal")}


def control_request(path, send, read=True, shut_wr=False, timeout=2.0):
    """One connection to xvrrpd's control socket (one request, one answer, close), however odd
    the request: (answer bytes or None, what went wrong or None, seconds taken). send None: a
    silent connection, waiting for the daemon to close it; read False: hang up at once after
    sending; shut_wr: close our side after sending (a request without its newline)."""
    start = time.monotonic()
    data = b""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            if send is not None:
                try:
                    s.sendall(send)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the daemon read what it reads and closed; its answer may be here
            if shut_wr:
                s.shutdown(socket.SHUT_WR)
            if not read:
                return None, None, time.monotonic() - start
            while chunk := s.recv(65536):
                data += chunk
        return data, None, time.monotonic() - start
    except socket.timeout:
        return data, "timeout", time.monotonic() - start
    except ConnectionRefusedError:
        return None, "refused", time.monotonic() - start
    except FileNotFoundError:
        return None, "no socket", time.monotonic() - start
    except OSError as e:
        if data:
            return data, None, time.monotonic() - start
        return None, e.strerror or str(e), time.monotonic() - start


def need_root():
    if os.geteuid() != 0:
        sys.exit(f"{sys.argv[0]}: needs root (network namespaces, XDP)")


def need_build(*targets):
    missing = [t for t in targets if not (build_dir() / t).exists()]
    if missing:
        sys.exit(f"{sys.argv[0]}: not built: {', '.join(missing)} (run scripts/test, or cmake "
                 f"--build {build_dir()}; XVRRP_BUILD_DIR picks another build directory)")


class Progress:
    """One line that rewrites itself on a terminal; plain lines otherwise."""

    def __init__(self):
        self.tty = sys.stderr.isatty()

    def update(self, text):
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self):
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()
