/*
 * 12345 citizen hotline chat widget. Plain JavaScript, no build step, no dependencies.
 *
 * Embed with one tag:  <script src="https://HOST/widget.js" defer></script>
 * It loads widget.css from the same origin, adds a launcher button and a chat panel, and
 * talks to the gateway at that origin (POST /api/v1/chat).
 *
 * What the server writes into the conversation besides the answers to this page's
 * messages (an agent's replies, the centre's notices about the citizen's work order:
 * dispatched, signed, completed with the 回访 question) is read with the same poll of
 * GET /api/v1/chat/{session}/messages: every 2 s while an agent is involved, and once
 * when the citizen comes back (the page loads, the panel opens) and after each answer.
 *
 * The gateway issues the session: the first message goes without one, and the
 * ``session_id`` of every answer (the chat's and the poll's: new, or renewed) is kept in
 * place of the one sent. A session the gateway does not know (one this widget made
 * itself before, or one expired) is forgotten when a poll gets 404, and the next
 * message starts a new one.
 *
 * Security: message text is only ever put into the page with textContent / text nodes.
 * Numbered lines become <ol>, URLs become links, both built with DOM calls — never innerHTML.
 */
(function () {
  "use strict";

  if (window.HotlineWidget) return; // embedded twice: keep the first

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var BASE = new URL(script ? script.src : "/", window.location.href).origin;
  var STORE_KEY = "hotline-widget:v1";
  var POLL_MS = 2000;
  var MAX_ITEMS = 150;
  var MAX_CHARS = 2000;
  var HUMAN_PAYLOAD = "/request_human";
  var SVG_NS = "http://www.w3.org/2000/svg";

  var TEXT = {
    zh: {
      launcher: "在线咨询",
      unread: "有新消息",
      title: "12345 智能客服",
      subtitle: "上海市民服务热线",
      close: "关闭对话窗口",
      language: "界面语言",
      elderly: "长者模式",
      log: "对话记录",
      you: "您",
      bot: "智能助手",
      agent: "人工客服",
      welcome: "您好！我是12345市民服务热线智能助手。您可以问我办事指南、所需材料、办理进度，也可以直接反映问题。",
      suggestions: ["居住证怎么办", "公积金怎么提取", "我要反映噪音问题"],
      tryAsking: "您可以这样问",
      quick: "快捷回复",
      typing: "智能助手正在输入",
      inputLabel: "输入您的问题",
      placeholder: "请输入您的问题",
      send: "发送",
      human: "转人工",
      humanBusy: "已转人工",
      end: "结束并评价",
      restart: "开始新的咨询",
      rateTitle: "请为本次服务评分",
      rateHint: "1星非常不满意，5星非常满意",
      star: function (n) { return n + " 星"; },
      comment: "意见建议（选填）",
      submitRating: "提交评价",
      cancel: "取消",
      pickRating: "请先选择星级。",
      thanks: "感谢您的评价！我们会根据您的意见持续改进服务。如需继续咨询，请点击“开始新的咨询”。",
      agentJoined: "人工客服已接入，请直接在下方输入您的问题。",
      handoffEnded: "人工服务已结束，智能助手将继续为您服务。",
      queueAhead: function (n) { return n > 0 ? "正在为您转接人工客服，您前面还有 " + n + " 位" : "正在为您转接人工客服，下一位就是您"; },
      stopWaiting: "不等了，返回智能客服",
      tooMany: "您发送得有点快，请稍等片刻再试。",
      invalid: "这条消息太长或无法识别，请修改后再发送。",
      server: "系统暂时繁忙，请稍后再试，或直接拨打12345热线。",
      network: "网络连接不稳定，消息未能发出，请稍后重试。",
      ratingFailed: "评价提交失败，请稍后再试。",
      read: "朗读",
      readLabel: "朗读这条回复",
      readStop: "停止",
      readStopLabel: "停止朗读",
      linkSpoken: "（网址请看屏幕上的链接）",
      autoRead: "自动朗读新回复",
      next: "下一步",
      showAll: "全部显示",
      stepsNav: "分步查看",
      stepsCount: function (shown, total) { return "已显示 " + shown + " 项，共 " + total + " 项"; },
      stepsShown: function (a, b, total) { return (a === b ? "第" + a + "项" : "第" + a + "至" + b + "项") + "，共" + total + "项"; },
    },
    en: {
      launcher: "Chat with us",
      unread: "New message",
      title: "12345 Assistant",
      subtitle: "Shanghai hotline",
      close: "Close the chat",
      language: "Language",
      elderly: "Large text",
      log: "Conversation",
      you: "You",
      bot: "Assistant",
      agent: "Agent",
      welcome: "Hello! I am the Shanghai 12345 hotline assistant. Ask me how to get something done, which documents you need, or report a problem.",
      suggestions: ["How do I apply for a passport?", "Residence permit documents", "Report a noise problem"],
      tryAsking: "Try asking",
      quick: "Quick replies",
      typing: "The assistant is typing",
      inputLabel: "Type your question",
      placeholder: "Type your question",
      send: "Send",
      human: "Talk to a person",
      humanBusy: "With an agent",
      end: "End and rate",
      restart: "New conversation",
      rateTitle: "How did we do?",
      rateHint: "1 star: very dissatisfied, 5 stars: very satisfied",
      star: function (n) { return n === 1 ? "1 star" : n + " stars"; },
      comment: "Comments (optional)",
      submitRating: "Submit rating",
      cancel: "Cancel",
      pickRating: "Please choose a rating first.",
      thanks: "Thank you for your feedback! It helps us improve. To ask something else, choose \u201cNew conversation\u201d.",
      agentJoined: "A hotline agent has joined. Please type your question below.",
      handoffEnded: "The agent has finished; the assistant will carry on helping you.",
      queueAhead: function (n) { return n > 0 ? "Connecting you to a person: " + n + (n === 1 ? " person is" : " people are") + " ahead of you" : "Connecting you to a person: you are next"; },
      stopWaiting: "Stop waiting",
      tooMany: "You are sending messages a little fast. Please wait a moment and try again.",
      invalid: "That message is too long or could not be read. Please edit it and send it again.",
      server: "The service is busy right now. Please try again shortly, or call 12345.",
      network: "The connection dropped and your message was not sent. Please try again.",
      ratingFailed: "Your rating could not be sent. Please try again later.",
      read: "Read aloud",
      readLabel: "Read aloud this reply",
      readStop: "Stop",
      readStopLabel: "Stop reading",
      linkSpoken: " (the link is on the screen) ",
      autoRead: "Read new replies aloud",
      next: "Next",
      showAll: "Show all",
      stepsNav: "Step by step",
      stepsCount: function (shown, total) { return "Showing " + shown + " of " + total; },
      stepsShown: function (a, b, total) { return (a === b ? "Item " + a : "Items " + a + " to " + b) + " of " + total; },
    },
  };

  // ---------------------------------------------------------------- state

  /**
   * The interface a first visit starts in: the first of the browser's languages the
   * widget speaks (a French visitor who also reads English gets English), else Chinese.
   * What the citizen writes decides the replies' language anyway (the gateway's
   * understanding.language); this sets the texts and the language of "ok" or a number.
   */
  function browserLanguage() {
    var nav = window.navigator || {};
    var wanted = nav.languages && nav.languages.length ? nav.languages : [nav.language];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase();
      if (code === "zh" || code.indexOf("zh-") === 0) return "zh";
      if (code === "en" || code.indexOf("en-") === 0) return "en";
    }
    return "zh";
  }

  function freshState(previous) {
    return {
      sessionId: null, // issued by the gateway with the answer to the first message
      lang: previous ? previous.lang : browserLanguage(),
      elderly: previous ? previous.elderly : false,
      autoRead: previous ? !!previous.autoRead : false, // elderly mode reads new replies only if asked
      open: previous ? previous.open : false,
      items: [],
      lastId: 0,
      handoff: false,
      handoffSeen: false,
      agentJoined: false,
      ended: false,
      // Bot items shown from a chat answer carry ``echo`` until the poll has met their
      // stored copy: that copy is not shown twice. v2: items are marked so.
      v: 2,
    };
  }

  var returning = false; // a conversation kept from an earlier visit

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && (typeof saved.sessionId === "string" || saved.sessionId === null) && Array.isArray(saved.items)) {
        if (saved.v !== 2) {
          // Kept before items were marked: every bot item may still be unmatched.
          saved.items.forEach(function (item) { if (item.who === "bot") item.echo = true; });
          saved.v = 2;
        }
        returning = true;
        return Object.assign(freshState(), saved);
      }
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
    return freshState();
  }

  function save() {
    if (state.items.length > MAX_ITEMS) state.items = state.items.slice(-MAX_ITEMS);
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  var state = load();
  var busy = false;
  var pollTimer = null;
  var polling = false;
  var t = function (key) { return TEXT[state.lang][key]; };

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // Icons are fixed path data written here, never message text.
  function icon(paths, size) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size || 22));
    svg.setAttribute("height", String(size || 22));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }
  var ICON_CHAT = ["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"];
  var ICON_CLOSE = ["M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"];
  var ICON_SEND = ["M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z"];
  var ICON_BOT = ["M11 2h2v3h4a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3V8a3 3 0 0 1 3-3h4zM8.5 10.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM8 16h8v1.5H8z"];
  var ICON_AGENT = ["M12 2a7 7 0 0 0-7 7v3a2 2 0 0 0 2 2h1v-6H7a5 5 0 0 1 10 0h-1v6h1v1a2 2 0 0 1-2 2h-2v2h2a4 4 0 0 0 4-4v-1.3A2 2 0 0 0 19 12V9a7 7 0 0 0-7-7z"];

  var URL_PATTERN = /https?:\/\/[^\s<>"'\u201c\u201d\u2018\u2019\uff08\uff09()\uff0c\u3002\uff1b\u3001\uff01\uff1f\u300a\u300b]+/g;
  var NUMBERED_LINE = /^\s*(\d{1,3})\.\s+(.*)$/;

  /** Append ``text`` to ``parent`` as text nodes, with http(s) URLs as safe links. */
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?]+$/, "");
      var parsed = null;
      try { parsed = new URL(url); } catch (e) { parsed = null; }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return match;
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = parsed.href;
      link.textContent = url;
      link.rel = "noopener";
      link.target = "_blank";
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Paragraphs, with runs of "1. ", "2. " lines as an ordered list. */
  function renderText(parent, text) {
    var paragraph = null;
    var list = null;
    String(text).split(/\r?\n/).forEach(function (line) {
      var numbered = NUMBERED_LINE.exec(line);
      if (numbered) {
        if (!list) {
          list = h("ol", { class: "hw-list" });
          if (numbered[1] !== "1") list.start = Number(numbered[1]);
          parent.appendChild(list);
        }
        var item = document.createElement("li");
        appendLinkified(item, numbered[2]);
        list.appendChild(item);
        paragraph = null;
        return;
      }
      list = null;
      if (!line.trim()) { paragraph = null; return; }
      if (paragraph) paragraph.appendChild(document.createElement("br"));
      else { paragraph = h("p"); parent.appendChild(paragraph); }
      appendLinkified(paragraph, line);
    });
  }

  // ---------------------------------------------------------------- build the widget

  var root = h("div", { id: "hotline-widget", class: "hw-root" });
  var launcherText = h("span", { class: "hw-launcher-text" });
  var launcher = h("button", {
    type: "button", class: "hw-launcher", "aria-expanded": "false", "aria-controls": "hw-panel",
    onclick: function () { openPanel(true); },
  }, [icon(ICON_CHAT, 26), launcherText, h("span", { class: "hw-badge", "aria-hidden": "true" })]);

  var titleText = h("h2", { id: "hw-title", class: "hw-title" });
  var subtitleText = h("p", { class: "hw-subtitle" });
  var langGroup = h("div", { class: "hw-lang", role: "group" });
  var langButtons = { zh: null, en: null };
  [["zh", "中", "zh-CN"], ["en", "EN", "en"]].forEach(function (spec) {
    var button = h("button", {
      type: "button", class: "hw-lang-btn", lang: spec[2], text: spec[1],
      onclick: function () { setLanguage(spec[0]); },
    });
    langButtons[spec[0]] = button;
    langGroup.appendChild(button);
  });
  var elderlyButton = h("button", { type: "button", class: "hw-tool hw-elderly-btn", onclick: function () { setElderly(!state.elderly); } });
  var closeButton = h("button", { type: "button", class: "hw-tool hw-close", onclick: function () { closePanel(true); } }, [icon(ICON_CLOSE, 22)]);

  var header = h("div", { class: "hw-header" }, [
    h("div", { class: "hw-brand" }, [
      h("span", { class: "hw-emblem", "aria-hidden": "true", text: "12345" }),
      h("div", { class: "hw-heading" }, [titleText, subtitleText]),
    ]),
    h("div", { class: "hw-tools" }, [langGroup, elderlyButton, closeButton]),
  ]);

  var log = h("div", { class: "hw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });

  var typing = h("div", { class: "hw-row hw-row-bot hw-typing", role: "status" }, [
    h("span", { class: "hw-avatar", "aria-hidden": "true" }, [icon(ICON_BOT, 20)]),
    h("div", { class: "hw-bubble" }, [
      h("span", { class: "hw-dot", "aria-hidden": "true" }),
      h("span", { class: "hw-dot", "aria-hidden": "true" }),
      h("span", { class: "hw-dot", "aria-hidden": "true" }),
      h("span", { class: "hw-sr hw-typing-label" }),
    ]),
  ]);

  var humanButton = h("button", { type: "button", class: "hw-action hw-human", onclick: function () { requestHuman(); } });
  var endButton = h("button", { type: "button", class: "hw-action hw-end", onclick: function () { state.ended ? restart() : showRating(); } });
  var actions = h("div", { class: "hw-actions" }, [humanButton, endButton]);

  // Satisfaction rating: native radios, so arrow keys and screen readers just work.
  var ratingTitle = h("h3", { id: "hw-rating-title", class: "hw-rating-title" });
  var ratingHint = h("p", { class: "hw-rating-hint" });
  var stars = h("div", { class: "hw-stars" });
  var starInputs = [];
  var starLabels = [];
  for (var n = 1; n <= 5; n++) {
    (function (value) {
      var input = h("input", { type: "radio", name: "hw-rating", id: "hw-star-" + value, value: String(value), class: "hw-star-input", onchange: paintStars });
      var label = h("label", { for: "hw-star-" + value, class: "hw-star" }, [
        h("span", { "aria-hidden": "true", text: "\u2605" }),
        h("span", { class: "hw-sr" }),
      ]);
      starInputs.push(input);
      starLabels.push(label);
      stars.appendChild(input);
      stars.appendChild(label);
    })(n);
  }
  var ratingLegend = h("legend", { class: "hw-sr" });
  var commentLabel = h("label", { for: "hw-comment", class: "hw-comment-label" });
  var comment = h("textarea", { id: "hw-comment", class: "hw-comment", rows: "2", maxlength: String(MAX_CHARS) });
  var ratingError = h("p", { class: "hw-rating-error", role: "alert" });
  var submitRating = h("button", { type: "submit", class: "hw-primary" });
  var cancelRating = h("button", { type: "button", class: "hw-secondary", onclick: function () { hideRating(true); } });
  var ratingForm = h("form", { class: "hw-rating", hidden: true, "aria-labelledby": "hw-rating-title", onsubmit: sendRating }, [
    ratingTitle, ratingHint,
    h("fieldset", { class: "hw-fieldset" }, [ratingLegend, stars]),
    commentLabel, comment, ratingError,
    h("div", { class: "hw-rating-buttons" }, [submitRating, cancelRating]),
  ]);

  var inputLabel = h("label", { for: "hw-input", class: "hw-sr" });
  var input = h("textarea", { id: "hw-input", class: "hw-input", rows: "1", maxlength: String(MAX_CHARS), autocomplete: "off" });
  var sendButton = h("button", { type: "submit", class: "hw-send" }, [icon(ICON_SEND, 22), h("span", { class: "hw-send-text" })]);
  var composer = h("form", { class: "hw-composer", onsubmit: onSubmit }, [inputLabel, input, sendButton]);

  var panel = h("div", {
    id: "hw-panel", class: "hw-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "hw-title", hidden: true,
  }, [header, log, ratingForm, actions, composer]);

  root.appendChild(launcher);
  root.appendChild(panel);

  // ---------------------------------------------------------------- waiting for a person
  //
  // While the request for a person waits, a bar above the actions says how many are
  // ahead (each poll's queue_position), politely to screen readers, with the way back to
  // the assistant; it goes when an agent takes the conversation or the request ends.
  var CANCEL_PAYLOAD = "/cancel_handoff";
  var queuePosition = null; // 1 = next; null: not waiting
  var queueText = h("span", { class: "hw-queue-text", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  var stopWaitingButton = h("button", {
    type: "button", class: "hw-secondary hw-stop-waiting",
    onclick: function () { send(CANCEL_PAYLOAD, t("stopWaiting")); input.focus(); },
  });
  // The bar stays in the page, only out of sight while nobody waits: a live region
  // that appears with its first words is not announced by every screen reader.
  var queueBar = h("div", { class: "hw-queue hw-queue-idle" }, [queueText, stopWaitingButton]);
  panel.insertBefore(queueBar, actions);

  function renderQueue() {
    var position = state.handoff && !state.agentJoined ? queuePosition : null;
    queueBar.classList.toggle("hw-queue-idle", !position);
    stopWaitingButton.hidden = !position;
    stopWaitingButton.textContent = t("stopWaiting");
    var text = position ? t("queueAhead")(position - 1) : "";
    if (queueText.textContent !== text) queueText.textContent = text; // re-read only when it changes
  }

  // ---------------------------------------------------------------- elderly mode: read aloud, guides in steps
  //
  // Live regions, one convention for the whole widget, all polite: the log (role=log)
  // announces new messages; the queue bar's text (role=status) the queue position;
  // anything else worth hearing that is not a message (a guide's position) goes through
  // announce(), a role=status region of its own. Nothing in the widget is assertive
  // except the rating form's error (role=alert).

  // A loudspeaker: fixed path data, like the other icons.
  var ICON_SPEAKER = ["M3 9v6h4l5 4V5L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"];

  var announcer = h("div", { class: "hw-sr hw-announcer", role: "status", "aria-live": "polite", "aria-atomic": "true" });

  /** Tell screen readers ``text`` politely (cleared first, so the same words are re-read). */
  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // Read aloud: only where the browser can speak; otherwise no button is drawn at all.
  var speech = window.speechSynthesis && typeof window.SpeechSynthesisUtterance === "function" ? window.speechSynthesis : null;
  var speaking = null; // { button, utterance }: the reply being read now
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;
  var LATIN = /[A-Za-z]/g;

  /** The text as spoken: web addresses are pointed at, not spelled out letter by letter. */
  function spokenText(text, lang) {
    return String(text).replace(URL_PATTERN, TEXT[lang].linkSpoken);
  }

  /** "zh" or "en" by what the text is written in (English answers name Chinese sources). */
  function textLanguage(text) {
    var cjk = (text.match(CJK) || []).length;
    var latin = (text.match(LATIN) || []).length;
    return cjk * 3 >= latin ? "zh" : "en";
  }

  function voiceFor(lang) {
    var wanted = lang === "zh" ? "zh-cn" : "en-us";
    var voices = speech.getVoices ? speech.getVoices() || [] : [];
    var near = null;
    for (var i = 0; i < voices.length; i++) {
      var code = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (code === wanted) return voices[i];
      if (!near && code.indexOf(lang) === 0) near = voices[i];
    }
    return near;
  }

  function paintReadButton(button, on) {
    button.classList.toggle("hw-reading", on);
    button.querySelector(".hw-read-text").textContent = t(on ? "readStop" : "read");
    // The name says what the press does, and begins with the words shown (WCAG 2.5.3).
    button.setAttribute("aria-label", t(on ? "readStopLabel" : "readLabel"));
  }

  /**
   * Speak ``text``; ``queued`` (replies read as they come) waits for what is being read,
   * a press on a button interrupts it.
   */
  function speak(text, button, queued) {
    if (!speech) return;
    if (!queued) stopSpeaking();
    var lang = textLanguage(String(text).replace(URL_PATTERN, " "));
    var spoken = spokenText(text, lang);
    var utterance = new window.SpeechSynthesisUtterance(spoken);
    utterance.lang = lang === "zh" ? "zh-CN" : "en-US";
    var voice = voiceFor(lang);
    if (voice) utterance.voice = voice;
    if (state.elderly) utterance.rate = 0.9;
    var current = { button: button, utterance: utterance };
    utterance.onstart = function () {
      speaking = current;
      if (button) paintReadButton(button, true);
    };
    utterance.onend = utterance.onerror = function () {
      if (speaking === current) speaking = null;
      if (button) paintReadButton(button, false);
    };
    if (!queued) {
      speaking = current;
      if (button) paintReadButton(button, true);
    }
    speech.speak(utterance);
  }

  function stopSpeaking() {
    if (!speech) return;
    var was = speaking;
    speaking = null;
    if (was && was.button) paintReadButton(was.button, false);
    speech.cancel();
  }

  /** The "朗读" button under a reply: reads it, and stops it on a second press. */
  function readButton(text) {
    if (!speech) return null;
    var button = h("button", { type: "button", class: "hw-read" }, [
      icon(ICON_SPEAKER, 18), h("span", { class: "hw-read-text" }),
    ]);
    button.addEventListener("click", function () {
      if (speaking && speaking.button === button) stopSpeaking();
      else speak(text, button, false);
    });
    paintReadButton(button, false);
    return button;
  }

  /** New replies read as they arrive: only in elderly mode, only when the citizen asked. */
  function readOnArrival(item, row) {
    if (!speech || !state.elderly || !state.autoRead) return;
    if (item.who !== "bot" && item.who !== "agent") return;
    speak(item.text, row.querySelector(".hw-read"), true);
  }

  var autoReadButton = h("button", {
    type: "button", class: "hw-auto-read",
    onclick: function () {
      state.autoRead = !state.autoRead;
      save();
      applyElderlyTexts();
      if (!state.autoRead) stopSpeaking();
    },
  }, [icon(ICON_SPEAKER, 20), h("span", { class: "hw-auto-read-text" })]);
  var elderlyBar = h("div", { class: "hw-elderly-bar" }, [autoReadButton]);
  panel.insertBefore(elderlyBar, log);
  panel.appendChild(announcer);

  function applyElderlyTexts() {
    elderlyBar.hidden = !speech || !state.elderly;
    autoReadButton.querySelector(".hw-auto-read-text").textContent = t("autoRead");
    autoReadButton.setAttribute("aria-pressed", String(!!state.autoRead));
    Array.prototype.forEach.call(log.querySelectorAll(".hw-read"), function (button) {
      paintReadButton(button, !!speaking && speaking.button === button);
    });
  }

  // Guides in steps. A guide's answer carries its steps or materials as "1. …" lines,
  // often under a lead line such as "办理步骤：" or "…需要准备以下材料：" (Rasa sends each
  // paragraph of an answer as a message of its own, so the list is often a message by
  // itself, but an agent's or a stored answer may hold the whole guide). In elderly mode
  // a list longer than STEP_CHUNK is shown first, STEP_CHUNK items at a time; the rest of
  // the message follows once every item is shown, or at once with "全部显示".

  var STEP_CHUNK = 3;
  var guideCount = 0;

  /**
   * The message's first list longer than STEP_CHUNK, as { lead, items, start, before,
   * after } (lead: the lines just above it in its paragraph; before/after: the rest of
   * the text), or null when the message has none.
   */
  function splitGuide(text) {
    var lines = String(text).split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      if (!NUMBERED_LINE.test(lines[i])) continue;
      var end = i;
      while (end < lines.length && NUMBERED_LINE.test(lines[end])) end++;
      if (end - i > STEP_CHUNK) {
        var leadStart = i;
        while (leadStart > 0 && lines[leadStart - 1].trim() && !NUMBERED_LINE.test(lines[leadStart - 1])) leadStart--;
        return {
          before: lines.slice(0, leadStart).join("\n").trim(),
          lead: lines.slice(leadStart, i).join("\n").trim(),
          start: Number(NUMBERED_LINE.exec(lines[i])[1]),
          items: lines.slice(i, end).map(function (line) { return NUMBERED_LINE.exec(line)[2]; }),
          after: lines.slice(end).join("\n").trim(),
        };
      }
      i = end;
    }
    return null;
  }

  /** Draw ``text`` as a guide in steps into ``parent``; false when it is not a long guide. */
  function renderGuide(parent, text) {
    var guide = splitGuide(text);
    if (!guide) return false;
    var id = "hw-guide-" + (++guideCount);
    var box = h("div", { class: "hw-guide" });
    if (guide.lead) renderText(box, guide.lead);
    var list = h("ol", { id: id, class: "hw-list hw-steps" });
    if (guide.start !== 1) list.start = guide.start;
    var items = guide.items.map(function (text, i) {
      var li = h("li", { tabindex: "-1", hidden: i >= STEP_CHUNK });
      appendLinkified(li, text);
      list.appendChild(li);
      return li;
    });
    box.appendChild(list);
    var rest = null;
    if (guide.before || guide.after) {
      rest = h("div", { class: "hw-guide-rest", hidden: true });
      renderText(rest, [guide.before, guide.after].filter(Boolean).join("\n\n"));
      box.appendChild(rest);
    }
    var shown = Math.min(STEP_CHUNK, items.length);
    var count = h("p", { class: "hw-steps-count" });
    var next = h("button", { type: "button", class: "hw-steps-next", "aria-controls": id, text: t("next") });
    var all = h("button", { type: "button", class: "hw-steps-all", "aria-controls": id, text: t("showAll") });
    var nav = h("div", { class: "hw-steps-nav", role: "group", "aria-label": t("stepsNav") }, [count, next, all]);
    box.appendChild(nav);

    function reveal(upTo) {
      var first = shown;
      shown = Math.min(upTo, items.length);
      for (var i = first; i < shown; i++) items[i].hidden = false;
      var done = shown >= items.length;
      if (done) {
        if (rest) rest.hidden = false;
        nav.hidden = true;
        if (items[first]) items[first].focus(); // the buttons are gone: keep the place
      }
      paintCount();
      announce(t("stepsShown")(guide.start + first, guide.start + shown - 1, items.length));
    }
    function paintCount() { count.textContent = t("stepsCount")(shown, items.length); }
    next.addEventListener("click", function () { reveal(shown + STEP_CHUNK); });
    all.addEventListener("click", function () { reveal(items.length); });
    paintCount();
    parent.appendChild(box);
    return true;
  }

  // ---------------------------------------------------------------- rendering

  function applyTexts() {
    var zh = state.lang === "zh";
    root.setAttribute("lang", zh ? "zh-CN" : "en");
    root.classList.toggle("hw-elderly", !!state.elderly);
    launcherText.textContent = t("launcher");
    titleText.textContent = t("title");
    subtitleText.textContent = t("subtitle");
    langGroup.setAttribute("aria-label", t("language"));
    langButtons.zh.setAttribute("aria-pressed", String(zh));
    langButtons.en.setAttribute("aria-pressed", String(!zh));
    langButtons.zh.setAttribute("aria-label", "中文");
    langButtons.en.setAttribute("aria-label", "EN English"); // the name holds what is shown (WCAG 2.5.3)
    elderlyButton.textContent = t("elderly");
    elderlyButton.setAttribute("aria-pressed", String(!!state.elderly));
    closeButton.setAttribute("aria-label", t("close"));
    closeButton.setAttribute("title", t("close"));
    log.setAttribute("aria-label", t("log"));
    typing.querySelector(".hw-typing-label").textContent = t("typing");
    humanButton.textContent = state.handoff ? t("humanBusy") : t("human");
    humanButton.disabled = !!state.handoff;
    endButton.textContent = state.ended ? t("restart") : t("end");
    inputLabel.textContent = t("inputLabel");
    input.placeholder = t("placeholder");
    sendButton.setAttribute("aria-label", t("send"));
    sendButton.querySelector(".hw-send-text").textContent = t("send");
    ratingTitle.textContent = t("rateTitle");
    ratingHint.textContent = t("rateHint");
    ratingLegend.textContent = t("rateTitle");
    starLabels.forEach(function (label, i) { label.querySelector(".hw-sr").textContent = t("star")(i + 1); });
    commentLabel.textContent = t("comment");
    submitRating.textContent = t("submitRating");
    cancelRating.textContent = t("cancel");
    applyElderlyTexts();
    renderQueue();
  }

  function senderName(who) {
    return who === "citizen" ? t("you") : who === "agent" ? t("agent") : t("bot");
  }

  function renderItem(item) {
    if (item.who === "notice") {
      return h("div", { class: item.tone === "ok" ? "hw-notice hw-notice-ok" : "hw-notice" }, [h("span", { text: item.text })]);
    }
    var bubble = h("div", { class: "hw-bubble" });
    // Elderly mode shows a long guide in steps; everyone else sees it whole.
    if (!(state.elderly && item.who !== "citizen" && renderGuide(bubble, item.text))) renderText(bubble, item.text);
    var body = h("div", { class: "hw-body" }, [
      h("div", { class: item.who === "agent" ? "hw-sender" : "hw-sender hw-sr", text: senderName(item.who) }),
      bubble,
    ]);
    var reader = item.who === "citizen" ? null : readButton(item.text);
    if (reader) body.appendChild(reader);
    if (item.buttons && item.buttons.length) body.appendChild(quickReplies(item.buttons));
    var row = h("div", { class: "hw-row hw-row-" + item.who });
    if (item.who !== "citizen") {
      row.appendChild(h("span", { class: "hw-avatar", "aria-hidden": "true" }, [icon(item.who === "agent" ? ICON_AGENT : ICON_BOT, 20)]));
    }
    row.appendChild(body);
    return row;
  }

  function quickReplies(buttons) {
    var group = h("div", { class: "hw-quick", role: "group", "aria-label": t("quick") });
    buttons.forEach(function (button) {
      group.appendChild(h("button", {
        type: "button", class: "hw-chip", text: button.title,
        onclick: function () {
          send(button.payload, button.title);
          input.focus(); // the clicked button is gone: keep the keyboard in the widget
        },
      }));
    });
    return group;
  }

  function welcome() {
    var box = h("div", { class: "hw-welcome" });
    var bubble = h("div", { class: "hw-bubble" });
    renderText(bubble, t("welcome"));
    box.appendChild(h("div", { class: "hw-row hw-row-bot" }, [
      h("span", { class: "hw-avatar", "aria-hidden": "true" }, [icon(ICON_BOT, 20)]),
      h("div", { class: "hw-body" }, [h("div", { class: "hw-sender hw-sr", text: t("bot") }), bubble, readButton(t("welcome"))].filter(Boolean)),
    ]));
    if (!state.items.length) {
      var chips = h("div", { class: "hw-quick hw-suggest", role: "group", "aria-label": t("tryAsking") });
      t("suggestions").forEach(function (question) {
        chips.appendChild(h("button", {
          type: "button", class: "hw-chip", text: question,
          onclick: function () { send(question); input.focus(); },
        }));
      });
      box.appendChild(chips);
    }
    return box;
  }

  function renderLog() {
    stopSpeaking(); // the reply being read is drawn anew
    log.setAttribute("aria-busy", "true");
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(welcome());
    state.items.forEach(function (item) { log.appendChild(renderItem(item)); });
    if (busy) log.appendChild(typing);
    log.removeAttribute("aria-busy");
    scrollDown();
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  /** ``unread``: news the citizen has not seen (marks the closed launcher). */
  function addItem(item, unread) {
    state.items.push(item);
    save();
    var suggest = log.querySelector(".hw-suggest");
    if (suggest) suggest.parentNode.removeChild(suggest);
    var row = renderItem(item);
    log.insertBefore(row, typing.parentNode === log ? typing : null);
    scrollDown();
    readOnArrival(item, row);
    if (state.open === false && (item.who === "agent" || unread)) launcher.classList.add("hw-has-unread");
    return row;
  }

  /** Long answers are read from their start: keep the question and the answer's top in view. */
  function scrollToQuestion(row) {
    var top = row.offsetTop - 8; // .hw-log is the rows' offset parent
    if (log.scrollHeight - top > log.clientHeight) log.scrollTop = top;
  }

  /** Quick replies answer the latest message only; older ones go when the citizen speaks. */
  function dropQuickReplies() {
    state.items.forEach(function (item) { delete item.buttons; });
    Array.prototype.forEach.call(log.querySelectorAll(".hw-quick"), function (node) { node.parentNode.removeChild(node); });
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    panel.classList.toggle("hw-busy", value);
    if (value) { log.appendChild(typing); scrollDown(); } else if (typing.parentNode) typing.parentNode.removeChild(typing);
  }

  // ---------------------------------------------------------------- talking to the gateway

  function errorText(status) {
    if (status === 429) return t("tooMany");
    if (status === 413 || status === 422 || status === 400) return t("invalid");
    return t("server");
  }

  function send(text, shownAs) {
    text = String(text || "").trim();
    if (!text || busy) return;
    if (state.ended) restart();
    dropQuickReplies();
    var question = addItem({ who: "citizen", text: shownAs || text });
    var asked = state;
    setBusy(true);
    return fetch(BASE + "/api/v1/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      // No session yet: the answer brings one (undefined is left out of the JSON).
      body: JSON.stringify({ session_id: state.sessionId || undefined, text: text.slice(0, MAX_CHARS), lang: state.lang }),
    }).then(function (response) {
      if (!response.ok) {
        setBusy(false);
        addItem({ who: "notice", text: errorText(response.status) });
        return;
      }
      return response.json().then(function (body) {
        setBusy(false);
        if (body.session_id && state === asked && body.session_id !== state.sessionId) {
          state.sessionId = body.session_id; // new, or renewed: send this one from now on
          save();
        }
        (body.replies || []).forEach(function (reply) {
          addItem({ who: "bot", text: reply.text, buttons: reply.buttons || [], echo: true });
        });
        scrollToQuestion(question);
        if (body.handoff) startHandoff();
        else {
          // Ended by this message (the citizen left, or the request had expired): the
          // answer says so, no notice needed.
          if (state.handoff) stopHandoff();
          poll(); // meets the stored answers, and brings what came meanwhile
        }
      });
    }).catch(function () {
      setBusy(false);
      addItem({ who: "notice", text: t("network") });
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) return;
    input.value = "";
    autosize();
    send(text);
    input.focus();
  }

  function requestHuman() {
    if (state.handoff) return;
    send(HUMAN_PAYLOAD, t("human"));
  }

  function startHandoff() {
    if (!state.handoff) {
      state.handoff = true;
      save();
      applyTexts();
    }
    if (!pollTimer) {
      pollTimer = window.setInterval(poll, POLL_MS);
      poll();
    }
  }

  function stopHandoff() {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = null;
    state.handoff = false;
    state.handoffSeen = false;
    state.agentJoined = false;
    queuePosition = null;
    save();
    applyTexts();
  }

  /**
   * The bot item shown from a chat answer that ``text`` is the stored copy of: marked
   * met and true, or false when the page never showed it (a notice from the centre,
   * or an answer whose response was lost on the way).
   */
  function metEcho(text) {
    for (var i = 0; i < state.items.length; i++) {
      var item = state.items[i];
      if (item.who === "bot" && item.echo && item.text === text) {
        delete item.echo;
        return true;
      }
    }
    return false;
  }

  /**
   * What the conversation holds after ``lastId`` that this page has not shown: agents'
   * replies, and the centre's notices (the bot's own answers were shown when the chat
   * call returned, and the citizen's messages are this page's). The hand-off's state
   * is followed only by a poll started during a hand-off.
   */
  function poll() {
    if (polling || !state.sessionId) return; // no session yet: nothing to read
    polling = true;
    var watching = state.handoff;
    var session = state.sessionId;
    var url = BASE + "/api/v1/chat/" + encodeURIComponent(session) + "/messages?after=" + state.lastId;
    fetch(url).then(function (response) {
      if (response.status === 404 && session === state.sessionId) {
        // Not a session the gateway issued (kept from before it issued them), or one
        // expired: forget it; the next message is given a new one.
        state.sessionId = null;
        if (state.handoff) stopHandoff();
        save();
        return null;
      }
      if (!response.ok) return null;
      return response.json();
    }).then(function (body) {
      if (!body || session !== state.sessionId) return; // a new conversation began meanwhile
      (body.messages || []).forEach(function (message) {
        if (message.id <= state.lastId) return;
        state.lastId = message.id;
        if (message.sender === "agent") {
          scrollToQuestion(addItem({ who: "agent", text: message.text }));
        } else if (message.sender === "bot" && !metEcho(message.text)) {
          scrollToQuestion(addItem({ who: "bot", text: message.text, buttons: message.buttons || [] }, true));
          if (state.ended) {
            // A rated conversation the centre writes to again (the 回访 question):
            // the citizen answers in it, not in a new one.
            state.ended = false;
            applyTexts();
          }
        }
      });
      if (watching && state.handoff) {
        if (body.handoff === "active" && !state.agentJoined) {
          state.agentJoined = true;
          addItem({ who: "notice", tone: "ok", text: t("agentJoined") });
        }
        queuePosition = body.handoff === "waiting" ? body.queue_position : null;
        renderQueue();
        if (body.handoff === "waiting" || body.handoff === "active") {
          state.handoffSeen = true;
        } else {
          if (state.handoffSeen) addItem({ who: "notice", text: t("handoffEnded") });
          stopHandoff();
        }
      }
      if (body.session_id) state.sessionId = body.session_id; // renewed
      save();
    }).catch(function () { /* offline for a moment: the next poll retries */ }).then(function () {
      polling = false;
    });
  }

  // ---------------------------------------------------------------- rating

  function paintStars() {
    var chosen = selectedRating();
    starLabels.forEach(function (label, i) { label.classList.toggle("hw-star-on", i < chosen); });
    ratingError.textContent = "";
  }

  function selectedRating() {
    for (var i = 0; i < starInputs.length; i++) if (starInputs[i].checked) return i + 1;
    return 0;
  }

  function showRating() {
    ratingForm.hidden = false;
    actions.hidden = true;
    composer.hidden = true;
    ratingError.textContent = "";
    starInputs[4].focus();
  }

  function hideRating(restoreFocus) {
    ratingForm.hidden = true;
    actions.hidden = false;
    composer.hidden = false;
    starInputs.forEach(function (radio) { radio.checked = false; });
    comment.value = "";
    paintStars();
    if (restoreFocus) endButton.focus();
  }

  function sendRating(event) {
    event.preventDefault();
    var rating = selectedRating();
    if (!rating) {
      ratingError.textContent = t("pickRating");
      return;
    }
    submitRating.disabled = true;
    fetch(BASE + "/api/v1/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: state.sessionId, rating: rating, comment: comment.value.trim() || null }),
    }).then(function (response) {
      if (!response.ok) throw new Error("feedback " + response.status);
      hideRating(false);
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
      state.ended = true;
      dropQuickReplies();
      addItem({ who: "notice", tone: "ok", text: t("thanks") });
      applyTexts();
      endButton.focus();
    }).catch(function () {
      ratingError.textContent = t("ratingFailed");
    }).then(function () {
      submitRating.disabled = false;
    });
  }

  function restart() {
    if (pollTimer) window.clearInterval(pollTimer);
    pollTimer = null;
    state = freshState(state);
    state.open = true;
    save();
    applyTexts();
    renderLog();
    input.focus();
  }

  // ---------------------------------------------------------------- panel, language, elderly mode

  function openPanel(focus) {
    state.open = true;
    save();
    panel.hidden = false;
    root.classList.add("hw-is-open");
    launcher.setAttribute("aria-expanded", "true");
    launcher.classList.remove("hw-has-unread");
    scrollDown();
    if (focus) input.focus();
    // Coming back to the conversation: what came while the panel was closed.
    if (focus && !pollTimer && (returning || state.items.length)) poll();
  }

  function closePanel(focus) {
    stopSpeaking();
    state.open = false;
    save();
    panel.hidden = true;
    root.classList.remove("hw-is-open");
    launcher.setAttribute("aria-expanded", "false");
    if (focus) launcher.focus();
  }

  function setLanguage(lang) {
    if (lang === state.lang) return;
    state.lang = lang;
    save();
    applyTexts();
    renderLog();
  }

  function setElderly(on) {
    state.elderly = on;
    save();
    applyTexts();
    renderLog(); // long guides in steps, or whole again
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      if (!ratingForm.hidden) hideRating(true);
      else closePanel(true);
    }
  });

  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME candidate is not a send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : onSubmit(event);
    }
  });
  input.addEventListener("input", autosize);

  // ---------------------------------------------------------------- start

  function start() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = BASE + "/widget.css";
    document.head.appendChild(css);
    document.body.appendChild(root);
    applyTexts();
    renderLog();
    if (state.open) openPanel(false);
    if (state.handoff && !state.ended) startHandoff();
    // Back to a conversation kept from an earlier visit: what the centre has said
    // about the citizen's work order since (the 回访 question…) is in it.
    else if (returning) poll();
  }

  window.HotlineWidget = {
    open: function () { openPanel(true); },
    close: function () { closePanel(false); },
  };

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
