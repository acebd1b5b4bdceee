/*
 * 12345 department workbench: a handling unit's queue of work orders, one order in
 * detail, what the unit does with it (签收, 开始办理, 办结, 退回, 申请延期), and the
 * notices the centre sent it about time limits (通知). Plain JavaScript, no build step,
 * no libraries.
 *
 * The unit's bearer token lives in sessionStorage (this tab only) and goes with every
 * call. Everything the server sends is put into the page with textContent, never as
 * markup. Which notices were read is kept in this browser (localStorage, per unit):
 * the newest notice id marked read, nothing else.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "hotline-department-token";
  var QUEUE_MS = 30000;
  var API = "/api/v1/department/work-orders";
  var NOTICES_API = "/api/v1/department/notices";
  var SEEN_KEY = "hotline-department-notices-seen:";

  var ACTIONS = {
    sign: { label: "签收", done: "已签收", cls: "primary" },
    start: { label: "开始办理", done: "已开始办理", cls: "primary" },
    complete: { label: "办结", done: "已办结，办理结果已提交", cls: "primary", form: "complete-form" },
    request_extension: { label: "申请延期", done: "延期申请已提交，待热线中心审核", cls: "secondary", form: "extension-form" },
    "return": { label: "退回", done: "已退回热线中心", cls: "danger-outline", form: "return-form" },
  };
  var ORDER = ["sign", "start", "complete", "request_extension", "return"];
  var URGENCY = {
    overdue: { text: "已超期", cls: "badge-overdue" },
    near: { text: "即将到期", cls: "badge-near" },
    on_time: { text: "时限内", cls: "badge-ok" },
  };
  var DEADLINE_KIND = { sign: "签收时限", handle: "办理时限" };
  var NOTICE_KINDS = {
    sign_overdue: { text: "逾期未签收", cls: "badge-overdue" },
    due_warning: { text: "临近办理时限", cls: "badge-near" },
    overdue: { text: "超期督办", cls: "badge-overdue" },
    praise: { text: "市民表扬", cls: "badge-ok" },
  };
  var LEVELS = { city: "市级", district: "区级", street: "街镇" };
  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];
  var ACTION_NAMES = {
    dispatch: "派单", sign: "签收", start: "开始办理", complete: "办结", "return": "退回",
    request_extension: "申请延期", approve_extension: "同意延期", refuse_extension: "不同意延期",
    supervise: "督办", visit: "回访", close: "结案",
  };

  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(TOKEN_KEY);
  var queueTimer = null;
  var current = null; // the order shown, as the API returned it
  var busy = false;
  var unitName = null;
  var notices = null; // the notices as the API last returned them

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

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** "2026-12-08" as "12月8日（周二）". */
  function day(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!match) return "—";
    var date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return Number(match[2]) + "月" + Number(match[3]) + "日（周" + WEEKDAYS[date.getDay()] + "）";
  }

  /** Server times are Shanghai's; shown as they are: "12月7日 09:30". */
  function moment(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? Number(match[2]) + "月" + Number(match[3]) + "日 " + match[4] : "—";
  }

  function ApiError(status, detail) { this.status = status; this.detail = detail; }

  /** The lifecycle's reasons, in the words a unit expects. */
  function reason(detail) {
    var text = String(detail || "");
    if (/already waiting/.test(text)) return "本工单已有延期申请，正在等待热线中心审核。";
    if (/working days/.test(text)) return "延期天数应为 1 至 30 个工作日。";
    if (/needs a reason or result/.test(text)) return "请填写办理结果或理由后再提交。";
    if (/^action: cannot /.test(text)) return "工单当前状态不允许该操作，可能已被他人处理，已为您刷新。";
    return "操作未成功：" + text;
  }

  function describe(error) {
    if (!(error instanceof ApiError)) return "网络连接失败，请检查网络后重试。";
    if (error.status === 404) return "未找到该工单，或该工单不属于本单位。";
    if (error.status === 409) return "工单状态已发生变化，已为您刷新，请核对后重试。";
    if (error.status === 429) return "操作过于频繁，请稍候再试。";
    if (error.status >= 500) return "系统暂时无法处理，请稍后重试。";
    if (typeof error.detail === "string") return reason(error.detail);
    if (Array.isArray(error.detail) && error.detail.length) {
      return "请检查填写内容：" + error.detail.map(function (d) { return fieldName(d.field); }).join("、");
    }
    return "操作未成功（" + error.status + "）。";
  }

  function fieldName(field) {
    if (/days/.test(field)) return "延期工作日数（1–30）";
    if (/note/.test(field)) return "说明文字（不超过 2000 字）";
    return field;
  }

  function api(path, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + token };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    }).then(function (response) {
      if (response.status === 401) {
        signOut("访问令牌无效、已过期或已被撤销，请与热线中心联系重新发放。");
        throw new ApiError(401, "unauthorized");
      }
      if (response.status === 403) {
        signOut("该令牌不是承办单位令牌。热线坐席请使用坐席工作台。");
        throw new ApiError(403, "forbidden");
      }
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw new ApiError(response.status, body.detail);
        });
      }
      return response.json();
    });
  }

  // ---------------------------------------------------------------- sign in / out

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) {
      $("signin-error").textContent = "请输入访问令牌。";
      $("token").focus();
      return;
    }
    token = value;
    $("signin-error").textContent = "";
    loadQueue(true).catch(function () { /* shown by loadQueue or signOut */ });
  });

  $("sign-out").addEventListener("click", function () { signOut(""); });

  function signOut(message) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (queueTimer) window.clearInterval(queueTimer);
    queueTimer = null;
    current = null;
    unitName = null;
    notices = null;
    $("workspace").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message || "";
    $("token").focus();
  }

  function enterWorkspace(unit) {
    unitName = unit;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token").value = "";
    $("unit-name").textContent = unit;
    $("signin").hidden = true;
    $("workspace").hidden = false;
    $("who").hidden = false;
    if (!queueTimer) queueTimer = window.setInterval(refreshAll, QUEUE_MS);
  }

  // ---------------------------------------------------------------- queue

  $("refresh").addEventListener("click", function () {
    $("queue-status").textContent = "";
    loadNotices();
    loadQueue(false).then(function () {
      $("queue-status").textContent = "已刷新，共 " + $("queue-count").textContent + " 件待办。";
    }, function () { /* shown by loadQueue */ });
  });

  function refreshQueue() {
    loadQueue(false).catch(function () { /* shown by loadQueue */ });
  }

  function refreshAll() {
    refreshQueue();
    loadNotices();
  }

  function loadQueue(signingIn) {
    if (!token) return Promise.resolve();
    return api(API + "?limit=100").then(function (body) {
      if (signingIn) {
        enterWorkspace(body.unit);
        $("queue-title").focus();
        loadNotices();
      }
      $("queue-error").textContent = "";
      renderQueue(body);
    }).catch(function (error) {
      var target = signingIn ? "signin-error" : "queue-error";
      if (!(error instanceof ApiError && (error.status === 401 || error.status === 403))) {
        $(target).textContent = describe(error);
      }
      throw error;
    });
  }

  function renderQueue(body) {
    var list = $("queue-list");
    clear(list);
    $("queue-count").textContent = String(body.total);
    $("queue-empty").hidden = body.orders.length > 0;
    var overdue = body.orders.filter(function (o) { return o.deadline.urgency === "overdue"; }).length;
    $("queue-title").setAttribute("data-overdue", String(overdue));
    body.orders.forEach(function (order) {
      var urgency = URGENCY[order.deadline.urgency] || URGENCY.on_time;
      var badges = [h("span", { class: "badge badge-status", text: order.status_text })];
      if (order.deadline.urgency !== "on_time") badges.push(h("span", { class: "badge " + urgency.cls, text: urgency.text }));
      if (order.extension_days) badges.push(h("span", { class: "badge badge-near", text: "延期待审" }));
      if (order.supervised) badges.push(h("span", { class: "badge badge-overdue", text: "督办" }));
      if (order.reopened) badges.push(h("span", { class: "badge badge-near", text: "重办" }));
      var label = "工单 " + order.number + "，" + order.category_name + "，" + order.status_text + "，" +
        DEADLINE_KIND[order.deadline.kind] + day(order.deadline.due) +
        (order.deadline.urgency !== "on_time" ? "，" + urgency.text : "");
      list.appendChild(h("li", {
        class: "queue-item urgency-" + order.deadline.urgency,
        "data-number": order.number,
      }, [
        h("button", {
          type: "button",
          class: "queue-open",
          "aria-label": label,
          onclick: function () { openOrder(order.number); },
        }, [
          h("span", { class: "queue-top" }, [
            h("strong", { class: "queue-number", text: order.number }),
            h("span", { class: "queue-category", text: order.category_name }),
          ]),
          h("span", { class: "queue-badges" }, badges),
          h("span", { class: "queue-excerpt", text: order.excerpt }),
          h("span", { class: "queue-deadline" }, [
            DEADLINE_KIND[order.deadline.kind] + "：",
            h("strong", { text: day(order.deadline.due) }),
            order.street ? " · " + order.street : (order.district ? " · " + order.district : ""),
          ]),
        ]),
      ]));
    });
    markCurrent();
  }

  /** The order shown is marked in the queue, for the eye and for screen readers. */
  function markCurrent() {
    Array.prototype.forEach.call($("queue-list").children, function (item) {
      var shown = current !== null && item.getAttribute("data-number") === current.number;
      item.classList.toggle("current", shown);
      var button = item.querySelector("button");
      if (shown) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
  }

  // ---------------------------------------------------------------- notices

  function seenKey() { return SEEN_KEY + (unitName || ""); }

  /** The newest notice id this browser marked read for the unit; 0 if none. */
  function seenUpTo() {
    try { return Number(window.localStorage.getItem(seenKey())) || 0; } catch (e) { return 0; }
  }

  function loadNotices() {
    if (!token) return Promise.resolve();
    return api(NOTICES_API + "?limit=30").then(function (body) {
      $("notices-error").textContent = "";
      notices = body;
      renderNotices();
    }).catch(function (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
      $("notices-error").textContent = "通知未能加载：" + describe(error);
    });
  }

  function renderNotices() {
    var body = notices;
    var list = $("notices-list");
    clear(list);
    var seen = seenUpTo();
    var unread = body.notices.filter(function (n) { return n.id > seen; }).length;
    $("notices-empty").hidden = body.notices.length > 0;
    $("notices-unread").hidden = unread === 0;
    $("notices-unread").textContent = unread + " 条未读";
    $("notices-read").hidden = unread === 0;
    $("notices-jump").textContent = unread ? "通知（" + unread + " 条未读）" : "通知";
    $("notices-jump").classList.toggle("has-unread", unread > 0);
    $("notices-more").textContent = body.total > body.notices.length
      ? "共 " + body.total + " 条通知，此处显示最新 " + body.notices.length + " 条。"
      : "";
    body.notices.forEach(function (notice) {
      var kind = NOTICE_KINDS[notice.kind] || { text: "通知", cls: "badge-status" };
      var fresh = notice.id > seen;
      list.appendChild(h("li", {
        class: "notice" + (fresh ? " unread" : ""),
        "data-number": notice.number,
        "data-kind": notice.kind,
      }, [
        h("p", { class: "notice-head" }, [
          h("span", { class: "badge " + kind.cls, text: kind.text }),
          fresh ? h("span", { class: "badge badge-new", text: "未读" }) : null,
          h("time", { datetime: notice.created_at, text: moment(notice.created_at) }),
        ]),
        h("p", { class: "notice-text", text: notice.text }),
        // Praise waits in no queue, yet is the unit's own to read.
        notice.in_queue || notice.kind === "praise"
          ? h("button", {
            type: "button",
            class: "link-btn",
            "aria-label": "查看工单 " + notice.number,
            text: "查看工单",
            onclick: function () { openOrder(notice.number); },
          })
          : h("p", { class: "muted small-text notice-gone", text: "该工单已不在本单位待办中。" }),
      ]));
    });
  }

  $("notices-read").addEventListener("click", function () {
    if (!notices) return;
    var newest = notices.notices.reduce(function (max, n) { return Math.max(max, n.id); }, seenUpTo());
    try {
      window.localStorage.setItem(seenKey(), String(newest));
    } catch (e) {
      $("notices-error").textContent = "浏览器禁止保存已读状态（可能处于隐私模式），通知仍显示为未读。";
    }
    renderNotices();
    $("notices-title").focus();
  });

  $("notices-jump").addEventListener("click", function () {
    $("notices").scrollIntoView({ block: "start" });
    $("notices-title").focus();
  });

  // ---------------------------------------------------------------- one order

  function openOrder(number) {
    return api(API + "/" + encodeURIComponent(number)).then(function (order) {
      $("action-error").textContent = "";
      $("action-result").textContent = "";
      renderOrder(order);
      $("detail-title").focus();
    }).catch(function (error) {
      $("queue-error").textContent = describe(error);
    });
  }

  function field(term, value, extra) {
    return [h("dt", { text: term }), h("dd", { class: extra || null, text: value === null || value === undefined || value === "" ? "—" : value })];
  }

  function renderOrder(order) {
    current = order;
    $("detail-empty").hidden = true;
    $("detail-body").hidden = false;
    $("detail-title").textContent = "工单 " + order.number;
    $("detail-status").textContent = order.status_text;

    var deadline = $("detail-deadline");
    clear(deadline);
    deadline.className = "deadline";
    if (order.deadline) {
      var urgency = URGENCY[order.deadline.urgency];
      deadline.classList.add("urgency-" + order.deadline.urgency);
      deadline.appendChild(document.createTextNode(DEADLINE_KIND[order.deadline.kind] + "："));
      deadline.appendChild(h("strong", { text: day(order.deadline.due) }));
      deadline.appendChild(h("span", { class: "badge " + urgency.cls, text: urgency.text }));
      if (order.extension_days) deadline.appendChild(h("span", { class: "badge badge-near", text: "已申请延期 " + order.extension_days + " 个工作日，待审核" }));
    } else {
      deadline.textContent = "本单位已无待办事项。";
    }

    var note = $("privacy-note");
    note.hidden = order.contact_in_clear || order.anonymous;
    note.textContent = order.status === "dispatched"
      ? "签收后显示市民完整联系方式。请先核实是否属于本单位职责，不属于的请退回并说明理由。"
      : "工单已办结或已退回，市民个人信息已隐去。";

    var fields = $("detail-fields");
    clear(fields);
    var contact = order.anonymous ? "匿名反映" : [order.contact_name, order.contact_phone].filter(Boolean).join("　") || "未留联系方式";
    [
      field("诉求类别", order.category_name),
      field("诉求内容", order.description, "pre"),
      field("发生地址", order.address),
      field("所在区 / 街镇", [order.district, order.street].filter(Boolean).join(" ")),
      field("发生时间", order.occurred_at),
      field("联系市民", contact, order.contact_in_clear ? "contact" : null),
      field("承办单位", (order.unit_name || "—") + (LEVELS[order.unit_level] ? "（" + LEVELS[order.unit_level] + "）" : "")),
      field("主办部门", order.department_name),
      field("受理时间", moment(order.created_at)),
      field("签收时限", order.sign_due_date ? day(order.sign_due_date) : null),
      field("办理时限", day(order.due_date)),
      order.supervision_count ? field("督办", "已督办 " + order.supervision_count + " 次", "alert-text") : null,
      order.reporters > 1 ? field("反映人数", order.reporters + " 位市民反映同一问题（已并单），办结后将一并告知") : null,
      order.reopened_count ? field("重办", "市民回访不满意，重办 " + order.reopened_count + " 次", "alert-text") : null,
    ].forEach(function (pair) { if (pair) pair.forEach(function (node) { fields.appendChild(node); }); });

    $("result-box").hidden = !order.result;
    $("result-text").textContent = order.result || "";

    renderActions(order.actions);
    renderHistory(order.history);
    markCurrent();
  }

  function renderActions(actions) {
    var box = $("action-buttons");
    clear(box);
    hideForms();
    $("no-actions").hidden = actions.length > 0;
    ORDER.filter(function (name) { return actions.indexOf(name) >= 0; }).forEach(function (name) {
      var action = ACTIONS[name];
      box.appendChild(h("button", {
        type: "button",
        class: action.cls,
        id: "action-" + name,
        "aria-expanded": action.form ? "false" : null,
        "aria-controls": action.form || null,
        text: action.label,
        onclick: function () {
          if (action.form) showForm(name);
          else act(name, {});
        },
      }));
    });
  }

  function renderHistory(history) {
    var list = $("history-list");
    clear(list);
    history.slice().reverse().forEach(function (step) {
      list.appendChild(h("li", {}, [
        h("p", { class: "history-head" }, [
          h("strong", { text: ACTION_NAMES[step.action] || "受理" }),
          " · " + moment(step.created_at) + " · " + step.actor,
        ]),
        step.note ? h("p", { class: "pre", text: step.note }) : null,
      ]));
    });
  }

  // ---------------------------------------------------------------- actions

  function hideForms() {
    ["complete-form", "return-form", "extension-form"].forEach(function (id) { $(id).hidden = true; });
    Array.prototype.forEach.call(document.querySelectorAll("[aria-expanded]"), function (b) { b.setAttribute("aria-expanded", "false"); });
  }

  function showForm(name) {
    var id = ACTIONS[name].form;
    var wasOpen = !$(id).hidden;
    hideForms();
    $("action-error").textContent = "";
    if (wasOpen) return;
    $(id).hidden = false;
    $("action-" + name).setAttribute("aria-expanded", "true");
    var first = $(id).querySelector("input, textarea");
    if (first) first.focus();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-cancel]"), function (button) {
    button.addEventListener("click", function () {
      var form = button.closest("form");
      form.reset();
      hideForms();
      var first = $("action-buttons").querySelector("button");
      if (first) first.focus();
    });
  });

  function required(id, message) {
    var value = $(id).value.trim();
    if (!value) {
      $("action-error").textContent = message;
      $(id).setAttribute("aria-invalid", "true");
      $(id).focus();
      return null;
    }
    $(id).removeAttribute("aria-invalid");
    return value;
  }

  $("complete-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var note = required("complete-note", "请填写办理结果。");
    if (note) act("complete", { note: note });
  });

  $("return-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var note = required("return-note", "请填写退回理由。");
    if (note) act("return", { note: note });
  });

  $("extension-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var days = Number($("extension-days").value);
    if (!(days >= 1 && days <= 30 && Math.floor(days) === days)) {
      $("action-error").textContent = "延期天数应为 1 至 30 的整数个工作日。";
      $("extension-days").setAttribute("aria-invalid", "true");
      $("extension-days").focus();
      return;
    }
    $("extension-days").removeAttribute("aria-invalid");
    var note = required("extension-note", "请填写延期理由。");
    if (note) act("request_extension", { note: note, days: days });
  });

  function act(name, fields) {
    if (!current || busy) return;
    busy = true;
    var number = current.number;
    var body = { action: name };
    Object.keys(fields).forEach(function (key) { body[key] = fields[key]; });
    $("action-error").textContent = "";
    $("action-result").textContent = "";
    api(API + "/" + encodeURIComponent(number) + "/actions", { method: "POST", body: body })
      .then(function (order) {
        ["complete-form", "return-form", "extension-form"].forEach(function (id) { $(id).reset(); });
        renderOrder(order);
        $("action-result").textContent = "工单 " + number + " " + ACTIONS[name].done + "。";
        $("detail-title").focus();
        refreshQueue();
      })
      .catch(function (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
        $("action-error").textContent = describe(error);
        // The order may have moved on: show it as it is now, keeping the message.
        if (error instanceof ApiError && (error.status === 409 || error.status === 422)) {
          api(API + "/" + encodeURIComponent(number)).then(function (order) {
            var form = !$("complete-form").hidden || !$("return-form").hidden || !$("extension-form").hidden;
            if (order.status !== current.status || !form) renderOrder(order);
          }).catch(function () { /* the message above stands */ });
          refreshQueue();
        }
      })
      .then(function () { busy = false; }, function () { busy = false; });
  }

  // ---------------------------------------------------------------- start

  if (token) {
    loadQueue(true).catch(function () { /* shown by loadQueue or signOut */ });
  } else {
    $("token").focus();
  }
})();
