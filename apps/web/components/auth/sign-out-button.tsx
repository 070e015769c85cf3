"use client";

/** Ends the session row (better-auth deletes it) and clears the cookie. */
export function SignOutButton() {
  const signOut = async () => {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    window.location.assign("/login");
  };
  return (
    <button data-testid="sign-out" onClick={() => void signOut()} className="text-xs text-slate-600 hover:text-slate-900 hover:underline">
      Sign out
    </button>
  );
}
