/** Faults on demand, shared by the server's modules (set through the control port / Landscape.faults). */
export interface FaultSettings {
  /** Real milliseconds each recovery progress step takes (slow recovery). */
  recoveryStepDelayMs: number;
  /** Kill the simulator process (SIGKILL) when a recovery reaches this progress step (1 = after the catalog). */
  crashRecoveryAtStep?: number;
  /** Real milliseconds a tenant stays STARTING after START (or a recovery) and STOPPING after STOP (transitions.ts). */
  tenantStartMs: number;
  tenantStopMs: number;
  /**
   * Real milliseconds HANA stops halfway through writing each Backint backup stream (data and log), so a fault test
   * can kill the agent while it holds part of an object; 0 or unset: no pause.
   */
  backupStreamPauseMs?: number;
}

export const defaultFaults = (): FaultSettings => ({ recoveryStepDelayMs: 0, tenantStartMs: 300, tenantStopMs: 300 });
