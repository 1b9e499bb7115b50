// ESM + TypeScript through @swc/jest (no ts-jest, no Babel); how to run tests: test/README.md.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/openssh/', '<rootDir>/test/package/'],
  testTimeout: 60000,
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/sequencer.mjs',
};
