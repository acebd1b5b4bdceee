/*
 * 12345 knowledge workbench: editors find a guide, change it in a form and submit it
 * for review; reviewers see the queue, the diff, the validation warnings and the
 * example checks, and publish, send back, roll back or record 最近核验. Plain
 * JavaScript, no build step, no libraries.
 *
 * The bearer token lives in sessionStorage (this tab only). Everything the server
 * sends goes into the page with textContent, never as markup. A guide is edited as a
 * plain object (the catalogue format): the form writes each field into it as it is
 * typed, and keys the form does not show (aliases, keywords…) pass through unchanged.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "hotline-knowledge-token";
  var API = "/api/v1/knowledge";

  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(TOKEN_KEY);
  var me = null;
  var current = null;   // the guide open: GET /guides/{kind}/{code}
  var editing = null;   // {kind, code, content, versionId, isNew}
  var reviewing = null; // the version under review: GET /versions/{id}

  var KIND_TEXT = { service: "办事指南", bundle: "一件事", office: "办事地点" };
  var STATUS_TEXT = { draft: "草稿", in_review: "待审核", published: "已发布", retired: "已停用" };
  var FORMS = { original: "原件", copy: "复印件", original_and_copy: "原件及复印件", electronic: "电子材料" };

  // ---------------------------------------------------------------- helpers

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function copy(value) { return JSON.parse(JSON.stringify(value === undefined ? null : value)); }

  var uid = 0;
  function nextId(prefix) { uid += 1; return prefix + "-" + uid; }

  function day(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return match ? match[1] + "年" + Number(match[2]) + "月" + Number(match[3]) + "日" : "—";
  }

  function moment(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? Number(match[2]) + "月" + Number(match[3]) + "日 " + match[4] : "—";
  }

  function shown(value) {
    if (value === null || value === undefined || value === "") return "（空）";
    if (typeof value === "object") return JSON.stringify(value, null, 1);
    if (value === true) return "是";
    if (value === false) return "否";
    return String(value);
  }

  function ApiError(status, detail) { this.status = status; this.detail = detail; }

  function describe(error) {
    if (!(error instanceof ApiError)) return "网络连接失败，请检查网络后重试。";
    if (error.status === 429) return "操作过于频繁，请稍候再试。";
    if (error.status >= 500) return "系统暂时无法处理，请稍后重试。";
    var detail = error.detail;
    if (Array.isArray(detail)) {
      return "填写有误：" + detail.map(function (d) { return d.field + " " + d.message; }).join("；");
    }
    return String(detail || "操作未成功（" + error.status + "）。");
  }

  function call(path, method, body) {
    var options = { method: method || "GET", headers: { Authorization: "Bearer " + token } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) {
        signOut("访问令牌无效、已过期或已被撤销，请与热线中心联系重新发放。");
        throw new ApiError(401, "unauthorized");
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new ApiError(response.status, data.detail);
        return data;
      });
    });
  }

  function notify(text) { $("notice").textContent = text; $("bench-error").textContent = ""; }
  function fail(where) {
    return function (error) {
      if (error instanceof ApiError && error.status === 401) return;
      $(where).textContent = describe(error);
    };
  }

  function isEditor() { return me && me.role === "editor"; }
  function isReviewer() { return me && me.role === "reviewer"; }

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
    enter();
  });

  $("sign-out").addEventListener("click", function () { signOut(""); });

  function signOut(message) {
    token = null;
    me = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $("workspace").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message || "";
    $("token").focus();
  }

  function enter() {
    call(API + "/me").then(function (who) {
      me = who;
      sessionStorage.setItem(TOKEN_KEY, token);
      $("token").value = "";
      $("signin").hidden = true;
      $("workspace").hidden = false;
      $("who").hidden = false;
      $("who-name").textContent = who.name + "（" + ({ editor: "编辑", reviewer: "审核", admin: "管理员" }[who.role] || who.role) + "）";
      Array.prototype.forEach.call(document.querySelectorAll("[data-role-only]"), function (node) {
        node.hidden = node.getAttribute("data-role-only") !== who.role;
      });
      $("bench-title").focus();
      search();
      loadQueue();
    }).catch(function (error) {
      if (error instanceof ApiError && error.status === 403) {
        signOut("该令牌没有使用知识库工作台的权限，请使用编辑或审核人员令牌。");
        return;
      }
      if (error instanceof ApiError && error.status === 401) return;
      $("signin-error").textContent = describe(error);
    });
  }

  // ---------------------------------------------------------------- tabs

  var TABS = ["browse", "queue", "gaps"];
  TABS.forEach(function (name, index) {
    var tab = $("tab-" + name);
    tab.addEventListener("click", function () { selectTab(name); });
    tab.addEventListener("keydown", function (event) {
      var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      var next = TABS[(index + step + TABS.length) % TABS.length];
      selectTab(next);
      $("tab-" + next).focus();
    });
  });

  function selectTab(name) {
    TABS.forEach(function (other) {
      var selected = other === name;
      $("tab-" + other).setAttribute("aria-selected", selected ? "true" : "false");
      $("tab-" + other).tabIndex = selected ? 0 : -1;
      $("panel-" + other).hidden = !selected;
    });
    if (name === "queue") loadQueue();
    if (name === "gaps") loadGaps();
  }

  // ---------------------------------------------------------------- browse

  $("search-form").addEventListener("submit", function (event) { event.preventDefault(); search(); });

  function search() {
    var q = $("search-q").value.trim();
    var kind = $("search-kind").value;
    var path = API + "/guides?limit=100&q=" + encodeURIComponent(q) + (kind ? "&kind=" + kind : "");
    call(path).then(function (body) {
      var tbody = $("guide-table").querySelector("tbody");
      clear(tbody);
      if (!body.guides.length) {
        tbody.appendChild(h("tr", {}, [h("td", { colspan: 7, class: "empty", text: "没有找到符合条件的指南。" })]));
      }
      body.guides.forEach(function (g) {
        var state = g.open_status ? STATUS_TEXT[g.open_status] + "（第 " + g.open_version_id + " 号）" : g.stale ? "待核验" : "正常";
        var open = h("button", { type: "button", class: "secondary small", text: "打开", "aria-label": "打开：" + g.name });
        open.addEventListener("click", function () { openGuide(g.kind, g.code); });
        tbody.appendChild(h("tr", {}, [
          h("th", { scope: "row", text: g.name }),
          h("td", { text: g.code }),
          h("td", { text: KIND_TEXT[g.kind] }),
          h("td", { text: g.published_number ? "第 " + g.published_number + " 版" : "目录原版" }),
          h("td", { text: g.verified_at ? day(g.verified_at) + (g.verified_by ? "（" + g.verified_by + "）" : "") : "未核验" }),
          h("td", { class: g.stale && !g.open_status ? "warn" : "", text: state }),
          h("td", {}, [open]),
        ]));
      });
    }).catch(fail("bench-error"));
  }

  // ---------------------------------------------------------------- one guide

  function openGuide(kind, code, focus) {
    return call(API + "/guides/" + kind + "/" + encodeURIComponent(code)).then(function (guide) {
      current = guide;
      renderGuide();
      $("guide").hidden = false;
      if (focus !== false) $("guide-title").focus();
    }).catch(fail("bench-error"));
  }

  function renderGuide() {
    var g = current;
    $("guide-title").textContent = g.name + "（" + KIND_TEXT[g.kind] + " " + g.code + "）";
    $("guide-stale").textContent = g.stale ? "超过 " + g.stale_days + " 天未核验" : "";
    var meta = $("guide-meta");
    clear(meta);
    [
      ["已发布版本", g.published_number ? "第 " + g.published_number + " 版" : "目录原版"],
      ["施行日期", day(g.effective_date)],
      ["最近核验", g.verified_at ? day(g.verified_at) + (g.verified_by ? "，" + g.verified_by : "") : "未核验"],
    ].forEach(function (pair) { meta.appendChild(h("div", {}, [h("dt", { text: pair[0] }), h("dd", { text: pair[1] })])); });

    var tbody = $("history-table").querySelector("tbody");
    clear(tbody);
    if (!g.history.length) tbody.appendChild(h("tr", {}, [h("td", { colspan: 8, class: "empty", text: "尚无修改记录。" })]));
    var select = $("rollback-to");
    clear(select);
    g.history.forEach(function (v) {
      var action = null;
      if ((v.status === "in_review" && isReviewer()) || (v.status === "draft" && isEditor())) {
        action = h("button", { type: "button", class: "secondary small", text: v.status === "draft" ? "继续编辑" : "审核", "aria-label": (v.status === "draft" ? "继续编辑" : "审核") + "：第 " + v.number + " 版" });
        action.addEventListener("click", function () {
          if (v.status === "draft") openDraft(v.id); else openReview(v.id);
        });
      }
      tbody.appendChild(h("tr", {}, [
        h("th", { scope: "row", text: "第 " + v.number + " 版" }),
        h("td", { text: STATUS_TEXT[v.status] || v.status }),
        h("td", { text: v.author }),
        h("td", { text: v.reason }),
        h("td", { text: moment(v.published_at || v.submitted_at || v.created_at) }),
        h("td", { text: v.reviewer || "—" }),
        h("td", { text: v.review_comment || "—" }),
        h("td", {}, [action]),
      ]));
      if (v.status === "retired") select.appendChild(h("option", { value: v.number, text: "第 " + v.number + " 版（" + v.reason + "）" }));
    });
    $("rollback-form").hidden = !isReviewer() || !select.options.length;
  }

  $("verify-guide").addEventListener("click", function () {
    if (!current) return;
    call(API + "/guides/" + current.kind + "/" + encodeURIComponent(current.code) + "/verify", "POST", {}).then(function (guide) {
      current = guide;
      renderGuide();
      notify("已记录核验：" + guide.name + "，最近核验 " + day(guide.verified_at) + "。");
    }).catch(fail("bench-error"));
  });

  $("rollback-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("rollback-reason").value.trim();
    if (!reason) {
      $("bench-error").textContent = "请填写回退原因。";
      $("rollback-reason").focus();
      return;
    }
    var number = Number($("rollback-to").value);
    call(API + "/guides/" + current.kind + "/" + encodeURIComponent(current.code) + "/rollback", "POST",
      { to_number: number, reason: reason }).then(function (version) {
      $("rollback-reason").value = "";
      notify("已回退：以第 " + number + " 版内容发布为第 " + version.number + " 版。");
      openGuide(current.kind, current.code);
      search();
    }).catch(fail("bench-error"));
  });

  // ---------------------------------------------------------------- the form

  // What the form shows of each kind; every other key of the content passes through.
  var TEXT = "text", AREA = "area", NUM = "number", BOOL = "bool", URL = "url";
  var STEP = [["title", "步骤名称", TEXT], ["detail", "具体说明", AREA], ["title_en", "步骤名称（英文）", TEXT], ["detail_en", "具体说明（英文）", AREA]];
  var MATERIAL = [["name", "材料名称", TEXT], ["form", "材料形式", "form"], ["count", "份数", NUM], ["required", "必须提供", BOOL],
    ["notes", "备注", TEXT], ["name_en", "材料名称（英文）", TEXT], ["notes_en", "备注（英文）", TEXT]];
  var FAQ = [["question", "问题", TEXT], ["answer", "解答", AREA], ["question_en", "问题（英文）", TEXT], ["answer_en", "解答（英文）", AREA]];
  var VARIANT = [["district", "适用区（如：徐汇区）", TEXT], ["offline_where", "办理地点", AREA], ["offline_where_en", "办理地点（英文）", AREA],
    ["hours", "办公时间", TEXT], ["hours_en", "办公时间（英文）", TEXT], ["phone", "咨询电话", TEXT], ["online_url", "网上办理链接", URL]];

  var LAYOUT = {
    service: [
      ["基本信息", [["name", "事项名称", TEXT], ["name_en", "事项名称（英文）", TEXT], ["department", "主管部门编码", TEXT], ["category", "事项分类", TEXT],
        ["summary", "简介", AREA], ["summary_en", "简介（英文）", AREA], ["eligibility", "申请条件", AREA], ["eligibility_en", "申请条件（英文）", AREA]]],
      ["办理步骤", "steps", STEP, "步骤"],
      ["申请材料", "materials", MATERIAL, "材料"],
      ["收费与时限", [["fees", "收费标准", AREA], ["fees_en", "收费标准（英文）", AREA], ["is_free", "免费办理", BOOL],
        ["statutory_days", "法定办结时限（工作日）", NUM], ["promised_days", "承诺办结时限（工作日）", NUM],
        ["time_limit_note", "时限说明", TEXT], ["time_limit_note_en", "时限说明（英文）", TEXT]]],
      ["办理地点与方式", [["offline_where", "办理地点", AREA], ["offline_where_en", "办理地点（英文）", AREA], ["hours", "办公时间", TEXT],
        ["hours_en", "办公时间（英文）", TEXT], ["phone", "咨询电话", TEXT], ["online_available", "可网上办理", BOOL], ["online_url", "网上办理链接", URL],
        ["source", "信息来源", TEXT], ["source_url", "来源链接", URL]]],
      ["分区差异", "variants", VARIANT, "区"],
      ["常见问题", "faqs", FAQ, "问题"],
      ["示例问题", [["examples", "市民可能的问法（每行一条，发布前检验能否检索到本事项）", "lines"]]],
    ],
    bundle: [
      ["基本信息", [["name", "名称", TEXT], ["name_en", "名称（英文）", TEXT], ["summary", "简介", AREA], ["summary_en", "简介（英文）", AREA],
        ["online_url", "网上办理链接", URL], ["source", "信息来源", TEXT]]],
      ["办理步骤", "steps", STEP, "步骤"],
      ["常见问题", "faqs", FAQ, "问题"],
    ],
    office: [
      ["基本信息", [["name", "名称", TEXT], ["name_en", "名称（英文）", TEXT], ["district", "所在区", TEXT], ["address", "地址", AREA],
        ["address_en", "地址（英文）", AREA], ["hours", "办公时间", TEXT], ["hours_en", "办公时间（英文）", TEXT], ["phone", "咨询电话", TEXT],
        ["transport", "交通指引", AREA], ["source", "信息来源", TEXT]]],
    ],
  };

  function input(object, key, label, type) {
    var id = nextId("f-" + key);
    var value = object[key];
    var control;
    if (type === BOOL) {
      control = h("input", { id: id, type: "checkbox" });
      control.checked = value === undefined ? key === "required" : Boolean(value);
      control.addEventListener("change", function () { object[key] = control.checked; });
      return h("div", { class: "check-field" }, [control, h("label", { for: id, text: label })]);
    }
    if (type === "form") {
      control = h("select", { id: id }, Object.keys(FORMS).map(function (form) { return h("option", { value: form, text: FORMS[form] }); }));
      control.value = value || "original";
      control.addEventListener("change", function () { object[key] = control.value; });
    } else if (type === AREA || type === "lines") {
      control = h("textarea", { id: id, rows: type === "lines" ? 4 : 2 });
      control.value = type === "lines" ? (value || []).join("\n") : value || "";
      control.addEventListener("input", function () {
        if (type === "lines") object[key] = control.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
        else object[key] = control.value;
      });
    } else {
      control = h("input", { id: id, type: type === NUM ? "number" : type === URL ? "url" : "text", min: type === NUM ? 0 : null });
      control.value = value === null || value === undefined ? "" : String(value);
      control.addEventListener("input", function () {
        if (type === NUM) object[key] = control.value === "" ? null : Number(control.value);
        else if (type === URL) object[key] = control.value.trim() || null;
        else object[key] = control.value === "" && object[key] === undefined ? undefined : control.value;
      });
    }
    return h("div", { class: "field" + (type === AREA || type === "lines" ? " wide" : "") }, [h("label", { for: id, text: label }), control]);
  }

  function listEditor(content, key, spec, noun, title) {
    var wrap = h("fieldset", { class: "group" }, [h("legend", { text: title })]);
    var list = h("ol", { class: "items" });
    wrap.appendChild(list);
    function render(focusIndex) {
      var items = content[key] || (content[key] = []);
      clear(list);
      items.forEach(function (item, index) {
        var n = index + 1;
        var name = "第 " + n + " 项" + noun;
        var move = function (delta) {
          var target = index + delta;
          items.splice(target, 0, items.splice(index, 1)[0]);
          render(target);
        };
        var up = h("button", { type: "button", class: "secondary small", text: "上移", "aria-label": "上移" + name, disabled: index === 0 });
        var down = h("button", { type: "button", class: "secondary small", text: "下移", "aria-label": "下移" + name, disabled: index === items.length - 1 });
        var remove = h("button", { type: "button", class: "secondary small danger", text: "删除", "aria-label": "删除" + name });
        up.addEventListener("click", function () { move(-1); });
        down.addEventListener("click", function () { move(1); });
        remove.addEventListener("click", function () { items.splice(index, 1); render(Math.min(index, items.length - 1)); });
        var heading = h("p", { class: "item-title", text: name, tabindex: "-1" });
        var li = h("li", { class: "item" }, [
          h("div", { class: "item-head" }, [heading, h("div", { class: "item-tools" }, [up, down, remove])]),
          h("div", { class: "fields" }, spec.map(function (f) { return input(item, f[0], f[1], f[2]); })),
        ]);
        list.appendChild(li);
        if (index === focusIndex) heading.focus();
      });
    }
    var add = h("button", { type: "button", class: "secondary small", text: "添加" + noun });
    add.addEventListener("click", function () {
      var items = content[key] || (content[key] = []);
      items.push(key === "materials" ? { name: "", form: "original", count: 1, required: true } : {});
      render(items.length - 1);
    });
    render(-1);
    wrap.appendChild(add);
    return wrap;
  }

  function renderForm() {
    var box = $("editor-fields");
    clear(box);
    var content = editing.content;
    if (editing.isNew) {
      box.appendChild(h("fieldset", { class: "group" }, [h("legend", { text: "新事项编码" }), input(editing, "code", "编码（小写英文字母、数字和连字符，如 new-service）", TEXT)]));
    }
    LAYOUT[editing.kind].forEach(function (section) {
      if (typeof section[1] === "string") {
        box.appendChild(listEditor(content, section[1], section[2], section[3], section[0]));
        return;
      }
      box.appendChild(h("fieldset", { class: "group" }, [h("legend", { text: section[0] }),
        h("div", { class: "fields" }, section[1].map(function (f) { return input(content, f[0], f[1], f[2]); }))]));
    });
  }

  function showEditor(state, hint) {
    editing = state;
    $("editor-title").textContent = (state.isNew ? "新建" : "编辑") + KIND_TEXT[state.kind] + "：" + (state.content.name || state.code || "");
    $("editor-status").textContent = state.versionId ? "第 " + state.number + " 版 · " + STATUS_TEXT[state.status] : "未保存";
    $("editor-hint").textContent = hint || "";
    $("editor-error").textContent = "";
    $("editor-check").hidden = true;
    $("draft-reason").value = state.reason || "";
    renderForm();
    $("review").hidden = true;
    $("editor").hidden = false;
    $("editor-title").focus();
  }

  $("edit-guide").addEventListener("click", function () {
    if (!current) return;
    var open = current.history.filter(function (v) { return v.status === "draft" && v.author === me.name; })[0];
    if (open) { openDraft(open.id); return; }
    showEditor({ kind: current.kind, code: current.code, content: copy(current.published || {}) || {}, versionId: null },
      "修改后保存草稿，可查看与已发布版本的差异；提交审核后由审核人员发布，本人不能发布自己的修改。");
  });

  $("new-guide").addEventListener("click", function () { newDraft({ name: "", steps: [], materials: [], examples: [] }); });

  function newDraft(content) {
    showEditor({ kind: "service", code: "", content: content, versionId: null, isNew: true },
      "新事项须填写编码、名称、主管部门编码、分类、办理步骤和信息来源。");
  }

  function openDraft(id) {
    return call(API + "/versions/" + id).then(function (v) {
      showEditor({ kind: v.kind, code: v.code, content: copy(v.content), versionId: v.id, number: v.number, status: v.status, reason: v.reason });
      renderCheck($("editor-check"), v);
    }).catch(fail("bench-error"));
  }

  function save() {
    var reason = $("draft-reason").value.trim();
    $("editor-error").textContent = "";
    if (!reason) {
      $("editor-error").textContent = "请填写修改原因。";
      $("draft-reason").focus();
      return Promise.reject(null);
    }
    if (editing.isNew && !/^[a-z0-9][a-z0-9-]*$/.test(editing.code || "")) {
      $("editor-error").textContent = "请填写编码：只能使用小写英文字母、数字和连字符。";
      return Promise.reject(null);
    }
    var request = editing.versionId
      ? call(API + "/versions/" + editing.versionId, "PUT", { content: editing.content, reason: reason })
      : call(API + "/guides/" + editing.kind + "/" + encodeURIComponent(editing.code) + "/drafts", "POST", { content: editing.content, reason: reason });
    return request.then(function (v) {
      editing.versionId = v.id;
      editing.number = v.number;
      editing.status = v.status;
      editing.isNew = false;
      $("editor-status").textContent = "第 " + v.number + " 版 · " + STATUS_TEXT[v.status];
      // The history shows the draft from now on; a new guide is opened for the first time.
      openGuide(v.kind, v.code, false);
      return v;
    });
  }

  function saveFailed(error) {
    if (error === null) return;
    fail("editor-error")(error);
  }

  $("editor-form").addEventListener("submit", function (event) {
    event.preventDefault();
    save().then(function (v) {
      notify("草稿已保存（第 " + v.number + " 版）。");
      return showCheck();
    }).catch(saveFailed);
  });

  $("show-diff").addEventListener("click", function () {
    save().then(showCheck).catch(saveFailed);
  });

  $("submit-draft").addEventListener("click", function () {
    save().then(function (v) {
      return call(API + "/versions/" + v.id + "/submit", "POST");
    }).then(function (v) {
      editing.status = v.status;
      $("editor-status").textContent = "第 " + v.number + " 版 · " + STATUS_TEXT[v.status];
      notify("已提交审核：" + (v.content.name || v.code) + " 第 " + v.number + " 版。");
      $("editor").hidden = true;
      openGuide(v.kind, v.code);
      search();
      loadQueue();
    }).catch(saveFailed);
  });

  $("close-editor").addEventListener("click", function () { $("editor").hidden = true; editing = null; });

  function showCheck() {
    return call(API + "/versions/" + editing.versionId).then(function (v) {
      renderCheck($("editor-check"), v);
      $("editor-check").hidden = false;
    });
  }

  // ---------------------------------------------------------------- diff, findings, examples

  function renderCheck(box, v) {
    var body = box.querySelector(".check-body");
    clear(body);
    if (v.findings.errors.length) {
      body.appendChild(h("h4", { text: "须修改后才能提交" }));
      body.appendChild(h("ul", { class: "findings errors" }, v.findings.errors.map(function (e) { return h("li", { text: e }); })));
    }
    if (v.findings.warnings.length) {
      body.appendChild(h("h4", { text: "提示（审核人员须确认）" }));
      body.appendChild(h("ul", { class: "findings warnings" }, v.findings.warnings.map(function (w) { return h("li", { text: w }); })));
    }
    if (v.examples && v.examples.length) {
      body.appendChild(h("h4", { text: "示例问题检验" }));
      body.appendChild(h("ul", { class: "findings examples" }, v.examples.map(function (e) {
        return h("li", { class: e.passed ? "pass" : "fail", text: (e.passed ? "通过：" : "未通过：") + e.question + (e.passed ? "" : "（检索到：" + (e.found_code || "无") + "）") });
      })));
    }
    body.appendChild(h("h4", { text: v.published_number ? "与已发布的第 " + v.published_number + " 版相比" : "与现行内容相比" }));
    if (!v.diff.length) {
      body.appendChild(h("p", { class: "muted", text: "内容没有变化。" }));
      return;
    }
    var rows = v.diff.map(function (c) {
      return h("tr", {}, [h("th", { scope: "row", text: c.label, title: c.field }), h("td", { class: "old" }, [h("del", { text: shown(c.old) })]), h("td", { class: "new" }, [h("ins", { text: shown(c.new) })])]);
    });
    body.appendChild(h("div", { class: "table-wrap", role: "region", "aria-label": "差异", tabindex: "0" }, [
      h("table", { class: "diff" }, [
        h("caption", { text: "共 " + v.diff.length + " 处修改" }),
        h("thead", {}, [h("tr", {}, [h("th", { scope: "col", text: "字段" }), h("th", { scope: "col", text: "原内容" }), h("th", { scope: "col", text: "修改后" })])]),
        h("tbody", {}, rows),
      ]),
    ]));
  }

  // ---------------------------------------------------------------- review

  function loadQueue() {
    return call(API + "/versions").then(function (body) {
      $("queue-count").textContent = body.versions.length ? String(body.versions.length) : "";
      var tbody = $("queue-table").querySelector("tbody");
      clear(tbody);
      if (!body.versions.length) tbody.appendChild(h("tr", {}, [h("td", { colspan: 7, class: "empty", text: "暂无待审核的版本。" })]));
      body.versions.forEach(function (v) {
        var action = null;
        if (isReviewer()) {
          action = h("button", { type: "button", class: "primary small", text: "审核", "aria-label": "审核：" + v.name + " 第 " + v.number + " 版" });
          action.addEventListener("click", function () { openReview(v.id); });
        }
        tbody.appendChild(h("tr", {}, [
          h("th", { scope: "row", text: v.name }),
          h("td", { text: "第 " + v.number + " 版" }),
          h("td", { text: v.author }),
          h("td", { text: v.reason }),
          h("td", { text: moment(v.submitted_at) }),
          h("td", { text: v.warnings.length ? v.warnings.length + " 条提示" : "—" }),
          h("td", {}, [action]),
        ]));
      });
    }).catch(fail("bench-error"));
  }

  function openReview(id) {
    return call(API + "/versions/" + id).then(function (v) {
      reviewing = v;
      $("review-title").textContent = "审核：" + v.name + " 第 " + v.number + " 版";
      $("review-status").textContent = STATUS_TEXT[v.status];
      var meta = $("review-meta");
      clear(meta);
      [["提交人", v.author], ["修改原因", v.reason], ["提交时间", moment(v.submitted_at)]].forEach(function (pair) {
        meta.appendChild(h("div", {}, [h("dt", { text: pair[0] }), h("dd", { text: pair[1] })]));
      });
      renderCheck($("review-check"), v);
      $("ack-wrap").hidden = !v.findings.warnings.length;
      $("ack-warnings").checked = false;
      $("review-comment").value = "";
      $("review-error").textContent = "";
      $("editor").hidden = true;
      $("review").hidden = false;
      $("review-title").focus();
    }).catch(fail("bench-error"));
  }

  $("review-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!reviewing) return;
    if (reviewing.findings.warnings.length && !$("ack-warnings").checked) {
      $("review-error").textContent = "本版本有提示，请核对英文内容后勾选“已确认英文内容”。";
      $("ack-warnings").focus();
      return;
    }
    var body = { comment: $("review-comment").value.trim(), acknowledge_warnings: $("ack-warnings").checked };
    if ($("effective-date").value) body.effective_date = $("effective-date").value;
    call(API + "/versions/" + reviewing.id + "/approve", "POST", body).then(function (v) {
      notify("已发布：" + (v.content.name || v.code) + " 第 " + v.number + " 版，市民咨询即按新内容答复。");
      $("review").hidden = true;
      reviewing = null;
      loadQueue();
      search();
      openGuide(v.kind, v.code);
    }).catch(fail("review-error"));
  });

  $("reject").addEventListener("click", function () {
    var comment = $("review-comment").value.trim();
    if (!comment) {
      $("review-error").textContent = "退回时请填写审核意见，说明需要修改的内容。";
      $("review-comment").focus();
      return;
    }
    call(API + "/versions/" + reviewing.id + "/reject", "POST", { comment: comment }).then(function (v) {
      notify("已退回：" + (v.content.name || v.code) + " 第 " + v.number + " 版，编辑可修改后重新提交。");
      $("review").hidden = true;
      reviewing = null;
      loadQueue();
    }).catch(fail("review-error"));
  });

  $("close-review").addEventListener("click", function () { $("review").hidden = true; reviewing = null; });

  // ---------------------------------------------------------------- gaps

  var GAP_TEXT = { no_service: "未找到事项", weak_match: "匹配度低", not_held: "目录未收录", unhelpful: "答复无用", missing_faq: "缺少常见问题" };

  $("gaps-form").addEventListener("submit", function (event) { event.preventDefault(); loadGaps(); });

  function loadGaps() {
    var tbody = $("gaps-table").querySelector("tbody");
    return call(API + "/gaps?since=" + $("gaps-since").value).then(function (body) {
      var gaps = Array.isArray(body) ? body : body.gaps || [];
      clear(tbody);
      if (!gaps.length) tbody.appendChild(h("tr", {}, [h("td", { colspan: 5, class: "empty", text: "该时段没有发现知识缺口。" })]));
      gaps.forEach(function (gap) {
        var action = null;
        if (isEditor()) {
          action = h("button", { type: "button", class: "secondary small", text: "据此起草", "aria-label": "据此起草：" + gap.title });
          action.addEventListener("click", function () { draftFromGap(gap); });
        }
        tbody.appendChild(h("tr", {}, [
          h("th", { scope: "row", text: gap.title }),
          h("td", { text: GAP_TEXT[gap.kind] || gap.kind }),
          h("td", { class: "num", text: String(gap.count) }),
          h("td", {}, [h("ul", { class: "examples" }, (gap.examples || []).slice(0, 3).map(function (e) { return h("li", { text: e }); }))]),
          h("td", {}, [action]),
        ]));
      });
    }).catch(function (error) {
      clear(tbody);
      var text = error instanceof ApiError && error.status === 404 ? "知识缺口统计暂未开通。" : describe(error);
      tbody.appendChild(h("tr", {}, [h("td", { colspan: 5, class: "empty", text: text })]));
    });
  }

  function draftFromGap(gap) {
    var question = gap.sample_question || (gap.examples || [])[0] || gap.title;
    if (gap.service_code) {
      call(API + "/guides/service/" + encodeURIComponent(gap.service_code)).then(function (guide) {
        current = guide;
        renderGuide();
        $("guide").hidden = false;
        var content = copy(guide.published || {}) || {};
        content.examples = (content.examples || []).concat([question]);
        showEditor({ kind: "service", code: guide.code, content: content, versionId: null, reason: "知识缺口：" + gap.title },
          "已将市民问法加入示例问题，请补充相关内容。");
      }).catch(fail("bench-error"));
      return;
    }
    newDraft({ name: gap.title, steps: [], materials: [], examples: [question] });
    $("draft-reason").value = "知识缺口：" + gap.title;
  }

  if (token) enter();
})();
