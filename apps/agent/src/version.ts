/** Reported in agent.hello; bump with user-visible agent changes. */
export const AGENT_VERSION = "0.1.0";

// Set by the artifact's build (build/bundle-agent.ts); absent when the agent runs from the workspace.
declare const __VFLEET_AGENT_COMMIT__: string | undefined;

/**
 * The commit the running agent was built from (`-dirty` when the tree had uncommitted changes),
 * or "workspace" when it runs from source: with it, "which agent is on that host" has one answer.
 */
export const AGENT_COMMIT: string = typeof __VFLEET_AGENT_COMMIT__ === "string" ? __VFLEET_AGENT_COMMIT__ : "workspace";

/** What the agent calls itself in agent.hello and `version`: `0.1.0+3f2c1ab`. */
export const AGENT_BUILD = `${AGENT_VERSION}+${AGENT_COMMIT}`;
