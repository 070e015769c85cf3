export * from "./capacity/compute-capacity.ts";
export * from "./libvirt/parse-domain-xml.ts";
