// Runs the chat page the way WeChat would, without WeChat: miniprogram-simulate renders
// the page's WXML (compiled by WeChat's own wcc) into jsdom, and the gateway is a fake
// wx.request that answers as the gateway's mini-program chat API does (README.md).
//
// miniprogram-simulate loads custom components, not pages, so `Page()` is mapped onto
// `Component()`: a page's functions become methods (lifecycle hooks included, called by
// openChat() in WeChat's order), its other fields are copied onto each instance as WeChat
// does. `App()`/`getApp()` run the real app.js and config.js.

const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.join(__dirname, '..');
const CHAT = '/api/v1/miniprogram/chat';
const MESSAGES = /^\/api\/v1\/miniprogram\/chat\/([^/]+)\/messages$/;

let app = null;
global.App = (options) => {
  app = options;
};
global.getApp = () => app;

global.Page = (options) => {
  const methods = {};
  const fields = {};
  Object.keys(options).forEach((key) => {
    if (key === 'data') return;
    if (typeof options[key] === 'function') methods[key] = options[key];
    else fields[key] = options[key];
  });
  global.Component({
    data: options.data,
    methods,
    lifetimes: {
      created() {
        Object.assign(this, JSON.parse(JSON.stringify(fields)));
      },
    },
  });
};

require(path.join(ROOT, 'app.js'));
const CHAT_PAGE = simulate.load(path.join(ROOT, 'pages/chat/chat'), { rootPath: ROOT });

// wx's storage keeps copies (values are serialised), and answers '' for a missing key.
function installStorage(initial) {
  const store = {};
  const copy = (value) => JSON.parse(JSON.stringify(value));
  Object.keys(initial || {}).forEach((key) => {
    store[key] = copy(initial[key]);
  });
  wx.getStorageSync = (key) => (key in store ? copy(store[key]) : '');
  wx.setStorageSync = (key, value) => {
    store[key] = copy(value);
  };
  wx.removeStorageSync = (key) => {
    delete store[key];
  };
  return store;
}

function ok(data) {
  return { statusCode: 200, data };
}

function status(statusCode, data) {
  return { statusCode, data };
}

// wx.request's fail callback: no answer at all (offline, DNS, timeout).
function networkFailure(errMsg) {
  return { fail: errMsg || 'request:fail timeout' };
}

function chatAnswer(sessionId, replies, handoff) {
  return ok({
    session_id: sessionId,
    replies: replies.map((r) => (typeof r === 'string' ? { text: r, buttons: [] } : r)),
    intent: null,
    service: null,
    handoff: !!handoff,
  });
}

function messagesAnswer(sessionId, messages, handoff) {
  return ok({
    session_id: sessionId,
    messages: messages.map((m) => ({ buttons: [], created_at: '2024-05-06T10:00:00+08:00', ...m })),
    handoff: handoff || 'none',
  });
}

// The gateway: every request is recorded; `onChat(body)` and `onMessages(sessionId,
// after)` return an answer (ok/status/networkFailure), or a promise of one to hold it.
class FakeGateway {
  constructor() {
    this.requests = [];
    this.onChat = (body) => chatAnswer(body.session_id || 'mp:new', ['好的']);
    this.onMessages = (sessionId) => messagesAnswer(sessionId, []);
    wx.request = (options) => this.handle(options);
  }

  get chats() {
    return this.requests.filter((r) => r.method === 'POST');
  }

  get polls() {
    return this.requests.filter((r) => r.method === 'GET');
  }

  handle(options) {
    const url = new URL(options.url);
    const request = {
      method: options.method || 'GET',
      url: options.url,
      path: url.pathname,
      after: url.searchParams.get('after'),
      body: options.data,
      header: options.header,
      timeout: options.timeout,
    };
    this.requests.push(request);
    const found = request.path.match(MESSAGES);
    let answer;
    if (request.method === 'POST' && request.path === CHAT) answer = this.onChat(request.body);
    else if (request.method === 'GET' && found) answer = this.onMessages(decodeURIComponent(found[1]), Number(request.after));
    else answer = status(404, { error: 'not_found', detail: 'no such route' });
    // Answers arrive later, as over a network: never inside wx.request itself.
    Promise.resolve(answer).then((res) => {
      if (res.fail) options.fail({ errMsg: res.fail });
      else options.success({ header: {}, cookies: [], errMsg: 'request:ok', ...res });
    });
    return { abort() {} };
  }
}

// Lets every pending event and answered request run its promise chain to the end.
// Microtasks only (jsdom has no setImmediate, and the timers may be jest's fakes).
async function settle() {
  for (let i = 0; i < 50; i += 1) await Promise.resolve();
}

// The chat page opened as WeChat opens it: onLoad, then onShow.
async function openChat() {
  const page = simulate.render(CHAT_PAGE);
  page.attach(document.createElement('parent-wrapper'));
  page.instance.onLoad({});
  page.instance.onShow();
  await settle();
  return page;
}

// What the citizen sees: the conversation's rows, in order.
function rows(page) {
  const typing = (row) => !!row.querySelector('.main--typing');
  return Array.from(page.dom.querySelectorAll('.main--row')).filter((row) => !typing(row)).map((row) => {
    const texts = row.querySelectorAll('.main--bubble > wx-text');
    const label = row.querySelector('.main--label');
    return {
      from: row.className.replace(/main--row|main--/g, '').trim(),
      text: texts[texts.length - 1].textContent,
      label: label ? label.textContent : null,
      buttons: Array.from(row.querySelectorAll('.main--choice')).map((b) => b.textContent),
    };
  });
}

function texts(page) {
  return rows(page).map((r) => r.text);
}

function isTyping(page) {
  return !!page.dom.querySelector('.main--typing');
}

function banner(page) {
  const node = page.dom.querySelector('.main--banner');
  return node ? node.textContent : null;
}

// Events reach the page asynchronously, as in WeChat: settle() before looking.
function tap(page, selector, index) {
  const nodes = page.querySelectorAll(selector);
  if (!nodes.length) throw new Error('nothing to tap at ' + selector);
  nodes[index || 0].dispatchEvent('tap');
}

// Typing goes through the input's bindinput and sending through the send button.
async function type(page, text) {
  page.querySelector('.input').dispatchEvent('input', { detail: { value: text } });
  await settle();
}

async function sendText(page, text) {
  await type(page, text);
  tap(page, '.send');
  await settle();
}

module.exports = {
  FakeGateway,
  banner,
  chatAnswer,
  installStorage,
  isTyping,
  messagesAnswer,
  networkFailure,
  ok,
  openChat,
  rows,
  sendText,
  settle,
  status,
  tap,
  texts,
  type,
};
