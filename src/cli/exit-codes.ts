// Exit codes of every verb (DESIGN.md §2; BSD sysexits and the shell's 128+signal convention).
export const ExitCode = {
  ok: 0,
  internal: 1,
  pendingWrites: 2,
  partial: 3,
  usage: 64,
  unavailable: 69,
  temporary: 75,
  permission: 77,
  config: 78,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
