// Stands in for VS Code's webview host: `acquireVsCodeApi` records what the page posts and, when
// the page says `ready`, delivers the scenario's messages the way the extension host would.
(() => {
  const scenario = window.__MLWB_SCENARIO__;
  const posted = (window.__posted = []);
  let state = scenario.savedState;
  window.__state = state;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      posted.push(message);
      if (message.type === 'ready') for (const m of scenario.messages) window.postMessage(m, '*');
    },
    getState: () => state,
    setState: (s) => {
      state = s;
      window.__state = s;
    },
  });
  // Lets the runner push live updates: window.__send({ type: 'details', ... }).
  window.__send = (m) => window.postMessage(m, '*');
})();
