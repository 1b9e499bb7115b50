import base from './jest.config.js';
// The package test packs and installs into a temporary prefix (minutes): `npm run test:package`, not `npm test`.
export default {
  ...base,
  testMatch: ['<rootDir>/test/package/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 1_200_000,
};
