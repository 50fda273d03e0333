/** Whether a process with this pid exists on this host: `kill(pid, 0)` — ESRCH is dead; EPERM (another user's process) and anything else count as alive. */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
