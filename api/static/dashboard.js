/*
 * 12345 manager dashboard: the centre's performance over a period — trends, each
 * unit's signing and handling on time, overdue and escalated orders, 回访
 * satisfaction, automatic dispatch and hot topics — with every table as a CSV file.
 * Plain JavaScript, no build step, no libraries.
 *
 * The manager's bearer token lives in sessionStorage (this tab only) and goes with
 * every call, the CSV downloads included (fetched, then saved from a blob: a link
 * cannot carry the token). Everything the server sends is put into the page with
 * textContent, never as markup; bars are sized through element.style, which the
 * page's Content-Security-Policy allows where it forbids style attributes.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "hotline-manager-token";
  var API = "/api/v1/manager";
  var REFRESH_MS = 300000;

  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem(TOKEN_KEY);
  var timer = null;
  var days = 30;

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
      if (child === null) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** "2026-12-08" as "12月8日". */
  function day(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return match ? Number(match[2]) + "月" + Number(match[3]) + "日" : "—";
  }

  /** Server times are Shanghai's; shown as they are: "12月7日 09:30". */
  function moment(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return match ? Number(match[2]) + "月" + Number(match[3]) + "日 " + match[4] : "—";
  }

  function percent(share) {
    return share === null || share === undefined ? "—" : (share * 100).toFixed(1) + "%";
  }

  function ratio(part, whole) { return whole ? part / whole : null; }

  function sum(rows, key) {
    return rows.reduce(function (total, row) { return total + row[key]; }, 0);
  }

  function ApiError(status, detail) { this.status = status; this.detail = detail; }

  function describe(error) {
    if (!(error instanceof ApiError)) return "网络连接失败，请检查网络后重试。";
    if (error.status === 422) return "统计参数有误：" + detailText(error.detail);
    if (error.status === 429) return "操作过于频繁，请稍候再试。";
    if (error.status >= 500) return "系统暂时无法处理，请稍后重试。";
    return "查询未成功（" + error.status + "）。";
  }

  function detailText(detail) {
    if (Array.isArray(detail)) return detail.map(function (d) { return d.field + " " + d.message; }).join("；");
    return String(detail || "");
  }

  function call(path) {
    return fetch(path, { headers: { Authorization: "Bearer " + token } }).then(function (response) {
      if (response.status === 401) {
        signOut("访问令牌无效、已过期或已被撤销，请与热线中心联系重新发放。");
        throw new ApiError(401, "unauthorized");
      }
      if (response.status === 403) {
        signOut("该令牌没有查看运行管理看板的权限，请使用管理人员令牌。");
        throw new ApiError(403, "forbidden");
      }
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw new ApiError(response.status, body.detail);
        });
      }
      return response;
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
    load(true);
  });

  $("sign-out").addEventListener("click", function () { signOut(""); });

  $("period-form").addEventListener("submit", function (event) {
    event.preventDefault();
    days = Number($("period").value) || 30;
    load(false);
  });

  function signOut(message) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer) window.clearInterval(timer);
    timer = null;
    $("workspace").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    $("signin-error").textContent = message || "";
    $("token").focus();
  }

  function enterBoard() {
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token").value = "";
    $("signin").hidden = true;
    $("workspace").hidden = false;
    $("who").hidden = false;
    $("board-title").focus();
    if (!timer) timer = window.setInterval(function () { load(false); }, REFRESH_MS);
  }

  // ---------------------------------------------------------------- loading

  function load(signingIn) {
    if (!token) return;
    call(API + "/overview?days=" + days).then(function (response) {
      return response.json();
    }).then(function (body) {
      if (signingIn) enterBoard();
      $("board-error").textContent = "";
      render(body);
    }).catch(function (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
      $(signingIn ? "signin-error" : "board-error").textContent = describe(error);
    });
  }

  function render(body) {
    $("as-of").textContent = "统计周期：" + day(body.period.first) + "至" + day(body.period.last) +
      "（共 " + body.period.days + " 天），数据截至 " + day(body.today) + "。";
    renderKpis(body);
    Object.keys(TABLES).forEach(function (name) {
      var table = document.querySelector('[data-table="' + name + '"]');
      fillTable(table, TABLES[name], TABLES[name].rows(body));
    });
    renderColumns(document.querySelector('[data-chart="trends_daily"]'), body.trends.daily.map(function (d) {
      return { label: day(d.day), values: [d.reports, d.completed, d.closed] };
    }));
    renderColumns(document.querySelector('[data-chart="trends_weekly"]'), body.trends.weekly.map(function (w) {
      return { label: w.week.replace(/^\d{4}-W/, "第") + "周", values: [w.reports, w.completed, w.closed] };
    }));
    renderDispatch(document.querySelector('[data-chart="dispatch"]'), body.dispatch.daily);
    ["overdue", "escalated"].forEach(function (name) {
      var list = body[name];
      $(name + "-count").textContent = list.total + " 件";
      document.querySelector('[data-more="' + name + '"]').textContent = list.total > list.orders.length
        ? "共 " + list.total + " 件，此处显示前 " + list.orders.length + " 件；完整清单请下载 CSV。" : "";
    });
  }

  function renderKpis(body) {
    var units = body.on_time;
    var signed = sum(units, "signed_on_time");
    var handled = sum(units, "handled_on_time");
    $("kpi-sign").textContent = percent(ratio(signed, signed + sum(units, "signed_late")));
    $("kpi-handle").textContent = percent(ratio(handled, handled + sum(units, "handled_late")));
    var visits = body.satisfaction_units;
    $("kpi-satisfaction").textContent = percent(ratio(
      sum(visits, "satisfied") + sum(visits, "basically_satisfied"), sum(visits, "total")));
    $("kpi-dispatch").textContent = percent(body.dispatch.period.automatic_share);
    $("kpi-praise").textContent = sum(body.praise_units, "count") + " 件";
    $("kpi-overdue").textContent = body.overdue.total + " 件";
    $("kpi-escalated").textContent = body.escalated.total + " 件";
  }

  // ---------------------------------------------------------------- tables

  function num(value) { return { text: String(value), cls: "num" }; }
  function rate(share) { return { text: percent(share), cls: "num", bar: share }; }
  function text(value) { return { text: value === null || value === undefined || value === "" ? "—" : String(value) }; }

  var ORDER_COLUMNS = ["工单编号", "诉求分类", "承办单位", "所属区", "状态", "办理期限", "超期天数", "督办次数", "最近督办"];
  function orderRow(o) {
    return [text(o.number), text(o.category), text(o.unit || "未派单"), text(o.district), text(o.status_text),
      text(day(o.due_date)), num(o.days_overdue), num(o.supervision_count), text(moment(o.supervised_at))];
  }
  var SATISFACTION_COLUMNS = ["满意", "基本满意", "不满意", "回访总数", "满意率"];
  function satisfactionRow(r) {
    return [text(r.name), num(r.satisfied), num(r.basically_satisfied), num(r.dissatisfied), num(r.total), rate(r.share)];
  }

  var TABLES = {
    trends_daily: {
      columns: ["日期", "受理量", "办结量", "结案量"],
      empty: "暂无数据。",
      rows: function (body) {
        return body.trends.daily.map(function (d) { return [text(day(d.day)), num(d.reports), num(d.completed), num(d.closed)]; });
      },
    },
    trends_weekly: {
      columns: ["周次", "起止日期", "受理量", "办结量", "结案量"],
      empty: "暂无数据。",
      rows: function (body) {
        return body.trends.weekly.map(function (w) {
          return [text(w.week), text(day(w.first) + "—" + day(w.last)), num(w.reports), num(w.completed), num(w.closed)];
        });
      },
    },
    on_time: {
      columns: ["承办单位", "按时签收", "超时签收", "签收及时率", "按时办结", "超期办结", "办结及时率"],
      empty: "本周期暂无可统计的工单。",
      rows: function (body) {
        return body.on_time.map(function (u) {
          return [text(u.unit), num(u.signed_on_time), num(u.signed_late), rate(u.sign_rate),
            num(u.handled_on_time), num(u.handled_late), rate(u.handle_rate)];
        });
      },
    },
    overdue: {
      columns: ORDER_COLUMNS,
      empty: "当前没有超期工单。",
      rows: function (body) { return body.overdue.orders.map(orderRow); },
    },
    escalated: {
      columns: ORDER_COLUMNS,
      empty: "本周期没有督办工单。",
      rows: function (body) { return body.escalated.orders.map(orderRow); },
    },
    satisfaction_units: {
      columns: ["承办单位"].concat(SATISFACTION_COLUMNS),
      empty: "本周期暂无回访结果。",
      rows: function (body) { return body.satisfaction_units.map(satisfactionRow); },
    },
    satisfaction_categories: {
      columns: ["诉求分类"].concat(SATISFACTION_COLUMNS),
      empty: "本周期暂无回访结果。",
      rows: function (body) { return body.satisfaction_categories.map(satisfactionRow); },
    },
    praise_units: {
      columns: ["承办单位", "表扬件数"],
      empty: "本周期暂无表扬件。",
      rows: function (body) {
        return body.praise_units.map(function (p) { return [text(p.unit), num(p.count)]; });
      },
    },
    dispatch: {
      columns: ["日期", "自动派单", "坐席确认", "坐席改派", "派单总数", "自动派单占比"],
      empty: "本周期暂无派单。",
      rows: function (body) {
        var period = body.dispatch.period;
        return body.dispatch.daily.filter(function (d) { return d.total > 0; }).map(function (d) {
          return [text(day(d.day)), num(d.automatic), num(d.agent_confirmed), num(d.agent_corrected), num(d.total), rate(d.automatic_share)];
        }).concat([[{ text: "合计", cls: "total" }, num(period.automatic), num(period.agent_confirmed),
          num(period.agent_corrected), num(period.total), rate(period.automatic_share)]]);
      },
    },
    hot_topics: {
      columns: ["热点问题", "地点", "诉求分类", "近7天", "前7天", "为前7天的倍数", "典型诉求（已脱敏）"],
      empty: "近7天没有集中反映的问题。",
      rows: function (body) {
        return body.hot_topics.map(function (t) {
          var place = [t.district, t.street].filter(Boolean).join(" ");
          return [text(t.title), text(place), text(t.category), num(t.count), num(t.previous_count),
            { text: t.growth.toFixed(1) + " 倍", cls: "num" }, text((t.examples || []).join("；"))];
        });
      },
    },
  };

  function fillTable(table, spec, rows) {
    var caption = table.querySelector("caption");
    clear(table);
    table.appendChild(caption);
    var numeric = rows.length ? rows[0].map(function (cell) { return cell.cls === "num"; }) : [];
    table.appendChild(h("thead", {}, [h("tr", {}, spec.columns.map(function (column, index) {
      return h("th", { scope: "col", class: numeric[index] ? "num" : null, text: column });
    }))]));
    var tbody = h("tbody");
    if (!rows.length) {
      tbody.appendChild(h("tr", {}, [h("td", { class: "empty", colspan: spec.columns.length, text: spec.empty })]));
    }
    rows.forEach(function (cells) {
      tbody.appendChild(h("tr", {}, cells.map(function (cell, index) {
        var node = h(index === 0 ? "th" : "td", { class: cell.cls || null, scope: index === 0 ? "row" : null });
        if (cell.bar !== undefined) {
          node.appendChild(meter(cell.bar));
        }
        node.appendChild(document.createTextNode(cell.text));
        return node;
      })));
    });
    table.appendChild(tbody);
  }

  // ---------------------------------------------------------------- bar charts

  /** A bar in a table cell, as long as the share; the text beside it says the figure. */
  function meter(share) {
    var bar = h("span", { class: "meter", "aria-hidden": "true" }, [h("span", { class: "meter-fill" })]);
    var fill = bar.firstChild;
    fill.style.width = share === null ? "0" : Math.round(share * 100) + "%";
    if (share !== null && share < 0.8) fill.className += " low";
    return bar;
  }

  var SERIES = [
    { name: "受理量", cls: "s-reports" },
    { name: "办结量", cls: "s-completed" },
    { name: "结案量", cls: "s-closed" },
  ];

  /** Columns per day or week, one per series, scaled to the largest figure. */
  function renderColumns(chart, groups) {
    clear(chart);
    var top = Math.max.apply(null, [1].concat(groups.map(function (g) { return Math.max.apply(null, g.values); })));
    chart.appendChild(h("ul", { class: "legend" }, SERIES.map(function (s) {
      return h("li", {}, [h("span", { class: "swatch " + s.cls }), s.name]);
    })));
    chart.appendChild(h("div", { class: "columns" }, groups.map(function (group) {
      return h("div", { class: "column-group" }, [
        h("div", { class: "column-bars" }, group.values.map(function (value, index) {
          var bar = h("span", { class: "column " + SERIES[index].cls, title: SERIES[index].name + " " + value });
          bar.style.height = (value / top) * 100 + "%";
          return bar;
        })),
        h("span", { class: "column-label", text: group.label }),
      ]);
    })));
  }

  var METHODS = [
    { key: "automatic", name: "自动派单", cls: "m-automatic" },
    { key: "agent_confirmed", name: "坐席确认", cls: "m-confirmed" },
    { key: "agent_corrected", name: "坐席改派", cls: "m-corrected" },
  ];

  /** One stacked bar per day with dispatches: how they were made, as shares. */
  function renderDispatch(chart, daily) {
    clear(chart);
    var shown = daily.filter(function (d) { return d.total > 0; }).slice(-14);
    chart.appendChild(h("ul", { class: "legend" }, METHODS.map(function (m) {
      return h("li", {}, [h("span", { class: "swatch " + m.cls }), m.name]);
    })));
    shown.forEach(function (d) {
      var stack = h("div", { class: "stack" }, METHODS.map(function (m) {
        var part = h("span", { class: "stack-part " + m.cls, title: m.name + " " + d[m.key] });
        part.style.width = (d[m.key] / d.total) * 100 + "%";
        return part;
      }));
      chart.appendChild(h("div", { class: "stack-row" }, [
        h("span", { class: "stack-label", text: day(d.day) }), stack,
        h("span", { class: "stack-share", text: percent(d.automatic_share) }),
      ]));
    });
  }

  // ---------------------------------------------------------------- CSV downloads

  Array.prototype.forEach.call(document.querySelectorAll("[data-export]"), function (button) {
    button.setAttribute("aria-label", "下载 CSV：" + button.getAttribute("data-name"));
    button.addEventListener("click", function () { download(button); });
  });

  function download(button) {
    var table = button.getAttribute("data-export");
    button.disabled = true;
    call(API + "/export/" + table + ".csv?days=" + days).then(function (response) {
      var disposition = response.headers.get("Content-Disposition") || "";
      var match = /filename="([^"]+)"/.exec(disposition);
      return response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = h("a", { href: url, download: match ? match[1] : table + ".csv", hidden: true });
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        $("download-status").textContent = button.getAttribute("data-name") + " CSV 文件已开始下载。";
      });
    }).catch(function (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
      $("board-error").textContent = "下载未成功：" + describe(error);
    }).then(function () { button.disabled = false; });
  }

  if (token) load(true);
  else $("token").focus();
})();
