/** Faults on demand, shared by the server's modules (set through the control port / Landscape.faults). */
export interface FaultSettings {
  /** Real milliseconds each recovery progress step takes (slow recovery). */
  recoveryStepDelayMs: number;
  /** Kill the simulator process (SIGKILL) when a recovery reaches this progress step (1 = after the catalog). */
  crashRecoveryAtStep?: number;
  /** Real milliseconds a tenant stays STARTING after START (or a recovery) and STOPPING after STOP (transitions.ts). */
  tenantStartMs: number;
  tenantStopMs: number;
}

export const defaultFaults = (): FaultSettings => ({ recoveryStepDelayMs: 0, tenantStartMs: 300, tenantStopMs: 300 });
