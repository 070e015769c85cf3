import { PROTOCOL_VERSION } from "@vfleet/protocol";
import { AGENT_COMMIT, AGENT_VERSION } from "../version.ts";

export const summary = "print the agent's version, its wire protocol version and the Node.js running it";

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--json"))
    process.stdout.write(
      `${JSON.stringify({ agent: AGENT_VERSION, commit: AGENT_COMMIT, protocol: PROTOCOL_VERSION, node: process.versions.node })}\n`,
    );
  else
    process.stdout.write(
      `vfleet-agent ${AGENT_VERSION} (commit ${AGENT_COMMIT}, protocol ${PROTOCOL_VERSION}, node ${process.versions.node})\n`,
    );
  return 0;
}
