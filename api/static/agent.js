/*
 * 12345 agent console: hand-off queue, masked transcripts, replies, answer suggestions,
 * work orders and the day's dashboard. Plain JavaScript, no build step, no libraries.
 *
 * The bearer token lives in sessionStorage (this tab only) and goes with every call.
 * Everything the server sends is put into the page with textContent, never innerHTML.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "hotline-agent-token";
  var QUEUE_MS = 3000;
  var TRANSCRIPT_MS = 2000;
  var DASHBOARD_MS = 30000;
  var SUGGEST_DELAY_MS = 300;
  var SVG_NS = "http://www.w3.org/2000/svg";

  var INTENT_NAMES = {
    greet: "问候", goodbye: "道别", thank: "致谢", affirm: "肯定", deny: "否定",
    ask_service_guide: "办事指南", ask_materials: "所需材料", ask_fee: "收费标准",
    ask_processing_time: "办理时限", ask_location: "办理地点", ask_office_hours: "办公时间",
    ask_eligibility: "申请条件", ask_online_handling: "网上办理", start_application: "在线申请",
    check_application_status: "申请进度", file_complaint: "投诉举报", check_work_order_status: "工单进度",
    request_human: "转人工", give_feedback: "评价", inform: "补充信息", cancel: "取消",
    out_of_scope: "超出范围", bot_challenge: "询问是否真人", chitchat: "闲聊", faq: "常见问题",
    nlu_fallback: "未能识别", emergency: "紧急求助",
  };
  // Kinds of emergency (safety.Kind values) as the banner and the queue name them.
  var EMERGENCIES = {
    fire: "火灾", gas_leak: "燃气泄漏", violence: "暴力伤害", medical: "急症",
    traffic_injury: "交通事故伤人", drowning: "落水", person_in_danger: "人身危险",
    self_harm: "自伤风险",
  };
  var SENDERS = { citizen: "市民", bot: "智能助手", agent: "坐席" };
  var STATUS = { waiting: "等待接入", active: "处理中", returned: "已交还" };

  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(TOKEN_KEY);
  var queueTimer = null;
  var transcriptTimer = null;
  var dashboardTimer = null;
  var lastQueueJson = "";
  var current = null; // {id, session_id, status}
  var shownIds = {};
  var lastMessageId = 0;
  var citizenMessages = [];
  var lastHint = null;
  var suggestTimer = null;
  var suggestSeq = 0;
  var workOrderKey = null;

  // ---------------------------------------------------------------- helpers

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
      if (child === null) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /** Server times are naive Shanghai local time: show them as they are. */
  function clock(iso) {
    var match = /T(\d{2}:\d{2})/.exec(iso || "");
    return match ? match[1] : "";
  }

  function waited(iso) {
    var shanghai = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : iso + "+08:00";
    var then = new Date(shanghai);
    if (isNaN(then)) return "";
    var minutes = Math.max(0, Math.round((Date.now() - then.getTime()) / 60000));
    return minutes < 1 ? "刚刚" : minutes + " 分钟前";
  }

  function intentName(name) { return INTENT_NAMES[name] || name; }

  function emergencyName(kind) { return EMERGENCIES[kind] || "紧急情况"; }

  /** Button clicks reach the transcript as payloads ("/request_human"): say what they mean. */
  function readable(text) {
    if (!text || text.charAt(0) !== "/") return text;
    var intent = /^\/([a-z_]+)/.exec(text);
    return "［点击按钮：" + (intent ? intentName(intent[1]) : text) + "］";
  }

  function ApiError(status, detail) { this.status = status; this.detail = detail; }

  function describe(error) {
    if (!(error instanceof ApiError)) return "网络连接失败，请检查网络后重试。";
    if (error.status === 429) return "请求过于频繁，请稍候再试。";
    if (error.status >= 500) return "服务暂时不可用，请稍后重试。";
    if (typeof error.detail === "string") return "操作未成功：" + error.detail;
    if (Array.isArray(error.detail) && error.detail.length) return "请检查填写内容：" + error.detail.map(function (d) { return d.field; }).join("、");
    return "操作未成功（" + error.status + "）。";
  }

  function api(path, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + token };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    Object.keys(options.headers || {}).forEach(function (k) { headers[k] = options.headers[k]; });
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    }).then(function (response) {
      if (response.status === 401) {
        signOut("访问令牌无效或已被撤销，请重新登录。");
        throw new ApiError(401, "unauthorized");
      }
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw new ApiError(response.status, body.detail);
        });
      }
      return response.status === 204 ? null : response.json();
    });
  }

  // ---------------------------------------------------------------- sign in / out

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) {
      $("signin-error").textContent = "请输入访问令牌。";
      return;
    }
    token = value;
    $("signin-error").textContent = "";
    api("/api/v1/agent/handoffs").then(function (body) {
      sessionStorage.setItem(TOKEN_KEY, token);
      $("token").value = "";
      enterWorkspace();
      renderQueue(body.handoffs);
    }).catch(function (error) {
      if (!(error instanceof ApiError && error.status === 401)) $("signin-error").textContent = describe(error);
    });
  });

  $("sign-out").addEventListener("click", function () { signOut(""); });

  function signOut(message) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    [queueTimer, transcriptTimer, dashboardTimer].forEach(function (timer) { if (timer) window.clearInterval(timer); });
    queueTimer = transcriptTimer = dashboardTimer = null;
    current = null;
    lastQueueJson = "";
    $("workspace").hidden = true;
    $("views").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message || "";
    $("token").focus();
  }

  function enterWorkspace() {
    $("signin").hidden = true;
    $("workspace").hidden = false;
    $("views").hidden = false;
    $("who").hidden = false;
    showView("queue");
    if (!queueTimer) queueTimer = window.setInterval(refreshQueue, QUEUE_MS);
  }

  // ---------------------------------------------------------------- views

  function showView(name) {
    ["queue", "dispatch", "dashboard"].forEach(function (view) {
      $("view-" + view).hidden = view !== name;
      $("show-" + view).setAttribute("aria-current", view === name ? "page" : "false");
    });
    if (dashboardTimer) window.clearInterval(dashboardTimer);
    dashboardTimer = null;
    if (name === "dashboard") {
      loadDashboard();
      dashboardTimer = window.setInterval(loadDashboard, DASHBOARD_MS);
    }
    if (name === "dispatch") loadDispatchQueue();
  }
  $("show-queue").addEventListener("click", function () { showView("queue"); });
  $("show-dispatch").addEventListener("click", function () { showView("dispatch"); });
  $("show-dashboard").addEventListener("click", function () { showView("dashboard"); });

  // ---------------------------------------------------------------- dispatch review

  $("refresh-dispatch").addEventListener("click", loadDispatchQueue);

  function loadDispatchQueue() {
    if (!token) return;
    api("/api/v1/agent/dispatch-queue").then(function (data) {
      $("dispatch-error").textContent = "";
      renderDispatchQueue(data.orders);
    }).catch(function (error) {
      $("dispatch-error").textContent = describe(error);
    });
  }

  function renderDispatchQueue(orders) {
    var list = $("dispatch-list");
    clear(list);
    $("dispatch-empty").hidden = orders.length > 0;
    orders.forEach(function (order) {
      var choices = h("div", { class: "reply-actions" });
      order.suggestions.forEach(function (s, rank) {
        choices.appendChild(h("button", {
          type: "button",
          class: rank ? "secondary small" : "primary small",
          text: (rank ? "改派：" : "确认：") + s.category_name + "（" + Math.round(s.confidence * 100) + "%）",
          "aria-label": (rank ? "改派为" : "确认派单为") + s.category_name + "，工单 " + order.number,
          onclick: function () { dispatchOrder(order.number, s.category); },
        }));
      });
      list.appendChild(h("li", { class: "queue-item" }, [
        h("p", {}, [h("strong", { text: order.number }), " · " + clock(order.created_at)]),
        h("p", { text: order.description }),
        h("p", { class: "muted", text: "大类：" + (order.top_level || "—") +
          "；拟派：" + (order.unit_name || "—") + (order.street ? "（" + order.street + "）" : "") }),
        choices,
      ]));
    });
  }

  function dispatchOrder(number, category) {
    api("/api/v1/agent/work-orders/" + encodeURIComponent(number) + "/dispatch", {
      method: "POST", body: { category: category },
    }).then(function (order) {
      $("dispatch-status").textContent = "工单 " + order.number + " 已派至" + (order.unit_name || order.department_name) + "。";
      loadDispatchQueue();
    }).catch(function (error) {
      $("dispatch-error").textContent = describe(error);
      loadDispatchQueue();
    });
  }

  // ---------------------------------------------------------------- queue

  function refreshQueue() {
    if (!token) return;
    api("/api/v1/agent/handoffs").then(function (body) {
      $("queue-error").textContent = "";
      renderQueue(body.handoffs);
    }).catch(function (error) {
      if (token) $("queue-error").textContent = describe(error);
    });
  }

  function renderQueue(handoffs) {
    var waiting = handoffs.filter(function (x) { return x.status === "waiting"; }).length;
    var urgent = handoffs.filter(function (x) { return x.urgent; }).length;
    $("queue-count").textContent = String(handoffs.length);
    $("queue-summary").textContent = (urgent ? "紧急 " + urgent + " · " : "") + "排队 " + waiting + " · 处理中 " + (handoffs.length - waiting);
    // Redraw only on change, so the 3-second refresh never steals keyboard focus.
    var json = JSON.stringify([handoffs, current && current.id]);
    if (json === lastQueueJson) return;
    lastQueueJson = json;
    var list = $("queue-list");
    clear(list);
    $("queue-empty").hidden = handoffs.length > 0;
    handoffs.forEach(function (handoff) {
      var mine = current && current.id === handoff.id;
      var button;
      if (handoff.status === "waiting") {
        button = h("button", { type: "button", class: "primary small", text: "接入", "aria-label": "接入会话 " + handoff.id, onclick: function () { take(handoff); } });
      } else {
        button = h("button", { type: "button", class: "secondary small", text: mine ? "处理中" : "查看", "aria-label": "查看会话 " + handoff.id, disabled: mine, onclick: function () { take(handoff); } });
      }
      // The server lists urgent hand-offs (an emergency) first; they are marked too.
      list.appendChild(h("li", { class: "queue-item" + (handoff.urgent ? " urgent" : "") + (mine ? " current" : ""), "data-session": handoff.session_id }, [
        h("div", { class: "queue-top" }, [
          h("span", { class: "queue-id", text: "#" + handoff.id }),
          handoff.urgent ? h("span", { class: "badge badge-urgent", text: "紧急 · " + emergencyName(handoff.emergency) }) : null,
          h("span", { class: "badge badge-" + handoff.status, text: STATUS[handoff.status] || handoff.status }),
          h("span", { class: "muted small-text", text: (handoff.language === "en" ? "English" : "中文") + " · " + handoff.channel }),
        ]),
        h("p", { class: "queue-last", text: readable(handoff.last_message) || "（无文字消息）" }),
        h("div", { class: "queue-bottom" }, [
          h("span", { class: "muted small-text", text: handoff.agent ? "坐席：" + handoff.agent : "申请于 " + waited(handoff.requested_at) }),
          button,
        ]),
      ]));
    });
  }

  function take(handoff) {
    api("/api/v1/agent/handoffs/" + handoff.id + "/take", { method: "POST" }).then(function (taken) {
      openConversation(taken);
      refreshQueue();
    }).catch(function (error) {
      $("queue-error").textContent = describe(error);
    });
  }

  // ---------------------------------------------------------------- conversation

  function openConversation(handoff) {
    current = handoff;
    shownIds = {};
    lastMessageId = 0;
    citizenMessages = [];
    clear($("transcript"));
    $("conversation-empty").hidden = true;
    $("conversation-body").hidden = false;
    $("reply-error").textContent = "";
    $("conversation-meta").textContent = (handoff.urgent ? "紧急 · " + emergencyName(handoff.emergency) + " · " : "") + "#" + handoff.id + " · " + (STATUS[handoff.status] || handoff.status) + (handoff.agent ? " · " + handoff.agent : "");
    $("quote-citizen").disabled = true;
    workOrderKey = null;
    if (transcriptTimer) window.clearInterval(transcriptTimer);
    transcriptTimer = window.setInterval(loadTranscript, TRANSCRIPT_MS);
    loadTranscript();
    $("reply-text").focus();
  }

  function closeConversation(message) {
    if (transcriptTimer) window.clearInterval(transcriptTimer);
    transcriptTimer = null;
    current = null;
    $("conversation-body").hidden = true;
    $("conversation-empty").hidden = false;
    $("conversation-empty").textContent = message;
    $("conversation-meta").textContent = "";
    lastQueueJson = "";
    refreshQueue();
  }

  function loadTranscript() {
    if (!current) return;
    var handoffId = current.id;
    api("/api/v1/agent/handoffs/" + handoffId + "/transcript?after=" + lastMessageId).then(function (body) {
      if (!current || current.id !== handoffId) return;
      body.messages.forEach(addMessage);
      if (body.handoff === "returned") closeConversation("该会话已交还智能助手。");
    }).catch(function () { /* transient: the next tick retries */ });
  }

  function addMessage(message) {
    if (shownIds[message.id]) return;
    shownIds[message.id] = true;
    lastMessageId = Math.max(lastMessageId, message.id);
    if (message.sender === "citizen" && message.text.charAt(0) !== "/") {
      citizenMessages.push(message.text);
      $("quote-citizen").disabled = false;
    }
    var log = $("transcript");
    var payload = message.sender === "citizen" && message.text.charAt(0) === "/";
    log.appendChild(h("div", { class: "msg msg-" + message.sender + (payload ? " msg-payload" : "") }, [
      h("div", { class: "msg-meta" }, [
        h("span", { class: "msg-sender", text: SENDERS[message.sender] || message.sender }),
        h("time", { datetime: message.created_at, text: clock(message.created_at) }),
      ]),
      h("div", { class: "msg-text", text: payload ? readable(message.text) : message.text, title: payload ? message.text : null }),
    ]));
    log.scrollTop = log.scrollHeight;
  }

  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    sendReply();
  });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendReply();
    }
  });

  function sendReply() {
    var text = $("reply-text").value.trim();
    if (!current) return;
    if (!text) {
      $("reply-error").textContent = "请输入回复内容。";
      return;
    }
    $("send-reply").disabled = true;
    api("/api/v1/agent/handoffs/" + current.id + "/reply", { method: "POST", body: { text: text } }).then(function (message) {
      $("reply-text").value = "";
      $("reply-error").textContent = "";
      addMessage(message);
    }).catch(function (error) {
      $("reply-error").textContent = describe(error);
    }).then(function () {
      $("send-reply").disabled = false;
      $("reply-text").focus();
    });
  }

  $("hand-back").addEventListener("click", function () {
    if (!current) return;
    api("/api/v1/agent/handoffs/" + current.id + "/return", { method: "POST" }).then(function () {
      closeConversation("已交还智能助手。请从队列选择下一个会话。");
    }).catch(function (error) {
      $("reply-error").textContent = describe(error);
    });
  });

  // ---------------------------------------------------------------- suggestions

  $("caller-question").addEventListener("input", function () {
    if (suggestTimer) window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(suggest, SUGGEST_DELAY_MS);
  });

  $("quote-citizen").addEventListener("click", function () {
    if (!citizenMessages.length) return;
    $("caller-question").value = citizenMessages[citizenMessages.length - 1];
    suggest();
  });

  function suggest() {
    var text = $("caller-question").value.trim();
    var seq = ++suggestSeq;
    if (!text) {
      clear($("suggestions"));
      $("assist-status").textContent = "";
      $("work-order-hint").hidden = true;
      $("emergency-banner").hidden = true;
      return;
    }
    $("assist-status").textContent = "正在查找…";
    api("/api/v1/agent/suggest", { method: "POST", body: { text: text, top_k: 3 } }).then(function (body) {
      if (seq !== suggestSeq) return; // a newer keystroke's answer is coming
      renderSuggestions(body);
    }).catch(function (error) {
      if (seq === suggestSeq) $("assist-status").textContent = describe(error);
    });
  }

  function renderSuggestions(body) {
    var list = $("suggestions");
    clear(list);
    var intent = body.intent ? "识别为：" + intentName(body.intent.name) + "（" + Math.round(body.intent.confidence * 100) + "%）" : "";
    $("assist-status").textContent = body.emergency ? "" : body.not_held
      ? "办事指南库未收录“" + body.not_held + "”，请引导市民登录“一网通办”查询或转相关部门；以下仅为相关事项，不能作为答复。" + intent
      : (body.suggestions.length ? intent : "没有找到匹配的办事指南。" + intent);
    renderEmergency(body.emergency);
    body.suggestions.forEach(function (s, rank) {
      var details = h("details", { class: "sugg-more" }, [h("summary", { text: "办理步骤与材料" })]);
      if (s.steps.length) {
        var steps = h("ol", { class: "sugg-steps" });
        s.steps.forEach(function (step) { steps.appendChild(h("li", { text: step })); });
        details.appendChild(h("p", { class: "sugg-label", text: "办理步骤" }));
        details.appendChild(steps);
      }
      if (s.materials.length) {
        var materials = h("ul", { class: "sugg-materials" });
        s.materials.forEach(function (m) { materials.appendChild(h("li", { text: m })); });
        details.appendChild(h("p", { class: "sugg-label", text: "所需材料" }));
        details.appendChild(materials);
      }
      list.appendChild(h("li", { class: "suggestion" }, [
        h("div", { class: "sugg-head" }, [
          h("strong", { class: "sugg-name", text: s.service_name }),
          h("span", { class: rank ? "pill" : "pill pill-best", text: rank ? "备选" : "最佳匹配", title: "相关度 " + s.score }),
        ]),
        h("p", { class: "sugg-answer", text: s.answer }),
        details,
        h("button", { type: "button", class: "primary small", text: "插入回复", "aria-label": "插入回复：" + s.service_name, onclick: function () { insertReply(s.answer); } }),
      ]));
    });
    lastHint = body.work_order;
    var hint = $("work-order-hint");
    clear(hint);
    hint.hidden = !lastHint;
    if (lastHint) {
      hint.appendChild(h("p", {}, [
        h("strong", { text: "建议派单：" }),
        lastHint.category_name + " → " + lastHint.department_name + "，办理时限 " + lastHint.time_limit_days + " 个工作日",
      ]));
      hint.appendChild(routingReasons(lastHint));
      hint.appendChild(h("button", { type: "button", class: "secondary small", text: "按此创建工单", onclick: openWorkOrder }));
    }
  }

  /** Why this category: the class, the confidence, the words that decided, the unit's duty, and the runners-up. */
  function routingReasons(hint) {
    var reasons = h("ul", { class: "routing-reasons" });
    reasons.appendChild(h("li", { text: "大类：" + hint.top_level + "；置信度 " + Math.round(hint.confidence * 100) + "%" +
      (hint.model_version ? "（派单模型 " + hint.model_version + "）" : "（关键词规则，需人工确认）") +
      (hint.automatic ? "，可自动派单" : "，需人工确认") }));
    if (hint.deciding_words && hint.deciding_words.length) {
      reasons.appendChild(h("li", { text: "判断依据：" + hint.deciding_words.map(function (w) { return "“" + w + "”"; }).join("、") }));
    }
    if (hint.duty) reasons.appendChild(h("li", { text: "承办职责：" + hint.duty }));
    if (hint.alternatives && hint.alternatives.length) {
      reasons.appendChild(h("li", { text: "其他可能：" + hint.alternatives.map(function (a) {
        return a.category_name + "（" + Math.round(a.confidence * 100) + "%）";
      }).join("、") }));
    }
    return reasons;
  }

  /** An emergency replaces the work order: the number to send the caller to, and what to say now. */
  function renderEmergency(emergency) {
    var banner = $("emergency-banner");
    clear(banner);
    banner.hidden = !emergency;
    if (!emergency) return;
    banner.appendChild(h("p", { class: "emergency-title" }, [
      h("strong", { text: "紧急情况：" + emergencyName(emergency.kind) }),
    ]));
    banner.appendChild(h("p", { class: "emergency-numbers" }, [
      "请立即引导市民拨打 ",
      h("strong", { text: emergency.numbers.join(" / ") }),
      "，并保持通话。",
    ]));
    banner.appendChild(h("p", { class: "emergency-advice", text: emergency.advice }));
    banner.appendChild(h("button", { type: "button", class: "danger small", text: "插入回复", "aria-label": "插入回复：紧急情况处置", onclick: function () { insertReply(emergency.advice); } }));
  }

  function insertReply(answer) {
    var box = $("reply-text");
    box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n" + answer : answer;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  // ---------------------------------------------------------------- work orders

  $("open-work-order").addEventListener("click", openWorkOrder);
  $("wo-close").addEventListener("click", function () { $("work-order-dialog").close(); });
  $("wo-submit").addEventListener("click", submitWorkOrder);

  function openWorkOrder() {
    if (!current) return;
    var dialog = $("work-order-dialog");
    $("wo-description").value = citizenMessages.join("\n");
    var select = $("wo-category");
    clear(select);
    select.appendChild(h("option", { value: "", text: "按描述自动分类" }));
    if (lastHint) {
      select.appendChild(h("option", { value: lastHint.category, text: lastHint.category_name + "（" + lastHint.department_name + "）", selected: true }));
    }
    $("wo-error").textContent = "";
    $("wo-result").textContent = "";
    $("wo-submit").disabled = false;
    workOrderKey = newKey(); // one key per form: a retried submit never files twice
    dialog.showModal();
    $("wo-description").focus();
  }

  function submitWorkOrder() {
    var description = $("wo-description").value.trim();
    if (!description) {
      $("wo-error").textContent = "请填写诉求描述。";
      return;
    }
    var phone = $("wo-phone").value.trim();
    var body = {
      description: description,
      category: $("wo-category").value || null,
      district: $("wo-district").value.trim() || null,
      address: $("wo-address").value.trim() || null,
      contact_phone: phone || null,
      anonymous: !phone,
      session_id: current ? current.session_id : null,
    };
    $("wo-submit").disabled = true;
    api("/api/v1/work-orders", { method: "POST", body: body, headers: { "Idempotency-Key": workOrderKey } }).then(function (order) {
      $("wo-error").textContent = "";
      $("wo-result").textContent = "工单已创建：" + order.number + "（" + order.category_name + " → " + order.department_name + "，" + order.due_date + " 前办结）";
      insertReply("已为您登记工单，编号 " + order.number + "，承办部门：" + order.department_name + "。您可以凭编号随时查询办理进度。");
      $("wo-close").focus();
    }).catch(function (error) {
      $("wo-error").textContent = describe(error);
      $("wo-submit").disabled = false;
    });
  }

  // ---------------------------------------------------------------- dashboard

  $("refresh-dashboard").addEventListener("click", loadDashboard);

  function loadDashboard() {
    if (!token) return;
    api("/api/v1/agent/dashboard").then(function (data) {
      $("dash-error").textContent = "";
      renderDashboard(data);
    }).catch(function (error) {
      $("dash-error").textContent = describe(error);
    });
  }

  var lastDashboard = null;
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer) window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      if (lastDashboard && !$("view-dashboard").hidden) renderDashboard(lastDashboard);
    }, 200);
  });

  function renderDashboard(d) {
    lastDashboard = d;
    $("dash-day").textContent = d.day;
    var kpis = $("kpis");
    clear(kpis);
    var wait = d.handoffs.average_wait_seconds;
    [
      ["今日咨询量", d.messages, "条市民消息"],
      ["会话数", d.conversations, "个会话"],
      ["转人工", d.handoffs.requested, "排队 " + d.handoffs.waiting + " · 处理中 " + d.handoffs.active],
      ["平均等待", wait === null ? "—" : (wait < 60 ? Math.round(wait) + "秒" : (wait / 60).toFixed(1) + "分"), "从申请到接入"],
      ["满意度", d.satisfaction.average === null ? "—" : d.satisfaction.average.toFixed(1), d.satisfaction.count + " 条评价（满分5）"],
      ["工单 / 申请", d.work_orders + " / " + d.applications, "今日新建"],
    ].forEach(function (k) {
      kpis.appendChild(h("li", { class: "kpi" }, [
        h("span", { class: "kpi-label", text: k[0] }),
        h("strong", { class: "kpi-value", text: String(k[1]) }),
        h("span", { class: "kpi-note", text: k[2] }),
      ]));
    });
    hourlyChart($("chart-hourly"), d.hourly);
    barChart($("chart-intents"), d.top_intents.map(function (i) { return [intentName(i.intent), i.count]; }), "暂无数据", "intent");
    barChart($("chart-ratings"), [5, 4, 3, 2, 1].map(function (r) { return [r + " 星", d.satisfaction.distribution[r] || 0]; }), "", "rating");
    var comments = $("comments");
    clear(comments);
    d.satisfaction.recent_comments.forEach(function (c) { comments.appendChild(h("li", { text: "“" + c + "”" })); });
    var rows = $("unanswered");
    clear(rows);
    $("unanswered-empty").hidden = d.unanswered.length > 0;
    d.unanswered.forEach(function (u) {
      rows.appendChild(h("tr", {}, [
        h("td", { text: u.text }),
        h("td", { class: "num", text: String(u.count) }),
        h("td", { class: "muted", text: clock(u.last_asked) }),
      ]));
    });
  }

  /** 24 vertical bars, one per hour, drawn as plain SVG. */
  function hourlyChart(container, counts) {
    clear(container);
    // Drawn at the container's pixel width, so labels keep their size on any screen.
    var width = Math.max(container.clientWidth, 320), height = 200, left = 36, bottom = 26, top = 12;
    var max = Math.max.apply(null, counts.concat([1]));
    var scaleMax = niceMax(max);
    var plotH = height - bottom - top;
    var slot = (width - left - 8) / 24;
    var peak = counts.indexOf(Math.max.apply(null, counts));
    var total = counts.reduce(function (a, b) { return a + b; }, 0);
    var chart = svg("svg", {
      viewBox: "0 0 " + width + " " + height, class: "svg-chart", role: "img",
      width: width, height: height,
      "aria-label": total ? "今日共 " + total + " 条市民消息，高峰在 " + peak + " 时（" + counts[peak] + " 条）" : "今日暂无市民消息",
    });
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      chart.appendChild(svg("line", { x1: left, x2: width - 4, y1: y, y2: y, class: "grid" }));
      chart.appendChild(svg("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, String(Math.round(scaleMax * f))));
    });
    counts.forEach(function (count, hour) {
      var barH = plotH * count / scaleMax;
      var x = left + slot * hour + slot * 0.15;
      var bar = svg("rect", { x: x, y: top + plotH - barH, width: slot * 0.7, height: Math.max(barH, count ? 1 : 0), rx: 2, class: hour === peak && count ? "bar peak" : "bar" });
      bar.appendChild(svg("title", {}, hour + " 时：" + count + " 条"));
      chart.appendChild(bar);
      if (hour % 3 === 0) {
        chart.appendChild(svg("text", { x: x + slot * 0.35, y: height - 8, class: "axis", "text-anchor": "middle" }, String(hour)));
      }
    });
    container.appendChild(chart);
  }

  /** Horizontal bars with their labels and values, drawn as plain SVG. */
  function barChart(container, rows, emptyText, kind) {
    clear(container);
    if (!rows.length || (emptyText && rows.every(function (r) { return !r[1]; }))) {
      container.appendChild(h("p", { class: "empty", text: emptyText || "暂无数据" }));
      return;
    }
    var width = Math.max(container.clientWidth, 240), rowH = 30, label = 104, right = 40;
    var height = rows.length * rowH + 4;
    var max = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([1]));
    var chart = svg("svg", {
      viewBox: "0 0 " + width + " " + height, class: "svg-chart", role: "img", width: width, height: height,
      "aria-label": rows.map(function (r) { return r[0] + " " + r[1]; }).join("，"),
    });
    rows.forEach(function (row, i) {
      var y = i * rowH + 4;
      var barW = (width - label - right) * row[1] / max;
      chart.appendChild(svg("text", { x: label - 8, y: y + rowH / 2 + 1, class: "label", "text-anchor": "end", "dominant-baseline": "middle" }, row[0]));
      chart.appendChild(svg("rect", { x: label, y: y + 5, width: width - label - right, height: rowH - 10, rx: 3, class: "track" }));
      chart.appendChild(svg("rect", { x: label, y: y + 5, width: Math.max(barW, row[1] ? 2 : 0), height: rowH - 10, rx: 3, class: "bar " + kind }));
      chart.appendChild(svg("text", { x: label + barW + 6, y: y + rowH / 2 + 1, class: "value", "dominant-baseline": "middle" }, String(row[1])));
    });
    container.appendChild(chart);
  }

  function niceMax(value) {
    var steps = [1, 2, 5, 10];
    var magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(value, 1))));
    for (var i = 0; i < steps.length; i++) if (steps[i] * magnitude >= value) return steps[i] * magnitude;
    return 10 * magnitude;
  }

  // ---------------------------------------------------------------- start

  if (token) {
    api("/api/v1/agent/handoffs").then(function (body) {
      enterWorkspace();
      renderQueue(body.handoffs);
    }).catch(function () { /* signOut already showed the sign-in form */ });
  } else {
    $("token").focus();
  }
})();
