/** The S3 store over HTTPS (s3rver with a test certificate), through the real program and FIFOs. */
import { SW, startTlsS3, type TlsS3 } from './helpers/s3-tls.js';

let t: TlsS3;
beforeAll(async () => {
  t = await startTlsS3('hana-tls');
});
afterAll(async () => {
  await t?.stop();
});

describe('S3 store over HTTPS', () => {
  test('backup and restore through FIFOs, byte for byte, the endpoint trusted through NODE_EXTRA_CA_CERTS', async () => {
    expect(t.s3.endpoint).toMatch(/^https:/);
    await t.roundTrip('COMPLETE_databackup_0_1', 7 * 1024 * 1024 + 5, t.trusted);
  });

  test('an endpoint whose certificate is not trusted: the agent refuses it and says why', async () => {
    const r = await t.run('inquire', [SW, '#NULL'], t.s3.env);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/certificate/i);
  });
});
