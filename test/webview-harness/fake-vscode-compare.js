// Stands in for VS Code's webview host of the Compare Runs panel: every posted message is
// recorded, and passed to the runner's `__hostRequest` binding (Playwright exposeFunction), whose
// answers come back as messages, as the extension host's would.
(() => {
  const posted = (window.__posted = []);
  let state = window.__savedState;
  window.__state = state;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (typeof window.__hostRequest === 'function') {
        void window.__hostRequest(message).then((replies) => replies.forEach((m) => window.postMessage(m, '*')));
      }
    },
    getState: () => state,
    setState: (s) => {
      state = s;
      window.__state = s;
    },
  });
  window.__send = (m) => window.postMessage(m, '*');
})();
