import { describe, expect, it } from 'vitest';
import { Histogram } from '../../core/metrics.js';
import { exposition } from './exposition.js';

describe('Prometheus exposition', () => {
  it('writes HELP and TYPE, escaped label values, and cumulative histogram buckets ending in +Inf = count', () => {
    const h = new Histogram([0.01, 0.1]);
    for (const v of [0.005, 0.05, 0.05, 3]) h.observe(v);
    const text = exposition([
      { name: 'a_total', help: 'line one\nline two', type: 'counter', samples: [{ labels: { camera: 'c"1\\x\ny' }, value: 3 }] },
      { name: 'lat_seconds', help: 'latency', type: 'histogram', samples: [{ labels: { model: 'm' }, histogram: h.snapshot() }] },
    ]);
    expect(text).toBe([
      '# HELP a_total line one\\nline two', '# TYPE a_total counter', 'a_total{camera="c\\"1\\\\x\\ny"} 3',
      '# HELP lat_seconds latency', '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{model="m",le="0.01"} 1', 'lat_seconds_bucket{model="m",le="0.1"} 3', 'lat_seconds_bucket{model="m",le="+Inf"} 4',
      'lat_seconds_sum{model="m"} 3.105', 'lat_seconds_count{model="m"} 4', '',
    ].join('\n'));
  });

  it('refuses a bad metric or label name rather than write a line Prometheus rejects', () => {
    expect(() => exposition([{ name: 'a-b', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() => exposition([{ name: 'a', help: '', type: 'gauge', samples: [{ labels: { 'x-y': '1' }, value: 1 }] }])).toThrow(/label name/);
  });
});
