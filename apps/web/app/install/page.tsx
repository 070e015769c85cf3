import { Section } from "@/components/section.tsx";
import { InstallHostsForm } from "@/components/install/install-hosts-form.tsx";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata = { title: "Add hosts" };

/** Add hypervisors over SSH (admin): install, upgrade or remove the agent on many hosts at once. */
export default async function InstallPage() {
  await requirePageAccess("admin");
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Add hosts over SSH</h1>
      <Section title="How it works">
        <p className="text-slate-600">
          vfleet logs in with SSH as root or a user with passwordless sudo, checks the host (architecture, kernel, sudo, systemd, Node.js,
          IOMMU groups, libvirt) without changing anything, uploads the agent, writes its config and systemd unit, enrolls it with a
          one-time token, starts it and waits until the host reports. A failed step is explained and the host is left as it was. Running it
          again on an installed host upgrades the agent in place.
        </p>
      </Section>
      <InstallHostsForm />
    </div>
  );
}
