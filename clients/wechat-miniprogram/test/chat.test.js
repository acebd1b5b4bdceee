// The chat page (pages/chat) against a fake gateway: what the citizen sees, what is
// sent, and what is kept in storage. See harness.js for how the page is run.

const fs = require('fs');
const path = require('path');
const {
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
} = require('./harness');
const config = require('../config');

const SESSION_KEY = 'hotline_session_id';
const PREFS_KEY = 'hotline_prefs';
const WELCOME = '您好，我是12345市民服务热线智能助手。请问有什么可以帮您？';
const POLL_MS = config.pollIntervalMs;

let gateway;
let storage;
let page;

// Opens the page over a storage holding `stored` (session id, preferences).
async function open(stored) {
  storage = installStorage(stored);
  page = await openChat();
  return page;
}

// WeChat set to `language` (wx.getSystemInfoSync().language) for the page opened next;
// afterEach puts the simulator's own (zh_CN) back.
function wechatLanguage(language) {
  const base = wx.getSystemInfoSync();
  jest.spyOn(wx, 'getSystemInfoSync').mockReturnValue({ ...base, language });
}

async function afterPollInterval() {
  jest.advanceTimersByTime(POLL_MS);
  await settle();
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  gateway = new FakeGateway();
});

afterEach(() => {
  if (page) {
    page.instance.onUnload();
    page.detach();
    page = null;
  }
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('sending', () => {
  test('the first message is posted without a session id, in the chosen language', async () => {
    await open();
    expect(texts(page)).toEqual([WELCOME]);
    expect(gateway.requests).toEqual([]); // nothing to read back on a first visit

    await sendText(page, '  护照怎么办  ');

    expect(gateway.chats).toHaveLength(1);
    const [request] = gateway.chats;
    expect(request.url).toBe(config.apiBase + '/api/v1/miniprogram/chat');
    expect(request.body).toEqual({ text: '护照怎么办', lang: 'zh' });
    expect(request.header).toEqual({ 'Content-Type': 'application/json' });
    expect(request.timeout).toBe(config.requestTimeoutMs);
  });

  test('the session id of each answer is stored and sent with the next message', async () => {
    await open();
    gateway.onChat = () => chatAnswer('mp:first', ['您好']);
    await sendText(page, '你好');
    expect(storage[SESSION_KEY]).toBe('mp:first');

    // The gateway may renew the id: the page keeps the newest one.
    gateway.onChat = () => chatAnswer('mp:renewed', ['请说']);
    await sendText(page, '我要投诉');
    expect(gateway.chats[1].body).toEqual({ session_id: 'mp:first', text: '我要投诉', lang: 'zh' });
    expect(storage[SESSION_KEY]).toBe('mp:renewed');

    await sendText(page, '小区噪音');
    expect(gateway.chats[2].body.session_id).toBe('mp:renewed');
  });

  test('the citizen message and the replies are shown, the draft cleared', async () => {
    await open();
    gateway.onChat = () => chatAnswer('mp:s', ['第一条回复', '第二条回复']);
    await sendText(page, '护照怎么办');

    expect(rows(page).map((r) => [r.from, r.text])).toEqual([
      ['bot', WELCOME],
      ['me', '护照怎么办'],
      ['bot', '第一条回复'],
      ['bot', '第二条回复'],
    ]);
    expect(page.instance.data.draft).toBe('');
    expect(page.instance.data.sending).toBe(false);
    expect(isTyping(page)).toBe(false);
  });

  test('while an answer is awaited a typing bubble shows and a second send waits', async () => {
    await open();
    let answer;
    gateway.onChat = () => new Promise((resolve) => (answer = resolve));
    await sendText(page, '第一条');
    expect(isTyping(page)).toBe(true);

    await sendText(page, '第二条');
    expect(gateway.chats).toHaveLength(1);
    expect(page.instance.data.draft).toBe('第二条'); // not lost: sent once the answer is in

    answer(chatAnswer('mp:s', ['收到']));
    await settle();
    expect(isTyping(page)).toBe(false);
    tap(page, '.send');
    await settle();
    expect(gateway.chats.map((r) => r.body.text)).toEqual(['第一条', '第二条']);
  });

  test('an empty or blank draft is not sent', async () => {
    await open();
    await sendText(page, '   ');
    tap(page, '.send');
    await settle();
    expect(gateway.chats).toHaveLength(0);
    expect(texts(page)).toEqual([WELCOME]);
  });

  test('a returning citizen sees the earlier messages and goes on in the same session', async () => {
    gateway.onMessages = (sessionId, after) =>
      messagesAnswer(sessionId, [
        { id: 11, sender: 'citizen', text: '护照怎么办' },
        { id: 12, sender: 'bot', text: '请带身份证到出入境窗口办理。', buttons: [{ title: '办理地点', payload: '/ask_office' }] },
      ]);
    await open({ [SESSION_KEY]: 'mp:old' });

    expect(gateway.polls).toHaveLength(1);
    expect(gateway.polls[0].path).toBe('/api/v1/miniprogram/chat/mp%3Aold/messages');
    expect(gateway.polls[0].after).toBe('0');
    expect(rows(page).map((r) => [r.from, r.text])).toEqual([
      ['me', '护照怎么办'],
      ['bot', '请带身份证到出入境窗口办理。'],
    ]);
    // Earlier quick replies are not offered again: they belonged to that moment.
    expect(rows(page)[1].buttons).toEqual([]);

    await sendText(page, '要多久');
    expect(gateway.chats[0].body.session_id).toBe('mp:old');
  });

  test('a message typed while the earlier messages load is kept, not dropped', async () => {
    let history;
    gateway.onMessages = () => new Promise((resolve) => (history = resolve));
    await open({ [SESSION_KEY]: 'mp:old' });

    await sendText(page, '我还在等');
    expect(gateway.chats).toHaveLength(0);
    expect(page.instance.data.draft).toBe('我还在等');

    history(messagesAnswer('mp:old', []));
    await settle();
    tap(page, '.send');
    await settle();
    expect(gateway.chats.map((r) => r.body)).toEqual([{ session_id: 'mp:old', text: '我还在等', lang: 'zh' }]);
  });
});

describe('quick replies', () => {
  test('a reply\'s buttons are shown; a tap sends the payload and shows the title', async () => {
    await open();
    gateway.onChat = () =>
      chatAnswer('mp:s', [
        {
          text: '请问您要办理哪项业务？',
          buttons: [
            { title: '护照', payload: '/ask_service{"service": "passport"}' },
            { title: '社保卡', payload: '/ask_service{"service": "social_card"}' },
            { title: '没有负载', payload: '' },
          ],
        },
      ]);
    await sendText(page, '办证');
    expect(rows(page)[2].buttons).toEqual(['护照', '社保卡']); // no payload: nothing to send

    gateway.onChat = () => chatAnswer('mp:s', ['社保卡补办需要身份证。']);
    tap(page, '.choice', 1);
    await settle();

    expect(gateway.chats[1].body).toEqual({
      session_id: 'mp:s',
      text: '/ask_service{"service": "social_card"}',
      lang: 'zh',
    });
    expect(texts(page).slice(-2)).toEqual(['社保卡', '社保卡补办需要身份证。']);
    expect(texts(page)).not.toContain('/ask_service{"service": "social_card"}');
  });
});

describe('hand-off', () => {
  test('转人工 sends /request_human and, while waiting, polls for the agent', async () => {
    await open();
    gateway.onChat = () => chatAnswer('mp:s', ['正在为您转接人工客服。'], true);
    tap(page, '.human');
    await settle();

    expect(gateway.chats[0].body).toEqual({ text: '/request_human', lang: 'zh' });
    expect(texts(page).slice(-2)).toEqual(['转人工', '正在为您转接人工客服。']);
    expect(banner(page)).toBe('正在为您转接人工客服，请稍候…');

    gateway.onMessages = (sessionId) =>
      messagesAnswer(sessionId, [
        { id: 21, sender: 'citizen', text: '/request_human' },
        { id: 22, sender: 'bot', text: '正在为您转接人工客服。' },
      ], 'waiting');
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(1);
    expect(gateway.polls[0].path).toBe('/api/v1/miniprogram/chat/mp%3As/messages');
    expect(gateway.polls[0].after).toBe('0');
    // The citizen's and the bot's messages are already on screen: not shown twice.
    expect(texts(page)).toEqual([WELCOME, '转人工', '正在为您转接人工客服。']);

    await afterPollInterval();
    expect(gateway.polls).toHaveLength(2);
    expect(gateway.polls[1].after).toBe('22');
  });

  test('the banner shows the place in the queue as it changes', async () => {
    gateway.onMessages = (sessionId) => ok({ ...messagesAnswer(sessionId, [], 'waiting').data, queue_position: 3 });
    await open({ [SESSION_KEY]: 'mp:s' });
    expect(banner(page)).toBe('正在为您转接人工客服，您前面还有 2 位');

    gateway.onMessages = (sessionId) => ok({ ...messagesAnswer(sessionId, [], 'waiting').data, queue_position: 1 });
    await afterPollInterval();
    expect(banner(page)).toBe('正在为您转接人工客服，下一位就是您');
  });

  test('an expired request\'s apology and callback button arrive by the poll, once', async () => {
    await open();
    gateway.onChat = () => chatAnswer('mp:s', ['您当前排在第1位，请稍候。'], true);
    tap(page, '.human');
    await settle();
    const apology = '很抱歉，目前人工客服繁忙，暂时无法接入。';
    gateway.onMessages = (sessionId) =>
      messagesAnswer(sessionId, [
        { id: 51, sender: 'citizen', text: '/request_human' },
        { id: 52, sender: 'bot', text: '您当前排在第1位，请稍候。' },
        { id: 53, sender: 'bot', text: apology, buttons: [{ title: '留下电话，请工作人员回电', payload: '/request_callback' }] },
      ], 'none');
    await afterPollInterval();

    expect(texts(page).filter((t) => t === '您当前排在第1位，请稍候。')).toHaveLength(1);
    const last = rows(page)[rows(page).length - 1];
    expect(last.text).toBe(apology);
    expect(last.buttons).toEqual(['留下电话，请工作人员回电']);
    expect(banner(page)).toBe(null);
  });

  test('an agent message appears, labelled, while the agent holds the conversation', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'waiting');
    await open({ [SESSION_KEY]: 'mp:s' });
    expect(banner(page)).toBe('正在为您转接人工客服，请稍候…');

    gateway.onMessages = (sessionId, after) =>
      messagesAnswer(sessionId, [{ id: 31, sender: 'agent', text: '您好，我是客服小王。' }], 'active');
    await afterPollInterval();

    const last = rows(page)[rows(page).length - 1];
    expect(last).toEqual({ from: 'agent', text: '您好，我是客服小王。', label: '人工客服', buttons: [] });
    expect(banner(page)).toBe('人工客服正在为您服务');

    gateway.onMessages = (sessionId, after) => messagesAnswer(sessionId, after >= 31 ? [] : [{ id: 31, sender: 'agent', text: '您好，我是客服小王。' }], 'active');
    await afterPollInterval();
    expect(texts(page).filter((t) => t === '您好，我是客服小王。')).toHaveLength(1);
  });

  test('polling stops when the hand-off is over', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'active');
    await open({ [SESSION_KEY]: 'mp:s' });
    expect(jest.getTimerCount()).toBe(1);

    gateway.onMessages = (sessionId) =>
      messagesAnswer(sessionId, [{ id: 41, sender: 'agent', text: '问题已解决，再见。' }], 'none');
    await afterPollInterval();
    expect(texts(page)).toContain('问题已解决，再见。');
    expect(banner(page)).toBeNull();
    expect(jest.getTimerCount()).toBe(0);

    const polled = gateway.polls.length;
    await afterPollInterval();
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(polled);
  });

  test('no polling without a hand-off', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [{ id: 1, sender: 'bot', text: '您好' }], 'none');
    await open({ [SESSION_KEY]: 'mp:s' });
    await sendText(page, '护照怎么办');
    await afterPollInterval();
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(1); // the history only
    expect(jest.getTimerCount()).toBe(0);
  });

  test('polling pauses while the page is hidden and ends when it is closed', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'waiting');
    await open({ [SESSION_KEY]: 'mp:s' });

    page.instance.onHide();
    await afterPollInterval();
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(1);

    page.instance.onShow();
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(2);

    page.instance.onUnload();
    await afterPollInterval();
    expect(gateway.polls).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('an agent message is shown once even when a slow poll overlaps the next', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'active');
    await open({ [SESSION_KEY]: 'mp:s' });

    // The first poll hangs (a slow network); the citizen leaves and comes back, so a
    // second poll starts before the first has answered.
    const held = [];
    gateway.onMessages = () => new Promise((resolve) => held.push(resolve));
    await afterPollInterval();
    page.instance.onHide();
    page.instance.onShow();
    await afterPollInterval();
    expect(held).toHaveLength(2);

    const agent = messagesAnswer('mp:s', [{ id: 51, sender: 'agent', text: '请提供您的身份证号后四位。' }], 'active');
    held.forEach((resolve) => resolve(agent));
    await settle();
    expect(texts(page).filter((t) => t === '请提供您的身份证号后四位。')).toHaveLength(1);
  });

  test('a 404 while polling forgets the session and stops polling', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'waiting');
    await open({ [SESSION_KEY]: 'mp:s' });

    gateway.onMessages = () => status(404, { error: 'not_found', detail: 'no conversation for this session id here' });
    await afterPollInterval();
    expect(storage[SESSION_KEY]).toBeUndefined();
    expect(banner(page)).toBeNull();
    expect(jest.getTimerCount()).toBe(0);

    await sendText(page, '还在吗');
    expect(gateway.chats[0].body).toEqual({ text: '还在吗', lang: 'zh' });
  });

  test('a failed poll is retried on the next tick', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [], 'waiting');
    await open({ [SESSION_KEY]: 'mp:s' });

    gateway.onMessages = () => networkFailure();
    await afterPollInterval();
    gateway.onMessages = () => status(502, '<html>Bad Gateway</html>');
    await afterPollInterval();
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [{ id: 61, sender: 'agent', text: '让您久等了。' }], 'active');
    await afterPollInterval();

    expect(gateway.polls).toHaveLength(4);
    expect(texts(page)).toContain('让您久等了。');
    expect(storage[SESSION_KEY]).toBe('mp:s');
  });
});

describe('rating', () => {
  // The page has no rating form of its own (the web widget's ★ form posts to
  // /api/v1/feedback): in the mini-program the bot asks for the rating
  // (utter_ask_rating in domain.yml) with quick-reply buttons.
  test('the bot rating buttons send the rating and show the choice', async () => {
    await open();
    gateway.onChat = () =>
      chatAnswer('mp:s', [
        {
          text: '请您为本次服务打分：',
          buttons: [5, 4, 3, 2, 1].map((n) => ({
            title: { 5: '5分 非常满意', 4: '4分 满意', 3: '3分 基本满意', 2: '2分 不满意', 1: '1分 非常不满意' }[n],
            payload: `/give_feedback{"rating": "${n}"}`,
          })),
        },
      ]);
    await sendText(page, '我要评价');
    expect(rows(page)[2].buttons).toHaveLength(5);

    gateway.onChat = () => chatAnswer('mp:s', ['感谢您的评价，我们会继续改进。']);
    tap(page, '.choice', 0);
    await settle();

    expect(gateway.chats[1].body).toEqual({ session_id: 'mp:s', text: '/give_feedback{"rating": "5"}', lang: 'zh' });
    expect(texts(page).slice(-2)).toEqual(['5分 非常满意', '感谢您的评价，我们会继续改进。']);
  });
});

describe('elderly mode', () => {
  function bubbleFontSize() {
    return window.getComputedStyle(page.dom.querySelector('.main--bubble')).fontSize;
  }

  test('the large-text toggle enlarges the conversation and is remembered', async () => {
    await open();
    const pageNode = page.dom.querySelector('.main--page');
    const normal = bubbleFontSize();
    expect(pageNode.classList.contains('main--large')).toBe(false);

    tap(page, '.tool', 1);
    await settle();
    expect(pageNode.classList.contains('main--large')).toBe(true);
    expect(page.dom.querySelectorAll('.main--tool')[1].classList.contains('main--on')).toBe(true);
    // chat.wxss's `.large .bubble { font-size: 44rpx }`, compiled by the simulator;
    // without it the bubble has no size of its own (app.wxss's 32rpx base applies).
    expect(normal).toBe('');
    expect(bubbleFontSize()).toBe('44px');
    expect(storage[PREFS_KEY]).toEqual({ lang: 'zh', largeText: true });

    tap(page, '.tool', 1);
    await settle();
    expect(pageNode.classList.contains('main--large')).toBe(false);
    expect(bubbleFontSize()).toBe(normal);
    expect(storage[PREFS_KEY]).toEqual({ lang: 'zh', largeText: false });
  });

  test('large text chosen earlier is applied on opening', async () => {
    await open({ [PREFS_KEY]: { lang: 'zh', largeText: true } });
    expect(page.dom.querySelector('.main--page').classList.contains('main--large')).toBe(true);
  });
});

describe('language', () => {
  test('the 中/EN switch changes the page texts, is remembered and is sent', async () => {
    await open();
    tap(page, '.tool', 0);
    await settle();

    const buttons = Array.from(page.dom.querySelectorAll('.main--toolbar wx-button')).map((b) => b.textContent);
    expect(buttons).toEqual(['中', 'Large', 'Agent']);
    expect(page.dom.querySelector('.main--send').textContent).toBe('Send');
    expect(page.instance.data.t.placeholder).toBe('Type your question');
    expect(storage[PREFS_KEY]).toEqual({ lang: 'en', largeText: false });

    await sendText(page, 'passport');
    expect(gateway.chats[0].body).toEqual({ text: 'passport', lang: 'en' });
  });

  test('English chosen earlier greets in English', async () => {
    await open({ [PREFS_KEY]: { lang: 'en', largeText: false } });
    expect(texts(page)).toEqual(['Hello, I am the 12345 hotline assistant. How can I help you?']);
  });

  test('a first visit in a WeChat set to English starts in English and sends en', async () => {
    wechatLanguage('en');
    await open();
    expect(texts(page)).toEqual(['Hello, I am the 12345 hotline assistant. How can I help you?']);
    expect(page.dom.querySelector('.main--send').textContent).toBe('Send');
    await sendText(page, 'ok');
    expect(gateway.chats[0].body).toEqual({ text: 'ok', lang: 'en' });
  });

  test('a first visit in a WeChat set to traditional Chinese starts in Chinese', async () => {
    wechatLanguage('zh_TW');
    await open();
    expect(texts(page)).toEqual([WELCOME]);
  });

  test("Chinese chosen earlier wins over WeChat's language", async () => {
    wechatLanguage('en');
    await open({ [PREFS_KEY]: { lang: 'zh', largeText: false } });
    expect(texts(page)).toEqual([WELCOME]);
  });
});

describe('errors', () => {
  test('a network failure says so politely and the next message can be sent', async () => {
    await open();
    gateway.onChat = () => networkFailure('request:fail timeout');
    await sendText(page, '护照怎么办');

    expect(rows(page).pop()).toMatchObject({ from: 'system', text: '网络不太好，消息没有发出，请稍后再试。' });
    expect(page.instance.data.sending).toBe(false);

    gateway.onChat = () => chatAnswer('mp:s', ['请带身份证办理。']);
    await sendText(page, '护照怎么办');
    expect(texts(page).pop()).toBe('请带身份证办理。');
  });

  test.each([
    [500, { error: 'internal_error', detail: 'Traceback (most recent call last)' }],
    [502, '<html><body>502 Bad Gateway</body></html>'],
    [503, ''],
    [400, { error: 'bad_request', detail: 'session ids starting with wx: are WeChat own' }],
    [422, { error: 'invalid_request', detail: 'text: ensure this value has at most 2000 characters' }],
  ])('a %i answer gives a polite message and no server detail', async (code, body) => {
    await open();
    gateway.onChat = () => status(code, body);
    await sendText(page, '护照怎么办');

    expect(rows(page).pop()).toMatchObject({ from: 'system', text: '系统暂时繁忙，请稍后再试，或直接拨打12345。' });
    expect(page.dom.textContent).not.toMatch(/Traceback|Bad Gateway|wx:|characters|error/);
    expect(page.instance.data.sending).toBe(false);
  });

  test('a 429 asks the citizen to slow down', async () => {
    await open();
    gateway.onChat = () => status(429, { error: 'too_many_requests', detail: 'too many messages' });
    await sendText(page, '护照怎么办');
    expect(texts(page).pop()).toBe('您发送得太快了，请稍等一会儿再试。');
  });

  test('an answer of the wrong shape shows nothing odd and breaks nothing', async () => {
    await open();
    gateway.onChat = () => ({ statusCode: 200, data: 'OK' });
    await sendText(page, '你好');
    gateway.onChat = () => ({ statusCode: 200, data: null });
    await sendText(page, '你好');
    gateway.onChat = () => chatAnswer('mp:s', [{ text: null, buttons: null }, { text: 42 }]);
    await sendText(page, '你好');

    expect(page.instance.data.sending).toBe(false);
    expect(texts(page)).not.toContain('undefined');
    expect(texts(page)).not.toContain('null');
    expect(texts(page)).toContain('42');
  });

  test('a 404 on the history forgets the stored session and starts afresh', async () => {
    gateway.onMessages = () => status(404, { error: 'not_found', detail: 'no conversation for this session id here' });
    await open({ [SESSION_KEY]: 'mp:expired' });

    expect(storage[SESSION_KEY]).toBeUndefined();
    expect(texts(page)).toEqual([WELCOME]);

    gateway.onChat = () => chatAnswer('mp:fresh', ['您好']);
    await sendText(page, '你好');
    expect(gateway.chats[0].body).toEqual({ text: '你好', lang: 'zh' });
    expect(storage[SESSION_KEY]).toBe('mp:fresh');
  });

  test('a network failure on the history keeps the session for the next message', async () => {
    gateway.onMessages = () => networkFailure('request:fail');
    await open({ [SESSION_KEY]: 'mp:s' });

    expect(storage[SESSION_KEY]).toBe('mp:s');
    expect(rows(page).map((r) => r.from)).toEqual(['bot', 'system']);
    await sendText(page, '你好');
    expect(gateway.chats[0].body.session_id).toBe('mp:s');
  });
});

describe('plain text only', () => {
  const HOSTILE = '<b>加粗</b><img src="x" onerror="alert(1)"><a href="https://evil.example">点我</a>';

  test('markup in bot, agent and button texts is shown as text, never rendered', async () => {
    gateway.onMessages = (sessionId) => messagesAnswer(sessionId, [{ id: 1, sender: 'agent', text: HOSTILE }], 'none');
    await open({ [SESSION_KEY]: 'mp:s' });
    gateway.onChat = () => chatAnswer('mp:s', [{ text: HOSTILE, buttons: [{ title: '<i>按钮</i>', payload: '/x' }] }]);
    await sendText(page, '你好');

    expect(texts(page).filter((t) => t === HOSTILE)).toHaveLength(2);
    expect(rows(page).pop().buttons).toEqual(['<i>按钮</i>']);
    expect(page.dom.querySelectorAll('b, i, img, a, wx-rich-text')).toHaveLength(0);
  });

  test('the template has no rich-text or HTML output', () => {
    const wxml = fs.readFileSync(path.join(__dirname, '../pages/chat/chat.wxml'), 'utf8');
    expect(wxml).not.toMatch(/rich-text|\bnodes=|web-view|towxml|wxParse/);
  });
});
