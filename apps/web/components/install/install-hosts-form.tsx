"use client";

import { useEffect, useState } from "react";
import { Section } from "@/components/section.tsx";

interface Target {
  address: string;
  port: number;
  user: string;
  hostName: string;
  hostKeySha256: string;
}
interface Step {
  name: string;
  state: "running" | "ok" | "failed";
  output: string;
  error?: string;
  explanation?: string;
}
interface TargetRun {
  address: string;
  port: number;
  user: string;
  hostName: string;
  state: string;
  error?: string;
  explanation?: string;
  steps: Step[];
}
interface Run {
  id: string;
  action: string;
  state: "running" | "done";
  targets: TargetRun[];
}
interface Probe {
  fingerprint: string;
  keyType: string;
  pinned: string | null;
  matchesPin: boolean | null;
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string; explanation?: string };
  if (!res.ok) throw new Error([json.error, json.explanation].filter(Boolean).join(" — "));
  return json;
}

const stateColor: Record<string, string> = {
  ok: "text-emerald-700",
  succeeded: "text-emerald-700",
  failed: "text-rose-700",
  running: "text-amber-700",
  queued: "text-slate-500",
};

/** The control plane's public key, the host list with confirmed fingerprints, and the live run. */
export function InstallHostsForm() {
  const [publicKey, setPublicKey] = useState("");
  const [form, setForm] = useState({ address: "", port: "22", user: "root", hostName: "" });
  const [probe, setProbe] = useState<Probe | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [targets, setTargets] = useState<Target[]>([]);
  const [keyKind, setKeyKind] = useState<"control-plane" | "pasted">("control-plane");
  const [pasted, setPasted] = useState({ privateKey: "", passphrase: "" });
  const [error, setError] = useState("");
  const [run, setRun] = useState<Run | null>(null);

  useEffect(() => {
    void fetch("/api/v1/ssh-key")
      .then((r) => r.json())
      .then((b: { publicKey?: string }) => setPublicKey(b.publicKey ?? ""));
  }, []);

  useEffect(() => {
    if (!run || run.state === "done") return;
    const timer = setTimeout(() => {
      void fetch(`/api/v1/host-installs/${run.id}`)
        .then((r) => r.json())
        .then((r: Run) => setRun(r));
    }, 1000);
    return () => clearTimeout(timer);
  }, [run]);

  const fetchFingerprint = async () => {
    setError("");
    setProbe(null);
    setConfirmed(false);
    try {
      setProbe(await postJson<Probe>("/api/v1/ssh-targets/probe", { address: form.address, port: Number(form.port) }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const addTarget = () => {
    if (!probe) return;
    setTargets([
      ...targets,
      { address: form.address, port: Number(form.port), user: form.user, hostName: form.hostName, hostKeySha256: probe.fingerprint },
    ]);
    setProbe(null);
    setConfirmed(false);
    setForm({ ...form, address: "", hostName: "" });
  };

  const start = async (action: "install" | "remove") => {
    setError("");
    try {
      const key =
        keyKind === "pasted"
          ? { kind: "pasted", privateKey: pasted.privateKey, ...(pasted.passphrase ? { passphrase: pasted.passphrase } : {}) }
          : { kind: "control-plane" };
      const { id } = await postJson<{ id: string }>("/api/v1/host-installs", { action, targets, key });
      setRun({ id, action, state: "running", targets: [] });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const input = "rounded border border-slate-300 px-2 py-1";
  return (
    <>
      <Section title="The control plane's SSH key">
        <p className="mb-2 text-slate-600">
          Put this line in <code>~/.ssh/authorized_keys</code> of the install user on each host, or paste a private key below for one run
          (it is not stored).
        </p>
        {/* A long key scrolls inside its box: keyboard users reach it too. */}
        <pre
          className="overflow-x-auto rounded bg-slate-100 p-2 text-xs"
          data-testid="public-key"
          tabIndex={0}
          aria-label="the control plane's public key"
        >
          {publicKey || "…"}
        </pre>
      </Section>

      <Section title="Hosts">
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col text-xs">
            Address
            <input className={input} value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} name="address" />
          </label>
          <label className="flex flex-col text-xs">
            Port
            <input className={`${input} w-20`} value={form.port} onChange={(e) => setForm({ ...form, port: e.target.value })} name="port" />
          </label>
          <label className="flex flex-col text-xs">
            User (root or passwordless sudo)
            <input className={input} value={form.user} onChange={(e) => setForm({ ...form, user: e.target.value })} name="user" />
          </label>
          <label className="flex flex-col text-xs">
            Name in the fleet
            <input
              className={input}
              value={form.hostName}
              onChange={(e) => setForm({ ...form, hostName: e.target.value })}
              name="hostName"
            />
          </label>
          <button type="button" className="rounded bg-slate-800 px-3 py-1.5 text-white" onClick={() => void fetchFingerprint()}>
            Fetch host key
          </button>
        </div>
        {probe && (
          <div className="mt-3 rounded border border-slate-200 p-3" data-testid="fingerprint">
            <div>
              Host key <code>{probe.keyType}</code> <code className="font-semibold">{probe.fingerprint}</code>
            </div>
            {probe.pinned && probe.matchesPin === false && (
              <div className="text-rose-700">This does not match the pinned key {probe.pinned}: the install will be refused.</div>
            )}
            {probe.pinned && probe.matchesPin && <div className="text-emerald-700">Matches the key pinned on first contact.</div>}
            {!probe.pinned && (
              <label className="mt-2 flex items-center gap-2">
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I compared it with the
                host&apos;s own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console)
              </label>
            )}
            <button
              type="button"
              disabled={!(confirmed || probe.matchesPin)}
              className="mt-2 rounded bg-slate-800 px-3 py-1.5 text-white disabled:opacity-40"
              onClick={addTarget}
            >
              Add to the list
            </button>
          </div>
        )}
        {targets.length > 0 && (
          <table className="mt-3 w-full text-left text-xs" data-testid="targets">
            <thead>
              <tr className="text-slate-500">
                <th>Address</th>
                <th>User</th>
                <th>Name</th>
                <th>Host key</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {targets.map((t, i) => (
                <tr key={`${t.address}:${t.port}`}>
                  <td>
                    {t.address}:{t.port}
                  </td>
                  <td>{t.user}</td>
                  <td>{t.hostName}</td>
                  <td>
                    <code>{t.hostKeySha256}</code>
                  </td>
                  <td>
                    <button type="button" className="text-rose-700" onClick={() => setTargets(targets.filter((_, j) => j !== i))}>
                      remove from list
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-1">
            <input type="radio" checked={keyKind === "control-plane"} onChange={() => setKeyKind("control-plane")} /> control plane&apos;s
            key
          </label>
          <label className="flex items-center gap-1">
            <input type="radio" checked={keyKind === "pasted"} onChange={() => setKeyKind("pasted")} /> paste a private key for this run
          </label>
        </div>
        {keyKind === "pasted" && (
          <div className="mt-2 flex flex-col gap-2">
            <textarea
              className={`${input} h-28 font-mono text-xs`}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              value={pasted.privateKey}
              onChange={(e) => setPasted({ ...pasted, privateKey: e.target.value })}
            />
            <input
              className={input}
              type="password"
              placeholder="passphrase (if any)"
              value={pasted.passphrase}
              onChange={(e) => setPasted({ ...pasted, passphrase: e.target.value })}
            />
          </div>
        )}
        <div className="mt-3 flex gap-2">
          <button
            type="button"
            disabled={targets.length === 0}
            className="rounded bg-emerald-700 px-3 py-1.5 text-white disabled:opacity-40"
            onClick={() => void start("install")}
          >
            Install / upgrade on {targets.length} host(s)
          </button>
          <button
            type="button"
            disabled={targets.length === 0}
            className="rounded bg-red-700 px-3 py-1.5 text-white disabled:opacity-40"
            onClick={() => void start("remove")}
          >
            Remove from {targets.length} host(s)
          </button>
        </div>
        {error && (
          <p className="mt-2 text-rose-700" role="alert">
            {error}
          </p>
        )}
      </Section>

      {run && (
        <Section
          title={`${run.action === "install" ? "Install" : "Removal"} ${run.state === "done" ? "finished" : "running"}`}
          testId="install-run"
        >
          <div className="space-y-4">
            {run.targets.map((t) => (
              <div key={`${t.address}:${t.port}:${t.user}`} className="rounded border border-slate-200 p-3">
                <div className="font-semibold">
                  {t.hostName}{" "}
                  <span className="font-normal text-slate-500">
                    {t.user}@{t.address}:{t.port}
                  </span>{" "}
                  <span className={stateColor[t.state]}>{t.state}</span>
                </div>
                {t.error && (
                  <div className="mt-1 text-rose-700">
                    {t.error}
                    {t.explanation && <div className="whitespace-pre-wrap text-slate-700">{t.explanation}</div>}
                  </div>
                )}
                <ol className="mt-2 space-y-1">
                  {t.steps.map((s) => (
                    <li key={s.name}>
                      <span className={stateColor[s.state]}>{s.state === "ok" ? "✓" : s.state === "failed" ? "✗" : "…"}</span> {s.name}
                      {s.output && (
                        <pre className="mt-1 max-h-40 overflow-auto rounded bg-slate-100 p-2 text-xs" tabIndex={0}>
                          {s.output}
                        </pre>
                      )}
                    </li>
                  ))}
                </ol>
              </div>
            ))}
          </div>
        </Section>
      )}
    </>
  );
}
