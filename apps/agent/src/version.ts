/** Reported in agent.hello; bump with user-visible agent changes. */
export const AGENT_VERSION = "0.1.0";
