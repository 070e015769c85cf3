/**
 * Bad input to a libvirt XML builder or to the virsh wrapper. `field` names the offending
 * input (`hostdevs[3].mac`) and `limit` says what was expected, so the API and the agent can
 * show the operator exactly what to fix.
 */
export class LibvirtInputError extends Error {
  override readonly name = "LibvirtInputError";
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${limit} (got ${JSON.stringify(value) ?? String(value)})`);
  }
}
