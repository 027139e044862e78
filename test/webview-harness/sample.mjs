// Sample RunDetails and metric series for the webview harness: a live run with params, tags,
// artifacts (two images), output, ingest issues and metrics including NaN/±Infinity points.

/** @param {{ status: 'running' | 'finished' | 'failed', steps: number, empty?: boolean }} o */
export function sampleDetails(o) {
  const running = o.status === 'running';
  // A running run started a few minutes ago, so its live duration looks real.
  const start = running ? Date.now() - 754_000 : Date.parse('2025-03-14T09:26:53Z');
  const metrics = o.empty
    ? {}
    : {
        loss: { last: lossAt(o.steps - 1), min: lossAt(o.steps - 1), max: lossAt(0), count: o.steps, last_step: o.steps - 1 },
        'val/accuracy': { last: accAt(o.steps - 1), min: accAt(0), max: accAt(o.steps - 1), count: Math.ceil(o.steps / 10), last_step: o.steps - 1 },
        grad_norm: { last: 'NaN', min: 0.12, max: 'Infinity', count: o.steps, last_step: o.steps - 1 },
        lr: { last: 0.001, min: 0.001, max: 0.001, count: 1, last_step: 0 },
      };
  return {
    run: {
      id: '0195a1b2c3d4e5f6a7b8c9d0e1f2a3b4',
      name: o.empty ? 'notebook-scratch' : 'resnet18-baseline',
      experiment: o.empty ? 'default' : 'cifar10',
      status: o.status,
      start_time: new Date(start).toISOString(),
      end_time: running ? null : new Date(start + 754_000).toISOString(),
      duration_ms: running ? null : 754_000,
      lifecycle: 'active',
      source: { path: o.empty ? null : '/home/ada/projects/cifar/train.py', kind: o.empty ? 'interactive' : 'script' },
      error: o.status === 'failed' ? 'Traceback (most recent call last):\n  File "train.py", line 88, in <module>\nRuntimeError: CUDA out of memory' : null,
      params: o.empty ? {} : { lr: '0.001', batch_size: '128', optimizer: 'adam', epochs: '20', augment: 'true', 'model.depth': '18' },
      tags: o.empty ? {} : { owner: 'ada', purpose: 'baseline for the sweep' },
      metrics,
    },
    context: o.empty
      ? null
      : {
          python_version: '3.11.9',
          executable: '/home/ada/.venvs/cifar/bin/python3',
          argv: ['train.py', '--lr', '0.001', '--note', "ada's run"],
          cwd: '/home/ada/projects/cifar',
          source: { path: '/home/ada/projects/cifar/train.py', kind: 'script' },
          git: {
            commit: '3f9c2e1a7b4d5c6e8f901234567890abcdef1234',
            branch: 'main',
            dirty: true,
            diff: 'diff --git a/train.py b/train.py\n-lr = 0.01\n+lr = 0.001\n',
            root: '/home/ada/projects/cifar',
          },
          packages: ['numpy==2.1.3', 'torch==2.5.1', 'torchvision==0.20.1', 'pillow==11.0.0', 'tqdm==4.67.1', 'mlwb==0.1.0', 'scipy==1.14.1', 'pandas==2.2.3'],
        },
    artifacts: o.empty
      ? []
      : [
          { path: 'plots/confusion.svg', size: 2048 },
          { path: 'plots/samples.svg', size: 1536 },
          { path: 'model/model.onnx', size: 46_800_000 },
          { path: 'config.yaml', size: 412 },
        ],
    runDir: '/home/ada/projects/cifar/.mlwb/runs/0195a1b2c3d4e5f6a7b8c9d0e1f2a3b4',
    outputTail: o.empty
      ? ''
      : Array.from({ length: 60 }, (_, i) => `epoch ${Math.floor(i / 3) + 1} batch ${(i % 3) * 100}: loss=${lossAt(i * 5).toFixed(4)}`).join('\n') + '\n',
    outputTruncated: !o.empty,
    issues: o.empty ? [] : [{ line: 1042, message: 'invalid JSON: Unexpected token } in JSON at position 17' }],
  };
}

const lossAt = (i) => 2.3 * Math.exp(-i / 120) + 0.15 + 0.05 * Math.sin(i / 7);
const accAt = (i) => 0.1 + 0.8 * (1 - Math.exp(-i / 150));

/** Points per metric key (`{step, value, timestamp}`), matching the summaries above. */
export function sampleMetrics(steps) {
  const t = (i) => new Date(Date.parse('2025-03-14T09:27:00Z') + i * 1000).toISOString();
  const range = (n, every = 1) => Array.from({ length: Math.ceil(n / every) }, (_, k) => Math.min(n - 1, k * every));
  return {
    loss: range(steps).map((i) => ({ step: i, value: lossAt(i) + (i === 200 ? 1.5 : 0), timestamp: t(i) })),
    'val/accuracy': range(steps, 10).map((i) => ({ step: i, value: accAt(i), timestamp: t(i) })),
    grad_norm: range(steps).map((i) => ({
      step: i,
      value: i === 150 ? 'Infinity' : i > steps - 20 ? 'NaN' : 0.5 + Math.abs(Math.sin(i / 11)),
      timestamp: t(i),
    })),
    lr: [{ step: 0, value: 0.001, timestamp: t(0) }],
  };
}

export function sampleSvg(title, hue) {
  const cells = Array.from(
    { length: 16 },
    (_, k) => `<rect x="${(k % 4) * 25}" y="${Math.floor(k / 4) * 25}" width="24" height="24" fill="hsl(${hue},70%,${30 + ((k * 37) % 50)}%)"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="200" height="200"><title>${title}</title>${cells}</svg>`;
}
