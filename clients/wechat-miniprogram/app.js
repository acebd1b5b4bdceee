const config = require('./config');

App({
  globalData: {
    apiBase: config.apiBase.replace(/\/+$/, ''),
    pollIntervalMs: config.pollIntervalMs,
    requestTimeoutMs: config.requestTimeoutMs,
  },
});
