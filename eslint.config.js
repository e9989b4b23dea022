import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house's dependency arrows (docs/architecture.md draws them, test/lint/boundaries.test.ts
 * holds the drawing to this table): `contracts/` is the floor, `verify/` and `service-kit/` stand
 * on it alone, the two services stand on those and never on each other, `widgets/` stands on
 * `contracts/` alone, and so does `sdk/` (the partner's Node SDK). Imports are relative, so a forbidden area
 * is recognised by its top-level folder name anywhere in the specifier (`../../token-service/…`).
 */
const AREAS = [
  'contracts',
  'verify',
  'service-kit',
  'token-service',
  'core-api',
  'widgets',
  'sdk',
  'bin',
  'demo',
  'stories',
  'scripts',
  'bench',
  'test',
];
const OURS_BUT = (...allowed) => AREAS.filter((area) => !allowed.includes(area));
/** Which of our areas each area may not import. */
export const FORBIDDEN_IMPORTS = {
  contracts: OURS_BUT('contracts'),
  verify: OURS_BUT('verify', 'contracts'),
  'service-kit': OURS_BUT('service-kit', 'contracts'),
  'token-service': OURS_BUT('token-service', 'contracts', 'verify', 'service-kit'),
  'core-api': OURS_BUT('core-api', 'contracts', 'verify', 'service-kit'),
  widgets: OURS_BUT('widgets', 'contracts'),
  sdk: OURS_BUT('sdk', 'contracts'),
};
const boundaries = Object.entries(FORBIDDEN_IMPORTS).map(([area, forbidden]) => ({
  files: [`${area}/**/*.ts`, `${area}/**/*.js`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\.{1,2}/(?:\\.\\./)*(?:${forbidden.join('|')})(?:/|$)`,
            message: `${area}/ may not import this area (docs/architecture.md: the dependency arrows).`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '**/dist/',
      '.tessera/',
      'coverage/',
      // Storybook's build, and the MSW worker `npx msw init` generates.
      'storybook-static/',
      '.storybook/public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.mjs',
            'bin/*.js',
            'scripts/*.mjs',
            'demo/public/*.js',
            // Worker threads in plain JavaScript: a worker gets no TypeScript loader.
            'token-service/store/*.mjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Each example is type-checked by its own toolchain (tsc, vue-tsc, svelte-check, ngc) in
    // test/examples; their imports resolve against a packed @tessera/widgets that the root
    // TypeScript project does not see, so the type-aware rules would only report `any`.
    files: ['examples/**/*.ts', 'examples/**/*.tsx'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['demo/public/*.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly' } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // Tests read arbitrary JSON answers and assert on them; the schemas they parse with are the type checks.
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
