// The citizen's chat with the 12345 assistant, and with an agent after a hand-off.
// Everything is shown as plain text: messages are never rendered as rich text or HTML.

const api = require('../../utils/api');

const SESSION_KEY = 'hotline_session_id';
const PREFS_KEY = 'hotline_prefs';
const REQUEST_HUMAN = '/request_human';

const TEXTS = {
  zh: {
    placeholder: '请输入您的问题',
    send: '发送',
    human: '转人工',
    largeText: '大字',
    agent: '人工客服',
    waiting: '正在为您转接人工客服，请稍候…',
    queueAhead: '正在为您转接人工客服，您前面还有 {n} 位',
    queueNext: '正在为您转接人工客服，下一位就是您',
    withAgent: '人工客服正在为您服务',
    welcome: '您好，我是12345市民服务热线智能助手。请问有什么可以帮您？',
    offline: '网络不太好，消息没有发出，请稍后再试。',
    busy: '您发送得太快了，请稍等一会儿再试。',
    failed: '系统暂时繁忙，请稍后再试，或直接拨打12345。',
  },
  en: {
    placeholder: 'Type your question',
    send: 'Send',
    human: 'Agent',
    largeText: 'Large',
    agent: 'Hotline agent',
    waiting: 'Connecting you to a hotline agent, please wait…',
    queueAhead: 'Connecting you to a hotline agent: {n} ahead of you',
    queueNext: 'Connecting you to a hotline agent: you are next',
    withAgent: 'A hotline agent is helping you',
    welcome: 'Hello, I am the 12345 hotline assistant. How can I help you?',
    offline: 'The network seems down; your message was not sent. Please try again.',
    busy: 'You are sending messages too quickly; please wait a moment.',
    failed: 'The assistant is busy right now. Please try again later, or call 12345.',
  },
};

let keySerial = 0;

function nextKey() {
  keySerial += 1;
  return 'm' + keySerial; // scroll-into-view needs ids that start with a letter
}

// The session id is issued by the gateway with the answer to the first message, and is
// the key to this conversation's transcript: it is kept only in this mini-program's
// storage. '' until then.
function storedSessionId() {
  return wx.getStorageSync(SESSION_KEY) || '';
}

// The language WeChat is set to ('zh_CN', 'zh_TW', 'en'), for a first visit: English for
// English, Chinese otherwise. It sets the page's texts and the language of a message
// written in neither ("ok", a number); the gateway answers the rest in the language
// they are written in.
function systemLanguage() {
  let language = '';
  try {
    language = String(wx.getSystemInfoSync().language || '');
  } catch (err) {
    // WeChat may refuse it on some devices: Chinese, as before.
  }
  return /^en/i.test(language) ? 'en' : 'zh';
}

function fromSender(sender) {
  if (sender === 'citizen') return 'me';
  if (sender === 'bot') return 'bot';
  return 'agent';
}

function cleanButtons(buttons) {
  return (buttons || [])
    .filter((b) => b && b.payload)
    .map((b) => ({ title: String(b.title || b.payload), payload: String(b.payload) }));
}

Page({
  data: {
    messages: [],
    draft: '',
    sending: false,
    lang: 'zh',
    largeText: false,
    handoff: 'none',
    // What the banner says while the request for a person waits (its place in the queue).
    waitingText: '',
    scrollTo: '',
    t: TEXTS.zh,
  },

  sessionId: '',
  ready: false,
  lastId: 0,
  pollTimer: null,
  visible: false,
  // The bot's answers shown from the chat's own answers, not yet met again in a poll:
  // a poll shows only the bot's messages that are not among them (an expired request's
  // apology, written by the gateway on its own), so nothing appears twice.
  shownBotTexts: [],

  onLoad() {
    const prefs = wx.getStorageSync(PREFS_KEY) || {};
    const lang = prefs.lang === 'en' || prefs.lang === 'zh' ? prefs.lang : systemLanguage();
    this.setData({ lang, largeText: !!prefs.largeText, t: TEXTS[lang] });
    // Sending waits until the history is on screen, so nothing is shown twice.
    this.sessionId = storedSessionId();
    if (!this.sessionId) {
      // A first visit: the gateway issues the session with the first answer.
      this.say('bot', this.data.t.welcome);
      this.ready = true;
      return;
    }
    this.loadHistory(this.sessionId)
      .catch((err) => {
        this.say('bot', this.data.t.welcome);
        // 404: a session the gateway does not know (made by this page before the
        // gateway issued them, or expired): the next message starts a new one.
        if (err && err.status === 404) this.forgetSession();
        else this.say('system', this.data.t.offline);
      })
      .then(() => {
        this.ready = true;
        this.schedulePoll();
      });
  },

  keepSession(sessionId) {
    if (!sessionId || sessionId === this.sessionId) return;
    this.sessionId = sessionId;
    wx.setStorageSync(SESSION_KEY, sessionId);
  },

  forgetSession() {
    this.sessionId = '';
    wx.removeStorageSync(SESSION_KEY);
  },

  onShow() {
    this.visible = true;
    this.schedulePoll();
  },

  onHide() {
    this.visible = false;
    this.stopPolling();
  },

  onUnload() {
    this.visible = false;
    this.stopPolling();
  },

  // Earlier messages of this session, so a returning citizen sees where they were.
  loadHistory(sessionId) {
    return api.fetchMessages(sessionId, 0).then((res) => {
      this.keepSession(res.session_id);
      const earlier = (res.messages || []).map((m) => ({
        key: nextKey(),
        from: fromSender(m.sender),
        text: String(m.text || ''),
        buttons: [],
      }));
      this.lastId = earlier.length ? res.messages[res.messages.length - 1].id : 0;
      if (!earlier.length) earlier.push({ key: nextKey(), from: 'bot', text: this.data.t.welcome, buttons: [] });
      this.setMessages(earlier);
      this.setHandoff(res.handoff || 'none');
      this.setQueue(res.handoff || 'none', res.queue_position);
    });
  },

  onInput(e) {
    this.setData({ draft: e.detail.value });
  },

  onSend() {
    const text = this.data.draft.trim();
    // Not ready (the history is loading) or busy: keep the draft for the next tap.
    if (!text || this.data.sending || !this.ready) return;
    this.setData({ draft: '' });
    this.send(text, text);
  },

  onChoice(e) {
    const { payload, title } = e.currentTarget.dataset;
    this.send(payload, title);
  },

  onRequestHuman() {
    this.send(REQUEST_HUMAN, this.data.t.human);
  },

  onToggleLang() {
    const lang = this.data.lang === 'zh' ? 'en' : 'zh';
    this.setData({ lang, t: TEXTS[lang] });
    this.savePrefs();
  },

  onToggleLargeText() {
    this.setData({ largeText: !this.data.largeText });
    this.savePrefs();
  },

  savePrefs() {
    wx.setStorageSync(PREFS_KEY, { lang: this.data.lang, largeText: this.data.largeText });
  },

  // `text` goes to the bot (a button's payload); `shown` is what the citizen sees.
  send(text, shown) {
    if (!this.ready || this.data.sending) return;
    this.say('me', shown);
    this.setData({ sending: true, scrollTo: 'typing' });
    api
      .sendMessage(this.sessionId, text, this.data.lang)
      .then((res) => {
        this.keepSession(res.session_id);
        (res.replies || []).forEach((reply) => {
          const said = String(reply.text || '');
          if (said) this.shownBotTexts.push(said);
          this.say('bot', said, cleanButtons(reply.buttons));
        });
        if (res.handoff && this.data.handoff === 'none') this.setHandoff('waiting');
      })
      .catch((err) => {
        const t = this.data.t;
        this.say('system', err.status === 0 ? t.offline : err.status === 429 ? t.busy : t.failed);
      })
      .then(() => this.setData({ sending: false, scrollTo: 'bottom' }));
  },

  say(from, text, buttons) {
    if (!text) return;
    this.setMessages(this.data.messages.concat([{ key: nextKey(), from, text, buttons: buttons || [] }]));
  },

  setMessages(messages) {
    this.setData({ messages, scrollTo: 'bottom' });
  },

  setHandoff(handoff) {
    this.setData({ handoff });
    this.schedulePoll();
  },

  setQueue(handoff, position) {
    const t = this.data.t;
    let waitingText = '';
    if (handoff === 'waiting' && position > 0) {
      waitingText = position === 1 ? t.queueNext : t.queueAhead.replace('{n}', String(position - 1));
    }
    this.setData({ handoff, waitingText });
  },

  // While a person holds the conversation, look for their replies every few seconds.
  schedulePoll() {
    if (this.pollTimer || !this.visible || !this.sessionId || this.data.handoff === 'none') return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.poll().then(() => this.schedulePoll());
    }, getApp().globalData.pollIntervalMs);
  },

  stopPolling() {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  },

  poll() {
    return api
      .fetchMessages(this.sessionId, this.lastId)
      .then((res) => {
        this.keepSession(res.session_id);
        // Two polls can overlap (a slow answer, then onHide/onShow schedules another):
        // what an earlier answer already showed is skipped, so nothing appears twice.
        const found = (res.messages || []).filter((m) => m.id > this.lastId);
        if (found.length) this.lastId = found[found.length - 1].id;
        // The citizen's own messages and the bot's answers to them are already on screen.
        found.forEach((m) => {
          const said = String(m.text || '');
          if (m.sender === 'citizen') return;
          if (m.sender === 'bot') {
            const shown = this.shownBotTexts.indexOf(said);
            if (shown >= 0) this.shownBotTexts.splice(shown, 1);
            else this.say('bot', said, cleanButtons(m.buttons));
            return;
          }
          this.say('agent', said);
        });
        this.setQueue(res.handoff || 'none', res.queue_position);
      })
      .catch((err) => {
        // A session the gateway no longer knows: the next message starts a new one.
        if (err && err.status === 404) {
          this.forgetSession();
          this.setData({ handoff: 'none' });
        }
        // Anything else: a missed poll is retried on the next tick.
      });
  },
});
