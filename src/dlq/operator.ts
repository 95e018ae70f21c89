import os from 'node:os';

/** Who ran a command, as the job list and the audit trail name them: user@host. */
export function operatorName(): string {
  let user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (a container's random uid): keep the environment's name.
  }
  return `${user}@${os.hostname()}`;
}
