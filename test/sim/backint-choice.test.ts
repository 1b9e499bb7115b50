/** `sim start --backint` / the landscape spec choose every system's Backint tool (tools/hana-sim/install.ts). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/sdk/errors.js';
import { backintTool } from '../../tools/hana-sim/cli.js';
import { installSystem } from '../../tools/hana-sim/install.js';
import { systemPaths } from '../../tools/hana-sim/paths.js';
import { defaultLandscape, normalizeSpec, type SystemSpec } from '../../tools/hana-sim/spec.js';

describe('the landscape Backint tool', () => {
  test('--backint accepts the three tools and names them when wrong', () => {
    expect(backintTool('commvault')).toBe('commvault');
    expect(() => backintTool('tsm')).toThrow(UserError);
    expect(() => normalizeSpec({ ...defaultLandscape(), backint: { tool: 'tsm' as 'aws' } })).toThrow(/backint.tool/);
  });

  test.each(['commvault', 'aws'] as const)('%s: hdbbackint runs the emulation, the parameter file is the vendor format', (tool) => {
    const root = mkdtempSync(join(tmpdir(), 'sim-backint-choice-'));
    try {
      const spec = normalizeSpec({ ...defaultLandscape(), backint: { tool } });
      const qas = spec.systems[1]! as SystemSpec & { version: string; clientVersion: string };
      installSystem(root, qas, spec.backint!, {});
      const p = systemPaths(root, qas);
      expect(readFileSync(p.hdbbackint, 'utf8')).toContain(`backint-emul/main.js' '${tool}' '--sid' 'QAS' '--client' 'hanaqas'`);
      const params = readFileSync(p.backintParameterFile, 'utf8');
      if (tool === 'commvault') expect(params).toBe('CvInstanceName Instance001\nCvSrcClientName hanaprd\nsrcCrossSIDName PRD\n');
      else expect(params).toMatch(/^S3BucketName: "hana-backups"\nS3BucketFolder: "hana"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
