/**
 * The dashboard's state words, each defined once. Every screen that counts or colours VFs and
 * devices uses these words, links to the glossary page that lists them, and docs/reference/state-words.md repeats
 * them; a new screen takes its words from here.
 */
export type StateWord = { id: string; word: string; meaning: string };

export const STATE_WORDS = {
  possible: { id: "possible", word: "possible", meaning: "the VFs a PF allows (sriov_totalvfs)" },
  created: { id: "created", word: "created", meaning: "the VFs that exist now (sriov_numvfs)" },
  creatable: { id: "creatable", word: "creatable", meaning: "possible but not created yet: setting the PF's VF count makes them" },
  assigned: {
    id: "assigned",
    word: "assigned",
    meaning: "a guest's definition names it (<hostdev> or <interface type='hostdev'>), whether or not the guest runs",
  },
  free: { id: "free", word: "free", meaning: "created and no guest names it: ready, needs bind or unbound" },
  ready: { id: "ready", word: "ready", meaning: "free and bound to vfio-pci: a guest can take it now" },
  needsBind: {
    id: "needs-bind",
    word: "needs bind",
    meaning: "free but bound to a host driver (mlx5_core, igbvf, nvidia...) or to none: bind it to vfio-pci before a guest can take it",
  },
  unbound: { id: "unbound", word: "unbound", meaning: "no driver at all (one kind of needs bind)" },
  reserved: { id: "reserved", word: "reserved", meaning: "held for a guest by a vfleet plan that has not finished" },
  hostUse: {
    id: "host-use",
    word: "host use",
    meaning: "carries the host's own traffic (an address, a route, a bond or bridge member): vfleet never takes it",
  },
  wholeDevice: {
    id: "whole-device",
    word: "whole device",
    meaning: "a function passed through as a whole (a GPU, an accelerator, a NIC without SR-IOV) with its IOMMU group, not a VF",
  },
  gpu: {
    id: "gpu",
    word: "GPU",
    meaning:
      "a display controller (PCI class 03: VGA, 3D) passed through whole, named by its model from the host's pci.ids; integrated graphics on the root bus stays the host's console",
  },
} as const satisfies Record<string, StateWord>;

export const GLOSSARY_HREF = "/glossary";
export const glossaryLink = (w: StateWord) => `${GLOSSARY_HREF}#${w.id}`;
