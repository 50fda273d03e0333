/**
 * Prometheus counters and histograms cheap enough for the request hot path. An update is one Map lookup
 * by the label values joined into a key (no label-object hashing and no per-update allocation beyond
 * that key: prom-client's `inc({…})`/`observe({…})` cost ~9 µs a request, a tenth of the gateway's
 * whole budget); the text exposition (format 0.0.4) is built only when /metrics is scraped.
 */

const KEY_SEPARATOR = '\u0000';

/** Label values escaped as the exposition format requires: backslash, double quote, newline. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

abstract class MetricFamily<State> {
  private readonly series = new Map<string, { labels: string; state: State }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'histogram',
    protected readonly labelNames: readonly string[],
  ) {}

  protected abstract newState(): State;
  protected abstract renderSeries(labels: string, state: State): string;

  /** The state of the series with these label values (in `labelNames` order), created on first use. */
  protected stateOf(values: readonly string[]): State {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: expected ${this.labelNames.length} label values (${this.labelNames.join(', ')}), got ${values.length}`);
    }
    const key = values.join(KEY_SEPARATOR);
    let entry = this.series.get(key);
    if (!entry) {
      const labels = this.labelNames.map((n, i) => `${n}="${escapeLabelValue(values[i]!)}"`).join(',');
      entry = { labels, state: this.newState() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${this.type}\n`;
    for (const { labels, state } of this.series.values()) out += this.renderSeries(labels, state);
    return out;
  }
}

export class HotCounter extends MetricFamily<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, 'counter', labelNames);
  }

  inc(values: readonly string[], by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.stateOf(values).value += by;
  }

  protected newState(): { value: number } {
    return { value: 0 };
  }

  protected renderSeries(labels: string, state: { value: number }): string {
    return `${this.name}{${labels}} ${formatNumber(state.value)}\n`;
  }
}

interface HistogramState {
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  counts: number[];
  sum: number;
  count: number;
}

export class HotHistogram extends MetricFamily<HistogramState> {
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, 'histogram', labelNames);
    if (labelNames.includes('le')) throw new Error(`${name}: "le" is reserved for histogram buckets`);
    this.bounds = [...buckets].sort((a, b) => a - b);
  }

  observe(values: readonly string[], value: number): void {
    const state = this.stateOf(values);
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    state.counts[i]!++;
    state.sum += value;
    state.count++;
  }

  protected newState(): HistogramState {
    return { counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected renderSeries(labels: string, state: HistogramState): string {
    const rest = labels ? `,${labels}` : '';
    let out = '';
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += state.counts[i]!;
      out += `${this.name}_bucket{le="${formatNumber(this.bounds[i]!)}"${rest}} ${cumulative}\n`;
    }
    out += `${this.name}_bucket{le="+Inf"${rest}} ${state.count}\n`;
    const braces = labels ? `{${labels}}` : '';
    return `${out}${this.name}_sum${braces} ${formatNumber(state.sum)}\n${this.name}_count${braces} ${state.count}\n`;
  }
}
