// When the page draws: at most every `everyMs`, in an animation frame, so that while the worker
// trains the main thread stays nearly idle (progress arrives ~25 times a second; 5 frames a
// second show it). `urgent()` (state changes, worker answers) skips the wait; `now()` draws at
// once, for the user's actions, whose result may be read right after (a field's aria-invalid,
// a dismissed alert).
// `draw(now)` returns true when it still owes a redraw (the charts' own pace): it comes back later.
// `env` gives the clock, timers and frames (the browser's by default; tests pass a fake one).

const BROWSER = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  requestAnimationFrame: (fn) => requestAnimationFrame(fn),
};

export function renderLoop(draw, everyMs, env = BROWSER) {
  let timer = 0;
  let frame = 0;
  let last = 0;

  const drawAt = (now) => {
    last = now;
    if (draw(now)) schedule(false);
  };

  function schedule(urgent) {
    if (frame || (timer && !urgent)) return;
    env.clearTimeout(timer);
    const wait = urgent ? 0 : Math.max(0, last + everyMs - env.now());
    timer = env.setTimeout(() => {
      timer = 0;
      frame = env.requestAnimationFrame(() => {
        frame = 0;
        drawAt(env.now());
      });
    }, wait);
  }

  return {
    routine: () => schedule(false),
    urgent: () => schedule(true),
    now: () => drawAt(env.now()),
  };
}
