export * from "./capacity/compute-capacity.ts";
export * from "./libvirt/parse-domain-xml.ts";
export * from "./libvirt/libvirt-input-error.ts";
export * from "./libvirt/escape-xml.ts";
export * from "./libvirt/check-libvirt-fields.ts";
export * from "./libvirt/build-hostdev-xml.ts";
export * from "./libvirt/build-hostdev-interface-xml.ts";
export * from "./libvirt/build-guest-domain-xml.ts";
