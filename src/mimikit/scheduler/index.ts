/** Cron and idle wake-ups. */
export { CronLoop, type CronLoopOptions } from './cron-loop.js';
export { IdleLoop, type IdleLoopOptions } from './idle-loop.js';
export { CronJobError, dueFire, nextFire } from './cron-time.js';
