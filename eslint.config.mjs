// @ts-check
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * Type-aware lint for the async-heavy server and agent code: the rules that catch a lost job
 * result or socket close (a promise nobody awaits, a promise where a callback is expected, a
 * switch over a union that misses a case), React's hook rules and Next's rules for the web app.
 * Formatting is Prettier's, not ESLint's. `pnpm lint` runs it; zero warnings allowed.
 */
export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/dist/**",
      "**/generated/**",
      ".vfleet/**",
      "**/*.mjs",
      "**/*.cjs",
      "**/next-env.d.ts",
      "**/vt-scratch.config.ts",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: {
        // Config files outside every tsconfig are linted with the default project.
        projectService: { allowDefaultProject: ["apps/agent/vitest.config.ts", "packages/*/vitest.config.ts", "packages/db/scripts/*.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      // React ignores what an event handler returns; ours catch their own errors (the forms' send() never throws).
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    files: ["apps/web/**/*.tsx", "apps/web/**/*.ts"],
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    settings: { next: { rootDir: "apps/web" } },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
    },
  },
);
