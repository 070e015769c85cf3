import { z } from "zod";

/** Schemas of the SSH install API (served by the custom server: node-ssh stays out of Next's bundle). */
const SshAddress = z
  .string()
  .min(1, "must not be empty")
  .max(253, "must be at most 253 characters")
  .regex(/^[A-Za-z0-9.:_-]+$/, "must be a host name or an IP address");
const SshPort = z.number().int("must be an integer").min(1, "must be from 1 to 65535").max(65535, "must be from 1 to 65535").default(22);
const HostKeySha256 = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "must be an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters)");

const InstallTargetRequest = z.strictObject({
  address: SshAddress,
  port: SshPort,
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Linux user name (lower-case letters, digits, _ and -, at most 32)"),
  hostName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 characters of A-Z a-z 0-9 _ . - starting with a letter or digit"),
  hostKeySha256: HostKeySha256.optional(),
});

const SshKeyChoice = z.discriminatedUnion(
  "kind",
  [
    /** The control plane's own key (its public half is in the host's authorized_keys). */
    z.strictObject({ kind: z.literal("control-plane") }),
    /** A private key pasted for this run only: used, never stored. */
    z.strictObject({
      kind: z.literal("pasted"),
      privateKey: z
        .string()
        .min(1, "must not be empty")
        .max(16_384, "must be at most 16384 characters")
        .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "must be a PEM/OpenSSH private key (-----BEGIN ... PRIVATE KEY-----)"),
      passphrase: z.string().max(1024, "must be at most 1024 characters").optional(),
    }),
  ],
  { error: 'must be { kind: "control-plane" } or { kind: "pasted", privateKey }' },
);

export const HostInstallRequest = z.strictObject({
  action: z.enum(["install", "remove"], { error: "must be install or remove" }),
  targets: z.array(InstallTargetRequest).min(1, "must list at least one host").max(200, "must list at most 200 hosts"),
  key: SshKeyChoice.default({ kind: "control-plane" }),
});
export type HostInstallRequest = z.infer<typeof HostInstallRequest>;

export const ProbeRequest = z.strictObject({ address: SshAddress, port: SshPort });
