// The gateway's chat API for mini-programs over wx.request, as promises. The path
// tells the gateway the channel (miniprogram); the gateway issues the session ids.

const CHAT = '/api/v1/miniprogram/chat';

function request(method, path, data) {
  const app = getApp();
  return new Promise((resolve, reject) => {
    wx.request({
      url: app.globalData.apiBase + path,
      method,
      data,
      timeout: app.globalData.requestTimeoutMs,
      header: { 'Content-Type': 'application/json' },
      success(res) {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(res.data);
          return;
        }
        const body = res.data && typeof res.data === 'object' ? res.data : {};
        reject({ status: res.statusCode, error: body.error || 'http_error' });
      },
      fail(err) {
        reject({ status: 0, error: 'network', detail: err && err.errMsg });
      },
    });
  });
}

// One citizen message: resolves to {session_id, replies: [{text, buttons}], handoff, ...}.
// Without a session id (the first message) the gateway issues one; keep the answer's
// session_id (new, or renewed) and send it from then on.
function sendMessage(sessionId, text, lang) {
  const data = { text, lang };
  if (sessionId) data.session_id = sessionId;
  return request('POST', CHAT, data);
}

// Messages after `after`, agents' included: resolves to {session_id, messages, handoff};
// rejects with status 404 for a session the gateway did not issue or that expired.
function fetchMessages(sessionId, after) {
  const path = CHAT + '/' + encodeURIComponent(sessionId) + '/messages?after=' + (after || 0);
  return request('GET', path);
}

module.exports = { sendMessage, fetchMessages };
