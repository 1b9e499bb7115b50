import { parseDiscoveryOutput } from '../../src/hana/discovery.js';

describe('discovery output', () => {
  const out = [
    'H\thanaqas',
    'R\tQAS\t10\thanaqas\t/usr/sap/QAS/HDB10\tqasadm\tHDBSQL version 2.00.070.00.1679989823, the SAP HANA Database ' +
      'interactive terminal.',
    'T\tQAS\t10\thanaqas\tVDB2',
    'T\tQAS\t10\thanaqas\tVDB1',
    'T\tQAS\t10\thanaqas\tbad;name',
    'R\tQAS\t10\toldhost\t/usr/sap/QAS/HDB10\tqasadm\tHDBSQL version 2.00.070.00.1679989823',
    'R\tPRD\t00\thanaprd\t/usr/sap/PRD/HDB00\tprdadm\tsegmentation fault',
    'X\tDEV\t20\tno executable /usr/sap/DEV/HDB20/exe/hdbsql',
  ].join('\n');

  test("the server's version from exe/manifest's fullversion, not the hdbsql client's", () => {
    const r = parseDiscoveryOutput(
      'H\thanaqas\nR\tQAS\t10\thanaqas\t/usr/sap/QAS/HDB10\tqasadm\tfullversion: 2.00.076.00.1705400033 Build 1705400033\n',
    );
    expect(r.installations.map((i) => i.version)).toEqual(['2.00.076.00.1705400033']);
  });

  test('installations with paths, version and tenants; the own host directory wins', () => {
    const r = parseDiscoveryOutput(out);
    expect(r.installations).toEqual([
      {
        sid: 'QAS',
        instanceNumber: '10',
        hostName: 'hanaqas',
        installationPath: '/usr/sap/QAS/HDB10',
        version: '2.00.070.00.1679989823',
        hdbsqlPath: '/usr/sap/QAS/HDB10/exe/hdbsql',
        hdbuserstorePath: '/usr/sap/QAS/HDB10/exe/hdbuserstore',
        traceDirectory: '/usr/sap/QAS/HDB10/hanaqas/trace',
        osUser: 'qasadm',
        tenants: ['VDB1', 'VDB2'],
      },
    ]);
  });

  test('what cannot be used is reported, not silently dropped', () => {
    const { skipped } = parseDiscoveryOutput(out);
    expect(skipped).toHaveLength(3);
    expect(skipped.join('\n')).toMatch(/DB_bad;name/);
    expect(skipped.join('\n')).toMatch(/PRD HDB00 on hanaprd: hdbsql -v printed no version/);
    expect(skipped.join('\n')).toMatch(/DEV HDB20: no executable/);
  });
});
