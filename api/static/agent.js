/*
 * 12345 agent console: hand-off queue, masked transcripts, replies, answer suggestions,
 * work orders, the orders waiting for the centre (退回, 延期, 督办, 回访, 结案), the
 * reports of one event joined into one order (合并, 拆分) and the day's dashboard.
 * Plain JavaScript, no build step, no libraries.
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
  var CENTRE_MS = 60000;
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
  var STATUS = { waiting: "等待接入", active: "处理中", returned: "已交还", cancelled: "市民已结束", expired: "已超时" };

  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(TOKEN_KEY);
  var queueTimer = null;
  var transcriptTimer = null;
  var dashboardTimer = null;
  var centreTimer = null;
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
    [queueTimer, transcriptTimer, dashboardTimer, centreTimer].forEach(function (timer) { if (timer) window.clearInterval(timer); });
    queueTimer = transcriptTimer = dashboardTimer = centreTimer = null;
    categories = null;
    current = null;
    lookedUp.dispatch = lookedUp.centre = null;
    clear($("dispatch-lookup-result"));
    clear($("centre-lookup-result"));
    clear($("caller-cases"));
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
    ["queue", "dispatch", "centre", "dashboard"].forEach(function (view) {
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
    if (centreTimer) window.clearInterval(centreTimer);
    centreTimer = null;
    if (name === "centre") {
      loadCategories();
      loadCentre();
      centreTimer = window.setInterval(function () {
        // Never under an agent's hands: a form being filled in, or the duplicates an
        // agent is comparing, are not redrawn.
        if (!centreBusy && !duplicatesBusy && !document.querySelector("#centre-list form, #centre-list .dup-panel")) loadCentre();
      }, CENTRE_MS);
    }
  }
  $("show-queue").addEventListener("click", function () { showView("queue"); });
  $("show-dispatch").addEventListener("click", function () { showView("dispatch"); });
  $("show-centre").addEventListener("click", function () { showView("centre"); });
  $("show-dashboard").addEventListener("click", function () { showView("dashboard"); });

  // ---------------------------------------------------------------- dispatch review

  $("refresh-dispatch").addEventListener("click", loadDispatchQueue);

  function loadDispatchQueue() {
    if (!token) return Promise.resolve();
    return api("/api/v1/agent/dispatch-queue").then(function (data) {
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
          // The name begins with the words shown (WCAG 2.5.3), then says which order.
          "aria-label": (rank ? "改派：" : "确认：") + s.category_name + "（" + Math.round(s.confidence * 100) + "%），工单 " + order.number,
          onclick: function () { dispatchOrder(order.number, s.category); },
        }));
      });
      var duplicatesBox = h("div", { class: "dup-box", id: "dup-dispatch-" + order.number, hidden: true });
      list.appendChild(h("li", { class: "queue-item", "data-number": order.number }, [
        h("p", {}, [h("strong", { text: order.number }), " · " + clock(order.created_at)]),
        h("p", { text: order.description }),
        h("p", { class: "muted", text: "大类：" + (order.top_level || "—") +
          "；拟派：" + (order.unit_name || "—") + (order.street ? "（" + order.street + "）" : "") }),
        choices,
        h("div", { class: "reply-actions" }, [duplicatesToggle(order.number, duplicatesBox, "dispatch")]),
        duplicatesBox,
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

  // ---------------------------------------------------------------- the centre's desk
  // What units send back and time limits raise: 改派 a returned order, decide an
  // extension, 督办, record a phoned 回访, 结案. Each button calls the existing
  // action and dispatch routes; the server says which actions the order allows.

  var CENTRE_REASONS = [
    ["returned", "退回待改派"],
    ["extension", "延期待审批"],
    ["overdue", "已超期"],
    ["supervised", "督办跟踪"],
    ["visit", "待回访"],
    ["close", "待结案"],
  ];
  var REASON_TEXT = {};
  CENTRE_REASONS.forEach(function (r) { REASON_TEXT[r[0]] = r[1]; });
  var SATISFACTION = [["satisfied", "满意"], ["basically_satisfied", "基本满意"], ["dissatisfied", "不满意"]];
  var SATISFACTION_TEXT = { satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" };
  var UNIT_LEVELS = { city: "市级", district: "区级", street: "街镇" };
  var WEEK = ["日", "一", "二", "三", "四", "五", "六"];
  var centreReason = null; // the filter: one of CENTRE_REASONS, or null for all
  var centreBusy = false;
  var categories = null; // [{code, name, department_name, level, time_limit_days}]

  // Each button: when the order's reasons and the server's actions offer it, and its form.
  var CENTRE_BUTTONS = [
    { action: "dispatch", label: "改派", reasons: ["returned"], cls: "primary small" },
    { action: "approve_extension", label: "同意延期", reasons: ["extension"], cls: "primary small" },
    { action: "refuse_extension", label: "不同意延期", reasons: ["extension"], cls: "secondary small" },
    { action: "supervise", label: "督办", reasons: ["overdue", "supervised"], cls: "danger small" },
    { action: "visit", label: "登记回访", reasons: ["visit"], cls: "primary small" },
    { action: "close", label: "结案", reasons: ["returned", "visit", "close"], cls: "secondary small" },
  ];

  /** "2026-12-08" as "12月8日（周二）". */
  function dayText(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!match) return "—";
    var date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return Number(match[2]) + "月" + Number(match[3]) + "日（周" + WEEK[date.getDay()] + "）";
  }

  /** A Shanghai time as "12月7日 09:30". */
  function momentText(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? Number(match[2]) + "月" + Number(match[3]) + "日 " + match[4] : "—";
  }

  /** The lifecycle's refusals in the words an agent expects; ``moved``: the order changed under us. */
  function centreError(error) {
    var text = error instanceof ApiError && typeof error.detail === "string" ? error.detail : "";
    if (error instanceof ApiError && error.status === 404) return { text: "未找到该工单，可能已被删除。", moved: true };
    if (error instanceof ApiError && error.status === 409) return { text: "工单已由他人处理，状态已变化，列表已刷新，请核对后再操作。", moved: true };
    if (/no extension has been requested/.test(text)) return { text: "该工单已无待审批的延期申请，可能已由他人处理，列表已刷新。", moved: true };
    if (/^action: cannot /.test(text)) return { text: "工单当前状态不允许该操作，可能已由他人处理，列表已刷新。", moved: true };
    if (/needs a reason/.test(text)) return { text: "请填写理由后再提交。", moved: false };
    if (/satisfaction/.test(text)) return { text: "请选择市民对办理结果的评价。", moved: false };
    if (/unknown work-order category/.test(text)) return { text: "改派类别无效，请重新选择。", moved: false };
    if (error instanceof ApiError && Array.isArray(error.detail) && error.detail.length) {
      return { text: "请检查填写内容：" + error.detail.map(function (d) { return /note/.test(d.field) ? "说明文字（不超过 2000 字）" : d.field; }).join("、"), moved: false };
    }
    return { text: describe(error), moved: false };
  }

  $("refresh-centre").addEventListener("click", function () {
    $("centre-status").textContent = "";
    loadCentre();
  });

  function loadCategories() {
    if (categories || !token) return;
    api("/api/v1/agent/categories").then(function (body) {
      categories = body.categories;
    }).catch(function (error) {
      $("centre-error").textContent = "改派类别未能加载：" + describe(error);
    });
  }

  function loadCentre() {
    if (!token) return Promise.resolve();
    var path = "/api/v1/agent/centre-queue?limit=100" + (centreReason ? "&reason=" + encodeURIComponent(centreReason) : "");
    return api(path).then(function (body) {
      $("centre-error").textContent = "";
      renderCentre(body);
    }).catch(function (error) {
      $("centre-error").textContent = "待处理工单未能加载：" + describe(error);
    });
  }

  function renderCentre(body) {
    var filters = $("centre-filters");
    clear(filters);
    [[null, "全部"]].concat(CENTRE_REASONS).forEach(function (r) {
      var count = r[0] ? body.counts[r[0]] || 0 : body.waiting;
      filters.appendChild(h("button", {
        type: "button",
        class: "filter-btn",
        "aria-pressed": String(centreReason === r[0]),
        "data-reason": r[0] || "all",
        text: r[1] + " " + count,
        onclick: function () {
          centreReason = r[0];
          $("centre-status").textContent = "";
          loadCentre();
        },
      }));
    });
    var list = $("centre-list");
    clear(list);
    $("centre-empty").hidden = body.orders.length > 0;
    $("centre-more").textContent = body.total > body.orders.length
      ? "共 " + body.total + " 件，此处显示最先待办的 " + body.orders.length + " 件。" : "";
    body.orders.forEach(function (order) { list.appendChild(centreItem(order)); });
  }

  function fact(term, value) {
    return [h("dt", { text: term }), h("dd", { text: value === null || value === undefined || value === "" ? "—" : value })];
  }

  function centreItem(order) {
    var facts = [];
    var has = function (reason) { return order.reasons.indexOf(reason) >= 0; };
    if (order.returned) {
      facts.push(fact("退回单位", order.returned.actor + " · " + momentText(order.returned.at)));
      facts.push(fact("退回理由", order.returned.note));
    }
    if (order.extension_days) {
      facts.push(fact("延期申请", order.extension_days + " 个工作日" + (order.extension ? "（" + order.extension.actor + "，" + momentText(order.extension.at) + "）" : "")));
      if (order.extension) facts.push(fact("申请理由", order.extension.note));
      facts.push(fact("办理时限", dayText(order.due_date) + "，同意后延至 " + dayText(order.extended_due)));
    }
    if (order.deadline && order.deadline.urgency === "overdue") {
      facts.push(fact(order.deadline.kind === "sign" ? "签收时限" : "办理时限", dayText(order.deadline.due) + "，已超期"));
    }
    if (order.supervision_count) facts.push(fact("督办", "已督办 " + order.supervision_count + " 次，最近一次 " + momentText(order.supervised_at)));
    if (order.reopened_count) facts.push(fact("重办", "市民回访不满意，已重办 " + order.reopened_count + " 次"));
    if (order.result) facts.push(fact("办理结果", order.result));
    if (has("visit")) {
      facts.push(fact("办结时间", momentText(order.completed_at)));
      facts.push(fact("回访方式", order.conversation
        ? "市民已在对话中收到回访询问，逾 2 个工作日未答复，请电话回访。"
        : "工单未经对话渠道受理，请电话回访。"));
    }
    if (order.satisfaction) facts.push(fact("回访结果", SATISFACTION_TEXT[order.satisfaction] || order.satisfaction));

    var badges = order.reasons.map(function (reason) {
      return h("span", { class: "badge reason-" + reason, text: REASON_TEXT[reason] || reason });
    });
    var error = h("p", { class: "error", role: "alert" });
    var formBox = h("div", { class: "centre-form-box" });
    var duplicatesBox = h("div", { class: "dup-box", id: "dup-centre-" + order.number, hidden: true });
    var buttons = h("div", { class: "reply-actions centre-actions" });
    var item = h("li", { class: "centre-item reason-" + order.reasons[0], "data-number": order.number }, [
      h("div", { class: "centre-head" }, [
        h("strong", { class: "centre-number", text: order.number }),
      ].concat(badges).concat([h("span", { class: "badge badge-state", text: order.status_text })])),
      h("p", { class: "muted small-text centre-meta", text: order.category_name + " · 承办单位：" + (order.unit_name || order.department_name) +
        (UNIT_LEVELS[order.unit_level] ? "（" + UNIT_LEVELS[order.unit_level] + "）" : "") +
        " · 受理 " + momentText(order.created_at) + " · 办理时限 " + dayText(order.due_date) }),
      h("p", { class: "centre-excerpt", text: order.excerpt }),
      facts.length ? h("dl", { class: "centre-facts" }, [].concat.apply([], facts)) : null,
      buttons,
      formBox,
      duplicatesBox,
      error,
    ]);
    CENTRE_BUTTONS.forEach(function (spec) {
      if (order.actions.indexOf(spec.action) < 0) return;
      if (!spec.reasons.some(has)) return;
      buttons.appendChild(h("button", {
        type: "button",
        class: spec.cls,
        "aria-expanded": "false",
        "aria-label": spec.label + "：工单 " + order.number,
        text: spec.label,
        onclick: function (event) { toggleCentreForm(order, spec, formBox, error, event.currentTarget); },
      }));
    });
    buttons.appendChild(duplicatesToggle(order.number, duplicatesBox, "centre"));
    return item;
  }

  function toggleCentreForm(order, spec, box, error, button) {
    var open = box.getAttribute("data-action") === spec.action;
    clear(box);
    box.removeAttribute("data-action");
    error.textContent = "";
    Array.prototype.forEach.call(button.parentNode.querySelectorAll("button:not(.dup-toggle)"), function (b) { b.setAttribute("aria-expanded", "false"); });
    if (open) return;
    if (spec.action === "dispatch" && !categories) {
      error.textContent = "改派类别尚未加载，请点击“刷新”后重试。";
      loadCategories();
      return;
    }
    var form = centreForm(order, spec, error);
    box.setAttribute("data-action", spec.action);
    box.appendChild(form);
    button.setAttribute("aria-expanded", "true");
    var first = form.querySelector("select, input, textarea");
    if (first) first.focus();
  }

  function textArea(id, label, required, value) {
    return [
      h("label", { for: id, text: label }),
      h("textarea", { id: id, rows: "3", maxlength: "2000", required: required || null, text: value || "" }),
    ];
  }

  function centreForm(order, spec, error) {
    var id = "centre-" + spec.action + "-" + order.number;
    var fields = [];
    var submitText = "确认";
    if (spec.action === "dispatch") {
      var select = h("select", { id: id + "-category" });
      categories.forEach(function (c) {
        select.appendChild(h("option", {
          value: c.code,
          selected: c.code === order.category,
          text: c.name + "（" + c.department_name + "，" + (UNIT_LEVELS[c.level] || "") + "承办，" + c.time_limit_days + " 个工作日）" + (c.code === order.category ? " · 原类别" : ""),
        }));
      });
      fields = [h("label", { for: id + "-category", text: "改派类别（按类别和事发地重新确定承办单位）" }), select];
      submitText = "确认改派";
    } else if (spec.action === "approve_extension") {
      fields = textArea(id + "-note", "审批意见（选填，将记入办理记录）", false);
      submitText = "确认同意延期";
    } else if (spec.action === "refuse_extension") {
      fields = textArea(id + "-note", "不同意理由（必填，将告知承办单位）", true);
      submitText = "确认不同意";
    } else if (spec.action === "supervise") {
      fields = textArea(id + "-note", "督办意见（将记入办理记录，承办单位可见）", false, "请承办单位抓紧办理，并于今日内反馈办理进展。");
      submitText = "确认督办";
    } else if (spec.action === "visit") {
      var group = h("fieldset", { class: "satisfaction" }, [h("legend", { text: "市民对办理结果的评价（必选）" })]);
      SATISFACTION.forEach(function (s) {
        var radio = id + "-" + s[0];
        group.appendChild(h("label", { class: "radio", for: radio }, [
          h("input", { type: "radio", id: radio, name: id + "-satisfaction", value: s[0] }),
          s[1],
        ]));
      });
      fields = [group].concat(textArea(id + "-note", "回访记录（选填：市民原话、补充意见）", false));
      submitText = "提交回访";
    } else if (spec.action === "close") {
      fields = textArea(id + "-note", "结案说明（选填）", false);
      submitText = "确认结案";
    }
    var form = h("form", { class: "centre-form", novalidate: true }, fields.concat([
      h("div", { class: "reply-actions" }, [
        h("button", { type: "submit", class: spec.action === "refuse_extension" || spec.action === "supervise" ? "danger small" : "primary small", text: submitText }),
      ]),
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitCentre(order, spec, form, id, error);
    });
    return form;
  }

  function submitCentre(order, spec, form, id, error) {
    if (centreBusy) return;
    error.textContent = "";
    var note = form.querySelector("textarea") ? form.querySelector("textarea").value.trim() : "";
    var request;
    var satisfaction = null;
    if (spec.action === "dispatch") {
      var category = $(id + "-category").value;
      request = api("/api/v1/agent/work-orders/" + encodeURIComponent(order.number) + "/dispatch", { method: "POST", body: { category: category } });
    } else {
      var body = { action: spec.action };
      if (note) body.note = note;
      if (spec.action === "refuse_extension" && !note) {
        error.textContent = "请填写不同意延期的理由。";
        form.querySelector("textarea").setAttribute("aria-invalid", "true");
        form.querySelector("textarea").focus();
        return;
      }
      if (spec.action === "visit") {
        var chosen = form.querySelector("input[type=radio]:checked");
        if (!chosen) {
          error.textContent = "请选择市民对办理结果的评价。";
          form.querySelector("input[type=radio]").focus();
          return;
        }
        body.satisfaction = chosen.value;
        satisfaction = chosen.value;
      }
      request = api("/api/v1/agent/work-orders/" + encodeURIComponent(order.number) + "/actions", { method: "POST", body: body });
    }
    centreBusy = true;
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    request.then(function (done) {
      $("centre-error").textContent = "";
      $("centre-status").textContent = centreDone(order, spec, done, satisfaction);
      return loadCentre().then(function () { $("centre-title").focus(); });
    }).catch(function (failure) {
      if (failure instanceof ApiError && failure.status === 401) return;
      var said = centreError(failure);
      if (said.moved) {
        $("centre-status").textContent = "";
        $("centre-error").textContent = "工单 " + order.number + "：" + said.text;
        return loadCentre().then(function () {
          // The list was redrawn: keep the message where it was, in the list's head.
          $("centre-error").textContent = "工单 " + order.number + "：" + said.text;
        });
      }
      error.textContent = said.text;
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
    }).then(function () { centreBusy = false; }, function () { centreBusy = false; });
  }

  function centreDone(order, spec, done, satisfaction) {
    var number = order.number;
    if (spec.action === "dispatch") return "工单 " + number + " 已改派至" + (done.unit_name || done.department_name) + "（" + done.category_name + "），办理时限 " + dayText(done.due_date) + "。";
    if (spec.action === "approve_extension") return "已同意工单 " + number + " 延期，办理时限延至 " + dayText(done.due_date) + "。";
    if (spec.action === "refuse_extension") return "已不同意工单 " + number + " 的延期申请，已告知承办单位按原时限办理。";
    if (spec.action === "supervise") return "已对工单 " + number + " 督办。";
    if (spec.action === "visit") {
      if (done.status === "dispatched") return "工单 " + number + " 回访不满意，已退回承办单位重办。";
      if (satisfaction === "dissatisfied") return "工单 " + number + " 重办后回访仍不满意，已转督办，请研究后续处理。";
      return "工单 " + number + " 回访已登记（" + SATISFACTION_TEXT[satisfaction] + "），可予结案。";
    }
    if (spec.action === "close") return "工单 " + number + " 已结案。";
    return "工单 " + number + " 已处理。";
  }

  // ---------------------------------------------------------------- one event, one case
  // Reports of one event are joined into one order. Any order of the dispatch review or
  // the centre's desk, and any order by its number, shows its 疑似重复: the open orders
  // it may repeat, best first, each of which it can be merged into, and the reports
  // joined to it, each of which can be split off again. Both are confirmed on the page
  // rather than in a native dialog, so keyboard and screen reader reach them like any
  // other form, and the split asks for its optional reason in the same place.

  var ORDER_NUMBER = /^GD\d{14}$/;
  var DUPLICATE_VIEWS = {
    dispatch: { status: "dispatch-status", error: "dispatch-error", title: "dispatch-title", load: function () { return loadDispatchQueue(); } },
    centre: { status: "centre-status", error: "centre-error", title: "centre-title", load: function () { return loadCentre(); } },
  };
  // The statuses a refused merge names, as an agent says them.
  var NOT_HANDLED = { merged: "已合并至其他工单", completed: "已办结", visited: "已回访", closed: "已结案" };
  var duplicatesBusy = false;
  var lookedUp = { dispatch: null, centre: null }; // the number each lookup box shows

  function orderPath(number, what) {
    return "/api/v1/agent/work-orders/" + encodeURIComponent(number) + "/" + what;
  }

  function percent(score) { return Math.round(score * 100) + "%"; }

  /** The merge and split routes' refusals in the words an agent expects; ``moved``: the orders changed under us. */
  function duplicateError(error, number) {
    var text = error instanceof ApiError && typeof error.detail === "string" ? error.detail : "";
    var found;
    if (error instanceof ApiError && error.status === 404) {
      found = /'([^']+)'/.exec(text); // "work order 'GD…' not found": either of the two
      return { text: "未找到工单 " + (found ? found[1] : number) + "，请核对工单号。", moved: true };
    }
    if (/merged into itself/.test(text)) return { text: "不能把工单合并到它自己。", moved: false };
    found = /work order (\S+) is (\w+): only an order still being handled/.exec(text);
    if (found) {
      return { text: "工单 " + found[1] + " " + (NOT_HANDLED[found[2]] || "已不在办理中") + "，只有仍在办理中的工单才能合并。已刷新，请核对后再操作。", moved: true };
    }
    found = /work order (\S+) is not merged/.exec(text);
    if (found) return { text: "工单 " + found[1] + " 已不是合并的反映（可能已由他人拆分），无需拆分。已刷新，请核对。", moved: true };
    if (error instanceof ApiError && error.status === 409) return { text: "工单已由他人处理，状态已变化，已刷新，请核对后再操作。", moved: true };
    if (error instanceof ApiError && Array.isArray(error.detail) && error.detail.length) {
      var aboutNote = error.detail.some(function (d) { return /note/.test(d.field); });
      return { text: aboutNote ? "拆分理由请不超过 500 字。" : "工单号格式不正确，应为 GD 加 14 位数字。", moved: false };
    }
    return { text: describe(error), moved: false };
  }

  /** The 疑似重复 button of an order in a list, opening ``box`` below it. */
  function duplicatesToggle(number, box, view) {
    var button = h("button", {
      type: "button",
      class: "ghost-dark small dup-toggle",
      text: "疑似重复",
      "aria-expanded": "false",
      "aria-controls": box.id,
      "aria-label": "疑似重复：工单 " + number,
      onclick: function () {
        var open = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-expanded", String(!open));
        box.hidden = open;
        clear(box);
        if (!open) loadDuplicates(number, box, { view: view, lookup: false });
      },
    });
    return button;
  }

  /** Open the 疑似重复 of an order still listed in ``view``; false when it has left the list. */
  function reopenDuplicates(view, number, message) {
    var item = document.querySelector("#" + view + "-list > li[data-number='" + number + "']");
    var button = item && item.querySelector(".dup-toggle");
    if (!button) return false;
    var box = $(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", "true");
    box.hidden = false;
    loadDuplicates(number, box, { view: view, lookup: false }, message);
    return true;
  }

  /** An order's candidates and joined reports, drawn in ``box``; ``message``: a refusal to keep shown. */
  function loadDuplicates(number, box, where, message) {
    clear(box);
    box.appendChild(h("p", { class: "muted small-text", text: "正在查找工单 " + number + " 的疑似重复…" }));
    box.setAttribute("aria-busy", "true");
    return api(orderPath(number, "duplicates") + "?limit=5").then(function (body) {
      renderDuplicates(body, box, where, message);
    }).catch(function (error) {
      if (error instanceof ApiError && error.status === 401) return;
      if (where.lookup) lookedUp[where.view] = null;
      clear(box);
      box.appendChild(h("p", { class: "error", role: "alert", text: "疑似重复未能加载：" + duplicateError(error, number).text }));
    }).then(function () { box.removeAttribute("aria-busy"); });
  }

  function renderDuplicates(body, box, where, message) {
    clear(box);
    // ``prefix`` keeps ids apart when one order is open both in a list and the lookup box.
    where = { view: where.view, lookup: where.lookup, owner: body.number, prefix: box.id };
    var error = h("p", { class: "error", role: "alert", text: message || "" });
    var titleId = box.id + "-title";
    var head = h("div", { class: "dup-panel-head" }, [
      h("h3", { id: titleId, tabindex: "-1", text: "工单 " + body.number + " · 疑似重复与合并" }),
    ]);
    if (where.lookup) {
      head.appendChild(h("button", {
        type: "button", class: "link-btn", text: "收起", "aria-label": "收起：工单 " + body.number + " 的疑似重复",
        onclick: function () {
          lookedUp[where.view] = null;
          clear(box);
          $(where.view + "-lookup-number").focus();
        },
      }));
    }
    var panel = h("section", { class: "dup-panel", "aria-labelledby": titleId, "data-number": body.number }, [head]);
    if (body.merged_into) {
      panel.appendChild(h("div", { class: "dup-merged" }, [
        h("p", {}, ["本工单是已合并的反映，随工单 ", h("strong", { text: body.merged_into }), " 一并办理。"]),
        splitControls(body.number, body.merged_into, where, error),
      ]));
    }
    panel.appendChild(h("h4", { text: "可能重复的在办工单" + (body.candidates.length ? "（" + body.candidates.length + "）" : "") }));
    if (body.candidates.length) {
      var candidates = h("ol", { class: "dup-list" });
      body.candidates.forEach(function (c) { candidates.appendChild(candidateItem(body.number, c, where, error)); });
      panel.appendChild(candidates);
    } else {
      panel.appendChild(h("p", { class: "muted small-text", text: body.merged_into
        ? "已合并的反映不再比对重复。"
        : "未发现疑似重复的在办工单。（只比对仍在办理中的工单；已办结的工单不再比对。）" }));
    }
    if (body.joined.length) {
      panel.appendChild(h("h4", { text: "已合并的反映（" + body.joined.length + "）" }));
      var joined = h("ul", { class: "dup-list" });
      body.joined.forEach(function (j) { joined.appendChild(joinedItem(body.number, j, where, error)); });
      panel.appendChild(joined);
    }
    panel.appendChild(error);
    box.appendChild(panel);
  }

  /** The lines both lists show of an order: number, status, similarity, where, when, what. */
  function comparedOrder(o) {
    var place = (o.district || "") + (o.street || "");
    return [
      h("div", { class: "dup-head" }, [
        h("strong", { class: "centre-number", text: o.number }),
        h("span", { class: "badge badge-state", text: o.status_text }),
        o.score === null || o.score === undefined ? null : h("span", { class: "pill pill-best", text: "相似度 " + percent(o.score) }),
      ]),
      h("p", { class: "muted small-text dup-meta", text: [
        o.category_name,
        place || null,
        o.address ? "地址：" + o.address : null,
        "受理 " + momentText(o.created_at),
      ].filter(Boolean).join(" · ") }),
      h("p", { class: "dup-excerpt", text: o.description }),
      o.reasons && o.reasons.length ? h("p", { class: "small-text dup-reasons", text: "相似依据：" + o.reasons.join("；") }) : null,
    ];
  }

  function candidateItem(number, candidate, where, error) {
    var confirmBox = h("div", { class: "dup-confirm", id: where.prefix + "-merge-" + candidate.number, hidden: true });
    var mergeButton = h("button", {
      type: "button",
      class: "secondary small",
      text: "合并到此工单",
      "aria-expanded": "false",
      "aria-controls": confirmBox.id,
      "aria-label": "合并到此工单：工单 " + candidate.number,
      onclick: function () {
        if (closeConfirm(confirmBox, mergeButton)) return;
        error.textContent = "";
        var yes = h("button", { type: "button", class: "primary small", text: "确认合并" });
        var no = h("button", { type: "button", class: "ghost-dark small", text: "取消" });
        yes.addEventListener("click", function () {
          duplicateAction(orderPath(number, "merge"), { into: candidate.number }, number, where, error, [yes, no, mergeButton], function (order) {
            return "工单 " + order.number + " 已合并至 " + (order.merged_into || candidate.number) + "。";
          });
        });
        no.addEventListener("click", function () { closeConfirm(confirmBox, mergeButton, true); });
        openConfirm(confirmBox, mergeButton, [
          h("p", { text: "确认将工单 " + number + " 合并到工单 " + candidate.number + "？合并后工单 " + number +
            " 不再单独派单，随工单 " + candidate.number + " 一并办理，其反映人将收到合并通知。" }),
          h("div", { class: "reply-actions" }, [yes, no]),
        ], yes);
      },
    });
    return h("li", { class: "dup-item", "data-number": candidate.number }, comparedOrder(candidate).concat([
      h("div", { class: "reply-actions" }, [mergeButton]),
      confirmBox,
    ]));
  }

  function joinedItem(number, report, where, error) {
    return h("li", { class: "dup-item dup-joined", "data-number": report.number },
      comparedOrder(report).concat([splitControls(report.number, number, where, error)]));
  }

  /** 拆分: the button, and the form asking for the optional reason. */
  function splitControls(number, from, where, error) {
    var confirmBox = h("div", { class: "dup-confirm", id: where.prefix + "-split-" + number, hidden: true });
    var splitButton = h("button", {
      type: "button",
      class: "ghost-dark small",
      text: "拆分",
      "aria-expanded": "false",
      "aria-controls": confirmBox.id,
      "aria-label": "拆分：工单 " + number,
      onclick: function () {
        if (closeConfirm(confirmBox, splitButton)) return;
        error.textContent = "";
        var noteId = confirmBox.id + "-note";
        var note = h("textarea", { id: noteId, rows: "2", maxlength: "500" });
        var yes = h("button", { type: "button", class: "primary small", text: "确认拆分" });
        var no = h("button", { type: "button", class: "ghost-dark small", text: "取消" });
        yes.addEventListener("click", function () {
          var reason = note.value.trim();
          duplicateAction(orderPath(number, "split"), reason ? { note: reason } : {}, number, where, error, [yes, no, splitButton], function (order) {
            return "工单 " + order.number + " 已拆分，回到待派单。";
          });
        });
        no.addEventListener("click", function () { closeConfirm(confirmBox, splitButton, true); });
        openConfirm(confirmBox, splitButton, [
          h("p", { text: "将工单 " + number + " 从工单 " + from + " 拆出，作为单独工单回到待审核派单，办理时限自今日重新计算。" }),
          h("label", { for: noteId, text: "拆分理由（选填，记入办理记录）" }),
          note,
          h("div", { class: "reply-actions" }, [yes, no]),
        ], note);
      },
    });
    return h("div", { class: "dup-split" }, [h("div", { class: "reply-actions" }, [splitButton]), confirmBox]);
  }

  function openConfirm(box, button, children, focus) {
    clear(box);
    children.forEach(function (child) { box.appendChild(child); });
    box.hidden = false;
    button.setAttribute("aria-expanded", "true");
    focus.focus();
  }

  /** Close an open confirmation; true if it was open. */
  function closeConfirm(box, button, refocus) {
    var open = !box.hidden;
    clear(box);
    box.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (refocus) button.focus();
    return open;
  }

  /** POST a merge or split; announce it and refresh the view, or say why not. */
  function duplicateAction(path, body, number, where, error, buttons, done) {
    if (duplicatesBusy) return;
    duplicatesBusy = true;
    error.textContent = "";
    buttons.forEach(function (b) { b.disabled = true; });
    var view = DUPLICATE_VIEWS[where.view];
    api(path, { method: "POST", body: body }).then(function (order) {
      $(view.error).textContent = "";
      $(view.status).textContent = done(order);
      return refreshAfterDuplicates(where).then(function () {
        var title = where.lookup ? $(where.view + "-lookup-result-title") : null;
        (title || $(view.title)).focus();
      });
    }).catch(function (failure) {
      if (failure instanceof ApiError && failure.status === 401) return;
      var refused = duplicateError(failure, number);
      if (!refused.moved) {
        error.textContent = refused.text;
        buttons.forEach(function (b) { b.disabled = false; });
        return;
      }
      // The orders changed under the agent: show them as they are now, with the reason.
      $(view.status).textContent = "";
      if (where.lookup) return refreshAfterDuplicates(where, refused.text);
      return view.load().then(function () {
        if (!reopenDuplicates(where.view, where.owner, refused.text)) {
          $(view.error).textContent = "工单 " + number + "：" + refused.text;
        }
      });
    }).then(function () { duplicatesBusy = false; }, function () { duplicatesBusy = false; });
  }

  /** After a merge or split: the view's list, and the order its lookup box shows. */
  function refreshAfterDuplicates(where, message) {
    var jobs = [DUPLICATE_VIEWS[where.view].load()];
    var number = lookedUp[where.view];
    if (number) {
      jobs.push(loadDuplicates(number, $(where.view + "-lookup-result"), { view: where.view, lookup: true }, where.lookup ? message : undefined));
    }
    return Promise.all(jobs);
  }

  ["dispatch", "centre"].forEach(function (view) {
    $(view + "-lookup").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $(view + "-lookup-number");
      var number = input.value.replace(/\s+/g, "").toUpperCase();
      $(view + "-lookup-error").textContent = "";
      input.removeAttribute("aria-invalid");
      if (!ORDER_NUMBER.test(number)) {
        $(view + "-lookup-error").textContent = "请输入完整的工单号：GD 加 14 位数字。";
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.value = number;
      lookedUp[view] = number;
      loadDuplicates(number, $(view + "-lookup-result"), { view: view, lookup: true });
    });
  });

  // A caller who lost the tracking number: their cases by the phone given when filing.
  $("caller-lookup").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("caller-phone");
    var phone = input.value.replace(/[\s-]+/g, "");
    var out = $("caller-cases");
    $("caller-lookup-error").textContent = "";
    input.removeAttribute("aria-invalid");
    clear(out);
    if (!/^(\+?86)?1\d{10}$/.test(phone)) {
      $("caller-lookup-error").textContent = "请输入11位手机号码。";
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    api("/api/v1/agent/caller-cases", { method: "POST", body: { phone: phone } }).then(function (body) {
      input.value = "";
      if (!body.cases.length) {
        out.appendChild(h("p", { class: "empty", text: "手机号 " + body.phone + " 名下没有查到工单或申请（匿名反映的、已过保存期限的不在其中）。" }));
        return;
      }
      out.appendChild(h("p", { class: "muted small-text", text: "手机号 " + body.phone + " 名下共 " + body.cases.length + " 件" + (body.more ? "（只列出最近的）" : "") + "：" }));
      out.appendChild(h("ul", { class: "caller-cases" }, body.cases.map(function (found) {
        return h("li", {}, [
          h("strong", { text: found.number }),
          " · " + (found.kind === "application" ? "申请：" : "") + found.subject,
          " · " + found.status,
          " · 登记于 " + momentText(found.filed_at),
          found.handled_by ? " · " + found.handled_by : null,
        ]);
      })));
    }).catch(function (error) {
      $("caller-lookup-error").textContent = describe(error);
    });
  });

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
        button = h("button", { type: "button", class: "primary small", text: "接入", "aria-label": "接入：会话 " + handoff.id, onclick: function () { take(handoff); } });
      } else {
        button = h("button", { type: "button", class: "secondary small", text: mine ? "处理中" : "查看", "aria-label": (mine ? "处理中" : "查看") + "：会话 " + handoff.id, disabled: mine, onclick: function () { take(handoff); } });
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
      else if (body.handoff === "cancelled") closeConversation("市民已结束人工服务。");
      else if (body.handoff === "expired") closeConversation("该请求等待超时，已请市民留下电话等待回电。");
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
      : body.suggestions.length ? intent
      : body.work_order ? "来电反映的是诉求，没有相关办事指南，请核对下方工单。" + intent
      : "没有找到匹配的办事指南。" + intent;
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
        // The source and 最近核验 stay in view however long the answer is cut off.
        s.provenance ? h("p", { class: s.stale ? "sugg-provenance sugg-stale" : "sugg-provenance", text: s.provenance }) : null,
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
    $("wo-kind").value = "problem";
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
      kind: $("wo-kind").value,
    };
    $("wo-submit").disabled = true;
    api("/api/v1/work-orders", { method: "POST", body: body, headers: { "Idempotency-Key": workOrderKey } }).then(function (order) {
      $("wo-error").textContent = "";
      var unit = order.unit_name || order.department_name;
      if (order.kind === "praise") {
        $("wo-result").textContent = "表扬已转达：" + order.number + "（" + unit + "）";
        insertReply("感谢您的表扬！已登记为表扬件，编号 " + order.number + "，我们已转达" + unit + "。表扬件无需答复，不再另行回访。");
      } else {
        $("wo-result").textContent = "工单已创建：" + order.number + "（" + order.category_name + " → " + order.department_name + "，" + order.due_date + " 前办结）";
        insertReply("已为您登记工单，编号 " + order.number + "，承办部门：" + order.department_name + "。您可以凭编号随时查询办理进度。");
      }
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
