/** Exit codes between the runtime process and its supervisor. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The runtime asks to be started again (restart, reset, the restart_server action). */
export const EXIT_RESTART = 75;
