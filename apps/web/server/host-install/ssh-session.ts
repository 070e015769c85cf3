import { NodeSSH } from "node-ssh";
import { hostKeyFingerprint, hostKeyType } from "./host-key-fingerprint.ts";

/** A failure an operator can act on: `message` says what happened, `explanation` what to do. */
export class InstallError extends Error {
  constructor(
    message: string,
    readonly explanation: string,
  ) {
    super(message);
  }
}

export interface SshTargetAddress {
  address: string;
  port: number;
  user: string;
}

export interface SshSession {
  /** Run a shell command as the login user. */
  run(command: string, options?: { stdin?: string }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Run a shell command as root (directly when logged in as root, else through `sudo -n`). */
  root(command: string, options?: { stdin?: string }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  putFile(local: string, remote: string): Promise<void>;
  readonly fingerprint: string;
  close(): void;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Ask the host for its key without logging in: what the operator confirms on first contact. */
export async function probeHostKey(t: { address: string; port: number }): Promise<{ fingerprint: string; keyType: string }> {
  let seen: Buffer | null = null;
  const ssh = new NodeSSH();
  await ssh
    .connect({
      host: t.address,
      port: t.port,
      username: "vfleet-probe",
      readyTimeout: 15_000,
      // Refusing the key ends the handshake before any authentication is tried.
      hostVerifier: (key: Buffer) => {
        seen = key;
        return false;
      },
    })
    .catch(() => {});
  ssh.dispose();
  if (!seen)
    throw new InstallError(
      `no SSH server answered at ${t.address}:${t.port}`,
      "Check the address and port, and that sshd runs and the control plane can reach it.",
    );
  return { fingerprint: hostKeyFingerprint(seen), keyType: hostKeyType(seen) };
}

/**
 * Log in with `privateKey`, accepting only the host key whose fingerprint is `expectedFingerprint`
 * (pinned, or confirmed by the operator on first contact). Failures come back as InstallError with
 * what to do about them.
 */
export async function openSshSession(
  t: SshTargetAddress,
  privateKey: string,
  expectedFingerprint: string,
  passphrase?: string,
): Promise<SshSession> {
  let offered: string | null = null;
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      host: t.address,
      port: t.port,
      username: t.user,
      privateKey,
      passphrase,
      readyTimeout: 20_000,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        offered = hostKeyFingerprint(key);
        return offered === expectedFingerprint;
      },
    });
  } catch (err) {
    ssh.dispose();
    const msg = err instanceof Error ? err.message : String(err);
    if (offered !== null && offered !== expectedFingerprint) {
      throw new InstallError(
        `the host key of ${t.address}:${t.port} changed: pinned ${expectedFingerprint}, offered ${offered}`,
        "Refused: this may be another machine at that address (or an attacker in between). If the host was reinstalled, verify the new fingerprint on its console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and forget the old pin before installing again.",
      );
    }
    if (/authentication methods failed/i.test(msg)) {
      throw new InstallError(
        `${t.address}:${t.port} refused the key for user ${t.user}`,
        `Put the control plane's public key (shown on the page) in ~${t.user}/.ssh/authorized_keys on the host, or paste the private key of a key the host accepts.`,
      );
    }
    if (/passphrase|encrypted|Cannot parse privateKey/i.test(msg))
      throw new InstallError(
        `the private key could not be read: ${msg}`,
        "Paste the whole key (-----BEGIN ... -----END ...) and its passphrase if it has one.",
      );
    throw new InstallError(
      `cannot connect to ${t.address}:${t.port}: ${msg}`,
      "Check the address and port, and that sshd runs and the control plane can reach it.",
    );
  }
  const run: SshSession["run"] = async (command, options = {}) => {
    const r = await ssh.execCommand(command, { stdin: options.stdin, noTrim: true });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    fingerprint: offered!,
    run,
    root: (command, options) => run(t.user === "root" ? command : `sudo -n sh -c ${quote(command)}`, options),
    putFile: (local, remote) => ssh.putFile(local, remote),
    close: () => ssh.dispose(),
  };
}

export { quote as shellQuote };
