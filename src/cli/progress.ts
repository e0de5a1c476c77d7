// Progress bars on a terminal during long runs (cli-progress, on stderr); nothing when stderr is not a TTY, where
// the JSON logs say the same (reference C2: machines read logs, people watch bars).
import cliProgress from "cli-progress";
import type { SyncDeps } from "../sync/run.js";

export interface Progress {
  hooks: Pick<SyncDeps, "onPullPage" | "onPushProgress" | "onStage">;
  stop(): void;
}

export function createProgress(enabled: boolean = process.stderr.isTTY === true): Progress {
  if (!enabled) return { hooks: {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  const start = (format: string, total: number, payload: Record<string, unknown>) => {
    stopBar();
    bar = new cliProgress.SingleBar(
      { format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, payload);
  };
  let stream: string | undefined;
  return {
    hooks: {
      onStage: (stage) => {
        stopBar();
        stream = undefined;
        if (stage === "estimate") process.stderr.write("estimating…\n");
      },
      onPullPage: (p) => {
        if (p.stream !== stream) {
          stream = p.stream;
          // The number of rows is unknown until the read ends: a counter, not a bar.
          start("pull {stream} | {value} rows in {pages} pages", 0, { stream: p.stream, pages: 0 });
        }
        bar?.update(p.read, { stream: p.stream, pages: p.pages });
      },
      onPushProgress: (settled, total) => {
        if (bar === undefined) start("push | {bar} | {value}/{total} writes | eta {eta}s", total, {});
        bar?.update(settled);
      },
    },
    stop: stopBar,
  };
}
