/**
 * The bus seq a REST answer is consistent with: every event up to it is reflected. A client reloading its
 * state applies only the events after it (status, messages and tasks each carry their own).
 */
export const SEQ_HEADER = 'x-mimikit-seq';
