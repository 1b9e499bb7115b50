/** Where an installation lives on a HANA host: /usr/sap/<SID>/SYS/global/hdb/opt (the root is configurable). */
import path from 'node:path';
import { UserError } from '../../sdk/errors.js';

export interface InstallPaths {
  readonly usrSap: string;
  readonly sid: string;
  /** /usr/sap/<SID>/SYS/global/hdb/opt/hdbbackint: the program HANA runs. */
  readonly executable: string;
  /** The parameter file global.ini points at. */
  readonly parameterFile: string;
  /** What this installer found before it changed anything, so uninstall can put it back. */
  readonly record: string;
  /** Copies of an hdbbackint / parameter file that were there before. */
  readonly savedExecutable: string;
  readonly savedParameterFile: string;
}

export function checkSid(sid: string): string {
  if (!/^[A-Z][A-Z0-9]{2}$/.test(sid))
    throw new UserError(`--sid ${sid} is not a SAP system id`, 'pass three characters, e.g. --sid HDB');
  return sid;
}

export function installPaths(usrSap: string, sid: string): InstallPaths {
  if (!path.isAbsolute(usrSap)) throw new UserError(`--usr-sap ${usrSap} is not absolute`, 'pass an absolute directory');
  const opt = path.join(usrSap, checkSid(sid), 'SYS', 'global', 'hdb', 'opt');
  const hdbconfig = path.join(opt, 'hdbconfig');
  return {
    usrSap,
    sid,
    executable: path.join(opt, 'hdbbackint'),
    parameterFile: path.join(hdbconfig, 'hana-backint.yaml'),
    record: path.join(hdbconfig, '.hana-backint-install.json'),
    savedExecutable: path.join(opt, 'hdbbackint.before-hana-backint'),
    savedParameterFile: path.join(hdbconfig, 'hana-backint.yaml.before-hana-backint'),
  };
}
