import base from './jest.config.js';
// The OpenSSH suite needs a private sshd (installed by .ci/run); it is not part of `npm test`.
export default {
  ...base,
  testMatch: ['<rootDir>/test/openssh/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
