// The gateway's chat API over wx.request, as promises.

function request(method, path, data) {
  const app = getApp();
  return new Promise((resolve, reject) => {
    wx.request({
      url: app.globalData.apiBase + path,
      method,
      data,
      timeout: app.globalData.requestTimeoutMs,
      header: { 'Content-Type': 'application/json', 'X-Hotline-Channel': 'miniprogram' },
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

// One citizen message: resolves to {replies: [{text, buttons}], handoff: bool, ...}.
function sendMessage(sessionId, text, lang) {
  return request('POST', '/api/v1/chat', { session_id: sessionId, text, lang });
}

// Messages after `after`, agents' included: resolves to {messages, handoff}.
function fetchMessages(sessionId, after) {
  const path = '/api/v1/chat/' + encodeURIComponent(sessionId) + '/messages?after=' + (after || 0);
  return request('GET', path);
}

module.exports = { sendMessage, fetchMessages };
