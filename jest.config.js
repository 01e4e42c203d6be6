// Two suites: `unit` (no services, stubs allowed) and `e2e` (real PostgreSQL, vcsim, InfluxDB,
// VictoriaMetrics and the built apps). `npm test` runs both.
// ts-jest transpiles each file on its own (type checking is `npm run lint`'s job). CommonJS here,
// so that Jest's module system can load everything.
const tsJest = [
  'ts-jest',
  { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10', sourceMap: true } },
];
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^@vcc/(.*)$': '<rootDir>/libs/$1' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
  ],
};
