/**
 * Oldest Node.js major the agent artifact runs on: the bundle targets it, `doctor` and the SSH
 * installer's preflight check it. 20 is what the project builds and tests with.
 */
export const MIN_NODE = 20;
