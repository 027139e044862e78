import { makeTempDir } from '../../test/helpers/tmp';

/**
 * Runs a benchmark's `measure` in a fresh temporary folder (`prefix` names it), prints the result
 * object as JSON and removes the folder, whether or not it failed. Then the process exits, 1 with
 * the error printed on failure, without waiting for handles a measurement left open (a backend's
 * pipes, a parse thread): scripts/bench.mjs runs the benchmarks one after another.
 */
export function runBenchmark(prefix: string, measure: (dir: string) => object | Promise<object>): void {
  const run = async (): Promise<void> => {
    const tmp = makeTempDir(prefix);
    try {
      console.log(JSON.stringify(await measure(tmp.dir), null, 2));
    } finally {
      tmp.cleanup();
    }
  };
  void run().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
