"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

export type Field = {
  name: string;
  label: string;
  type?: "text" | "password" | "number";
  /** A choice; an option's `value` is what is sent (`""`: the field is left out). */
  options?: readonly (string | { label: string; value: string })[];
  placeholder?: string;
};

const optionValue = (o: string | { value: string } | undefined) => (o === undefined ? "" : typeof o === "string" ? o : o.value);

/**
 * A small admin form: the fields go to `path` as JSON (numbers as numbers, empty fields left
 * out); a returned `token` is shown once, the API's 400/409 message as is.
 */
export function ApiForm({
  path,
  fields,
  submitLabel,
  testId,
}: {
  path: string;
  fields: readonly Field[];
  submitLabel: string;
  testId: string;
}) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(fields.map((f) => [f.name, optionValue(f.options?.[0])])),
  );
  const [message, setMessage] = useState<{ ok: boolean; text: string; token?: string } | null>(null);

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    for (const f of fields) if (values[f.name] !== "") body[f.name] = f.type === "number" ? Number(values[f.name]) : values[f.name];
    const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json()) as { error?: string; token?: string };
    setMessage(res.ok ? { ok: true, text: "done", token: json.token } : { ok: false, text: json.error ?? `HTTP ${res.status}` });
    if (res.ok) router.refresh();
  };

  const input = "mt-1 block rounded border border-slate-300 px-2 py-1";
  return (
    <form data-testid={testId} onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-3">
      {fields.map((f) => (
        <label key={f.name} className="text-xs text-slate-600">
          {f.label}
          {f.options ? (
            <select
              data-testid={`${testId}-${f.name}`}
              className={input}
              value={values[f.name]}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            >
              {f.options.map((o) => (
                <option key={optionValue(o)} value={optionValue(o)}>
                  {typeof o === "string" ? o : o.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              data-testid={`${testId}-${f.name}`}
              type={f.type ?? "text"}
              placeholder={f.placeholder}
              className={input}
              value={values[f.name]}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
            />
          )}
        </label>
      ))}
      <button className="rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800">{submitLabel}</button>
      {message && (
        <p data-testid={`${testId}-result`} className={`w-full text-xs ${message.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {message.token ? (
            <>
              Copy it now, it is not shown again:{" "}
              <code data-testid={`${testId}-token`} className="select-all rounded bg-slate-100 px-1">
                {message.token}
              </code>
            </>
          ) : (
            message.text
          )}
        </p>
      )}
    </form>
  );
}
