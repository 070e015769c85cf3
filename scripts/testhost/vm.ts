/**
 * One test hypervisor: QEMU 10 under TCG (KVM when it works), q35 with an emulated Intel IOMMU
 * (interrupt remapping on), Debian's kernel booted with intel_iommu=on, two igb PFs (Intel 82576,
 * SR-IOV, each behind its own PCIe root port so its VFs take the following functions), one NVMe
 * PF with SR-IOV, and a management NIC on QEMU's user network that carries the default route.
 * sshd is forwarded to 127.0.0.1 only; the guest reaches this machine's loopback as 10.0.2.2.
 * The disk is a sparse copy of the cached image in the VM's folder: a power cycle keeps what the
 * guest wrote, `down` throws it away, and every `up` starts from the image.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureImage } from "./image.ts";
import { vmDir } from "./paths.ts";
import { ensureQemu10 } from "./qemu10.ts";

export interface Testhost {
  name: string;
  sshPort: number;
  user: "root";
  key: string;
  /** known_hosts file pinning the image's host key for 127.0.0.1:sshPort. */
  knownHosts: string;
  hostKey: string;
  pid: number;
  /** QEMU's human monitor (a unix socket): `set_link mgmt off` cuts the network. */
  monitor: string;
  serialLog: string;
}

export const MGMT_MAC = "52:54:00:12:34:56";
/** The igb PFs' MACs: fixed, so a test can name them. */
export const IGB_MACS = ["52:54:00:82:57:01", "52:54:00:82:57:02"] as const;

export function testhostLine(t: Testhost): string {
  return `TESTHOST name=${t.name} ssh=127.0.0.1:${t.sshPort} user=${t.user} key=${t.key}`;
}

const NAME = /^[a-z][a-z0-9-]{0,30}$/;
export function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`--name "${name}": must be a lower-case letter then up to 30 of [a-z0-9-]`);
  return name;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running test hypervisor of this name, or null. */
export function findTesthost(name: string): Testhost | null {
  const file = join(vmDir(name), "testhost.json");
  if (!existsSync(file)) return null;
  const t = JSON.parse(readFileSync(file, "utf8")) as Testhost;
  return alive(t.pid) ? t : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** KVM only when it can run a guest here: /dev/kvm without VMX/SVM exists and hangs, so check the CPU flags. */
function accel(): string {
  const cpu = readFileSync("/proc/cpuinfo", "utf8");
  return existsSync("/dev/kvm") && /\b(vmx|svm)\b/.test(cpu) && process.env.VFLEET_TESTHOST_ACCEL !== "tcg" ? "kvm" : "tcg";
}

/** ssh's options for the guest: the generated key only, the image's host key pinned, no prompts. */
function sshOptions(t: Testhost): string[] {
  const o = {
    UserKnownHostsFile: t.knownHosts,
    StrictHostKeyChecking: "yes",
    IdentitiesOnly: "yes",
    BatchMode: "yes",
    LogLevel: "ERROR",
    ConnectTimeout: "10",
  };
  return ["-i", t.key, ...Object.entries(o).flatMap(([k, v]) => ["-o", `${k}=${v}`])];
}

export function sshArgs(t: Testhost): string[] {
  return [...sshOptions(t), "-p", String(t.sshPort), `${t.user}@127.0.0.1`];
}

/** Run a shell command in the guest; resolves with its output, rejects (with stderr) on a non-zero exit. */
export function sshRun(t: Testhost, command: string, options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "ssh",
      [...sshArgs(t), command],
      { timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err)
          reject(Object.assign(new Error(`ssh ${t.name} ${command}: ${stderr.trim() || err.message}`), { stdout, stderr, code: err.code }));
        else resolve(stdout);
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** Copy a local file into the guest (scp with the same pinned key). */
export function scpTo(t: Testhost, local: string, remote: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("scp", ["-q", ...sshOptions(t), "-P", String(t.sshPort), local, `${t.user}@127.0.0.1:${remote}`], (err, _o, stderr) =>
      err ? reject(new Error(`scp ${local} to ${t.name}: ${stderr.trim() || err.message}`)) : resolve(),
    );
  });
}

/** Wait until sshd answers and systemd has finished starting up (running or degraded). */
export async function waitForSsh(t: Testhost, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (!alive(t.pid)) throw new Error(`testhost ${t.name}: QEMU exited; serial console:\n${serialTail(t)}`);
    if (serialTail(t, 200).includes("Kernel panic"))
      throw new Error(`testhost ${t.name}: the kernel panicked; serial console:\n${serialTail(t)}`);
    try {
      const state = (await sshRun(t, "systemctl is-system-running --wait || true", { timeoutMs: 120_000 })).trim();
      if (state === "running" || state === "degraded") return;
      last = state;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(2000);
  }
  throw new Error(`testhost ${t.name}: no SSH login within ${timeoutMs / 1000} s (last: ${last}); serial console:\n${serialTail(t)}`);
}

export function serialTail(t: Testhost, lines = 30): string {
  try {
    return readFileSync(t.serialLog, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no serial log)";
  }
}

export interface UpOptions {
  name?: string;
  log?: (line: string) => void;
  memoryMiB?: number;
}

/** Boot a test hypervisor (or return the running one of that name) and wait for its SSH login. */
export async function testhostUp(options: UpOptions = {}): Promise<Testhost> {
  const name = checkName(options.name ?? "th1");
  const log = options.log ?? (() => {});
  const running = findTesthost(name);
  if (running) return running;
  const [image, qemu] = [await ensureImage(log), await ensureQemu10(log)];
  const dir = vmDir(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sshPort = await freePort();
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, `[127.0.0.1]:${sshPort} ${image.hostKey}\n`);
  const t: Omit<Testhost, "pid"> = {
    name,
    sshPort,
    user: "root",
    key: image.key,
    knownHosts,
    hostKey: image.hostKey,
    monitor: join(dir, "monitor.sock"),
    serialLog: join(dir, "serial.log"),
  };
  const pidFile = join(dir, "qemu.pid");
  // The VM's own disk (a sparse copy, not -snapshot): it outlives a QEMU process, so a power cycle keeps it.
  const disk = join(dir, "disk.ext4");
  execFileSync("cp", ["--sparse=always", image.rootfs, disk]);
  const args = [
    ...qemu.firmware.flatMap((d) => ["-L", d]),
    "-name",
    `vfleet-testhost-${name}`,
    "-accel",
    accel(),
    "-machine",
    "q35,kernel-irqchip=split",
    "-cpu",
    "max",
    "-smp",
    "2",
    "-m",
    String(options.memoryMiB ?? 2048),
    "-nodefaults",
    "-display",
    "none",
    "-device",
    "intel-iommu,intremap=on,caching-mode=on",
    "-kernel",
    image.kernel,
    "-initrd",
    image.initrd,
    "-append",
    // no_timer_check: on a loaded machine TCG is slow enough that the kernel judges the timer broken and panics.
    `root=/dev/vda rw console=ttyS0 intel_iommu=on no_timer_check systemd.hostname=${name} net.ifnames=1`,
    "-drive",
    `file=${disk},format=raw,if=none,id=root`,
    "-device",
    "virtio-blk-pci,drive=root",
    "-netdev",
    `user,id=mgmt,hostfwd=tcp:127.0.0.1:${sshPort}-:22`,
    "-device",
    `virtio-net-pci,netdev=mgmt,mac=${MGMT_MAC}`,
    ...IGB_MACS.flatMap((mac, i) => [
      "-device",
      `pcie-root-port,id=rp${i + 1},slot=${i + 1},chassis=${i + 1}`,
      "-netdev",
      `user,id=igb${i},restrict=on`,
      "-device",
      // An id, so the monitor can name the PF (`pcie_aer_inject_error igbpf0 ...`): see docs/design/real-kernel.md on AER.
      `igb,id=igbpf${i},bus=rp${i + 1},netdev=igb${i},mac=${mac}`,
    ]),
    "-device",
    "pcie-root-port,id=rp3,slot=3,chassis=3",
    "-device",
    "nvme-subsys,id=nvmes0,nqn=vfleet-testhost",
    "-device",
    "nvme,bus=rp3,serial=vfleet-th-nvme0,subsys=nvmes0,sriov_max_vfs=4,sriov_vq_flexible=8,sriov_vi_flexible=4,max_ioqpairs=12,msix_qsize=16",
    "-serial",
    `file:${t.serialLog}`,
    "-monitor",
    `unix:${t.monitor},server=on,wait=off`,
    "-pidfile",
    pidFile,
    "-daemonize",
  ];
  const started = Date.now();
  const launch: Launch = { binary: qemu.binary, args, env: qemu.env };
  writeFileSync(join(dir, "launch.json"), JSON.stringify(launch));
  const testhost = startQemu(t, launch);
  log(`testhost: ${name} booting (QEMU pid ${testhost.pid}, ${accel()}); serial console in ${t.serialLog}`);
  try {
    await waitForSsh(testhost);
  } catch (err) {
    await testhostDown(name);
    throw err;
  }
  log(`testhost: ${name} up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return testhost;
}

/** How a test hypervisor's QEMU is started, kept so that a power cycle starts the same machine. */
interface Launch {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function startQemu(t: Omit<Testhost, "pid">, launch: Launch): Testhost {
  const pidFile = join(vmDir(t.name), "qemu.pid");
  rmSync(pidFile, { force: true });
  execFileSync(launch.binary, launch.args, { env: launch.env, stdio: ["ignore", "ignore", "pipe"] });
  const testhost: Testhost = { ...t, pid: Number(readFileSync(pidFile, "utf8").trim()) };
  writeFileSync(join(vmDir(t.name), "testhost.json"), `${JSON.stringify(testhost, null, 2)}\n`);
  return testhost;
}

/**
 * Reboot the test hypervisor as a power cycle: the guest shuts down (systemd stops the agent and
 * every unit), QEMU exits, and the same machine starts again on the same disk, ports and monitor.
 * Not QEMU's warm reset: under TCG on a loaded machine, a guest rebooted in the same QEMU process
 * came up with its second vCPU's timer dead (RCU stalls, the boot stuck in the initramfs). A
 * hardware reboot resets the machine too; the boot config the agent wrote is what brings its state
 * back either way. Resolves with the running test hypervisor (its new QEMU pid) once it logs in.
 */
export async function testhostPowerCycle(t: Testhost, options: { before?: string; timeoutMs?: number } = {}): Promise<Testhost> {
  // `before`: run in the same session just ahead of the poweroff (a test's fault, with nothing in between).
  const command = options.before ? `${options.before}; systemctl poweroff` : "systemctl poweroff";
  await sshRun(t, command, { timeoutMs: 30_000 }).catch(() => undefined); // the session ends with it
  const deadline = Date.now() + 300_000;
  while (alive(t.pid)) {
    if (Date.now() > deadline) throw new Error(`testhost ${t.name}: QEMU did not exit within 300 s of poweroff`);
    await sleep(500);
  }
  const launch = JSON.parse(readFileSync(join(vmDir(t.name), "launch.json"), "utf8")) as Launch;
  const next = startQemu(t, launch);
  await waitForSsh(next, options.timeoutMs ?? 900_000);
  return next;
}

/** Send one command to QEMU's human monitor (e.g. `set_link mgmt off`). */
export function monitorCommand(t: Testhost, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(t.monitor);
    let out = "";
    sock.on("data", (d) => {
      out += d.toString();
      if (out.includes("(qemu)") && out.split("(qemu)").length > 2) sock.end();
    });
    sock.on("connect", () => sock.write(`${command}\n`));
    sock.on("error", reject);
    sock.on("close", () => resolve(out));
    setTimeout(() => sock.end(), 5000).unref();
  });
}

/** Stop the test hypervisor (QEMU is killed; its disk and the changes on it go with the VM's folder). */
export async function testhostDown(name = "th1"): Promise<boolean> {
  const dir = vmDir(checkName(name));
  const file = join(dir, "testhost.json");
  let pid: number | null = null;
  if (existsSync(file)) pid = (JSON.parse(readFileSync(file, "utf8")) as Testhost).pid;
  else if (existsSync(join(dir, "qemu.pid"))) pid = Number(readFileSync(join(dir, "qemu.pid"), "utf8").trim());
  let was = false;
  if (pid && alive(pid)) {
    was = true;
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
  return was;
}

/** ssh with the terminal attached, for `pnpm testhost ssh`. */
export function sshInteractive(t: Testhost, command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("ssh", [...sshArgs(t), ...command], { stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}
