// The portal's small behaviours. No inline scripts: the content security policy forbids them.
(function () {
  "use strict";

  // Role grant form: show only the fields that apply to the chosen role.
  const FIELDS_BY_ROLE = {
    coordinator: ["school"],
    principal: ["school"],
    committee: ["committee_category", "affiliation", "affiliated_school"],
    advisor: ["affiliation", "affiliated_school"],
    inspector: ["county"],
    ministry: [],
    panel: ["affiliation"],
  };

  function syncGrantForm(form) {
    const role = form.querySelector("[name=role]");
    if (!role) return;
    const wanted = FIELDS_BY_ROLE[role.value] || [];
    form.querySelectorAll("[data-grant-field]").forEach(function (input) {
      const wrapper = input.closest(".mb-3") || input.parentElement;
      const show = wanted.indexOf(input.dataset.grantField) !== -1;
      wrapper.hidden = !show;
    });
  }

  function init(root) {
    root.querySelectorAll("form").forEach(function (form) {
      if (form.dataset.portalBound) return;
      form.dataset.portalBound = "1";
      if (form.querySelector("[data-grant-field]")) {
        syncGrantForm(form);
        form.querySelector("[name=role]").addEventListener("change", function () {
          syncGrantForm(form);
        });
      }
    });
    // Buttons that ask before doing something that cannot be undone.
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.portalBound) return;
      el.dataset.portalBound = "1";
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.dataset.confirm)) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) init(event.target);
  });
})();

// Sub-plan form: show the guidance of the item chosen.
(function () {
  "use strict";
  function sync(select) {
    document.querySelectorAll("[data-item-guidance]").forEach(function (block) {
      block.hidden = block.dataset.itemGuidance !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-item-select]")) sync(event.target);
  });
})();

// Score form: a preview of the weighted total as the reviewer types. The server computes the
// total that counts: 100 × Σ(points ÷ maximum × weight) ÷ Σ weight, rounded half up.
(function () {
  "use strict";
  function update(form) {
    const inputs = form.querySelectorAll("input.score-input");
    const out = form.querySelector("[data-review-total]");
    if (!out || !inputs.length) return;
    let weights = 0;
    let sum = 0;
    let complete = true;
    inputs.forEach(function (input) {
      const max = parseFloat(input.dataset.max);
      const weight = parseFloat(input.dataset.weight);
      const value = parseFloat(input.value);
      weights += weight;
      if (input.value === "" || isNaN(value) || value < 0 || value > max) {
        complete = false;
        return;
      }
      sum += (value / max) * weight;
    });
    out.textContent = complete && weights ? ((Math.round((sum * 100 / weights) * 100 + 1e-9) / 100).toFixed(2)) : "—";
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input.score-input")) update(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("input.score-input")) update(form);
    });
  });
})();

// 民國 date picker: a calendar beside every input with data-roc-picker ("date" or "datetime").
// The input stays a text box (115/11/29 or 115/11/29 14:30); the server reads what is typed.
(function () {
  "use strict";
  const zh = (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0;
  const WEEKDAYS = zh ? ["日", "一", "二", "三", "四", "五", "六"] : ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"];
  const TEXT = zh
    ? { open: "開啟民國日曆", prevYear: "前一年", prevMonth: "前一個月", nextMonth: "下一個月", nextYear: "後一年", today: "今天", close: "關閉", time: "時間" }
    : { open: "Open the ROC calendar", prevYear: "Previous year", prevMonth: "Previous month", nextMonth: "Next month", nextYear: "Next year", today: "Today", close: "Close", time: "Time" };
  let open = null;

  function pad(n, width) { return String(n).padStart(width, "0"); }
  function rocText(date) { return pad(date.getFullYear() - 1911, 3) + "/" + pad(date.getMonth() + 1, 2) + "/" + pad(date.getDate(), 2); }
  function parse(text) {
    const m = /^\s*(\d{1,3})\s*[\/.\-年]\s*(\d{1,2})\s*[\/.\-月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：](\d{2}))?/.exec(text || "");
    if (!m) return null;
    const date = new Date(Number(m[1]) + 1911, Number(m[2]) - 1, Number(m[3]));
    if (date.getMonth() !== Number(m[2]) - 1) return null;
    return { date: date, time: m[4] ? pad(m[4], 2) + ":" + m[5] : "" };
  }
  function title(year, month) {
    return zh ? "民國" + (year - 1911) + "年" + (month + 1) + "月" : "ROC " + (year - 1911) + " (" + year + ") / " + (month + 1);
  }
  function button(label, text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-link px-1";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  function close() {
    if (!open) return;
    open.popup.remove();
    open.toggle.setAttribute("aria-expanded", "false");
    open = null;
  }
  function show(input, toggle) {
    close();
    const withTime = input.dataset.rocPicker === "datetime";
    const parsed = parse(input.value);
    const today = new Date();
    const selected = parsed ? parsed.date : null;
    let view = new Date((selected || today).getFullYear(), (selected || today).getMonth(), 1);
    const popup = document.createElement("div");
    popup.className = "roc-picker card shadow-sm p-2";
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", TEXT.open);
    const head = document.createElement("div");
    head.className = "d-flex align-items-center justify-content-between";
    const label = document.createElement("strong");
    label.className = "roc-picker-title";
    label.setAttribute("aria-live", "polite");
    const grid = document.createElement("table");
    grid.className = "roc-picker-grid";
    let timeInput = null;

    function move(months) { view = new Date(view.getFullYear(), view.getMonth() + months, 1); draw(); }
    function pick(date) {
      let text = rocText(date);
      if (withTime) text += " " + ((timeInput && timeInput.value) || (parsed && parsed.time) || "09:00");
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      close();
      input.focus();
    }
    function draw() {
      label.textContent = title(view.getFullYear(), view.getMonth());
      grid.replaceChildren();
      const thead = grid.createTHead().insertRow();
      WEEKDAYS.forEach(function (d) { const th = document.createElement("th"); th.textContent = d; thead.appendChild(th); });
      const body = grid.createTBody();
      const first = new Date(view.getFullYear(), view.getMonth(), 1);
      let row = body.insertRow();
      for (let i = 0; i < first.getDay(); i++) row.insertCell();
      for (let day = 1; ; day++) {
        const date = new Date(view.getFullYear(), view.getMonth(), day);
        if (date.getMonth() !== view.getMonth()) break;
        if (date.getDay() === 0 && day !== 1) row = body.insertRow();
        const cell = row.insertCell();
        const b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-sm";
        b.textContent = String(day);
        b.setAttribute("aria-label", (zh ? "民國" : "ROC ") + rocText(date));
        if (selected && date.getTime() === selected.getTime()) b.classList.add("btn-primary");
        else if (date.toDateString() === today.toDateString()) b.classList.add("btn-outline-primary");
        b.addEventListener("click", function () { pick(date); });
        cell.appendChild(b);
      }
    }
    head.append(
      button(TEXT.prevYear, "«", function () { move(-12); }),
      button(TEXT.prevMonth, "‹", function () { move(-1); }),
      label,
      button(TEXT.nextMonth, "›", function () { move(1); }),
      button(TEXT.nextYear, "»", function () { move(12); })
    );
    popup.append(head, grid);
    const foot = document.createElement("div");
    foot.className = "d-flex align-items-center gap-2 mt-1";
    if (withTime) {
      const timeLabel = document.createElement("label");
      timeLabel.className = "small";
      timeLabel.textContent = TEXT.time;
      timeInput = document.createElement("input");
      timeInput.type = "time";
      timeInput.className = "form-control form-control-sm w-auto";
      timeInput.value = (parsed && parsed.time) || "09:00";
      timeLabel.appendChild(timeInput);
      foot.appendChild(timeLabel);
    }
    foot.append(
      button(TEXT.today, TEXT.today, function () { pick(new Date(today.getFullYear(), today.getMonth(), today.getDate())); }),
      button(TEXT.close, TEXT.close, function () { close(); input.focus(); })
    );
    popup.appendChild(foot);
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); input.focus(); }
    });
    toggle.parentElement.appendChild(popup);
    toggle.setAttribute("aria-expanded", "true");
    open = { popup: popup, toggle: toggle, input: input };
    draw();
  }
  function enhance(root) {
    root.querySelectorAll("input[data-roc-picker]").forEach(function (input) {
      if (input.dataset.rocBound) return;
      input.dataset.rocBound = "1";
      const wrap = document.createElement("div");
      wrap.className = "input-group roc-picker-wrap";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "btn btn-outline-secondary";
      toggle.setAttribute("aria-label", TEXT.open);
      toggle.setAttribute("aria-haspopup", "dialog");
      toggle.setAttribute("aria-expanded", "false");
      toggle.title = TEXT.open;
      const icon = document.createElement("i");
      icon.className = "bi bi-calendar3";
      icon.setAttribute("aria-hidden", "true");
      toggle.appendChild(icon);
      toggle.addEventListener("click", function () {
        if (open && open.input === input) close(); else show(input, toggle);
      });
      wrap.appendChild(toggle);
      if (input.classList.contains("is-invalid")) wrap.classList.add("is-invalid");
    });
  }
  document.addEventListener("click", function (event) {
    if (open && !open.popup.contains(event.target) && !open.toggle.contains(event.target)) close();
  });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) enhance(event.target);
  });
})();

// Budget lines: the total (quantity × unit price) and own funds (total − subsidy) of the line
// being typed, as it is typed. The server computes the amounts that count (3 decimals).
(function () {
  "use strict";
  function value(row, suffix) {
    const input = row.querySelector('input[name$="-' + suffix + '"]');
    if (!input || input.value.trim() === "") return null;
    const number = Number(input.value.replace(/,/g, "").trim());
    return isFinite(number) ? number : NaN;
  }
  function show(output, number) {
    if (!output) return;
    output.textContent = number === null || isNaN(number) ? "—" : number.toLocaleString("zh-TW", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    output.classList.toggle("text-danger", typeof number === "number" && number < 0);
  }
  function update(row) {
    const quantity = value(row, "quantity");
    const price = value(row, "unit_price");
    const subsidy = value(row, "subsidy");
    const total = quantity === null || price === null ? null : Math.round(quantity * price * 1000) / 1000;
    show(row.querySelector('output[data-live="total"]'), total);
    const own = total === null || isNaN(total) ? total : Math.round((total - (subsidy || 0)) * 1000) / 1000;
    show(row.querySelector('output[data-live="own_funds"]'), own);
  }
  function all(root) {
    root.querySelectorAll("tr.form-row").forEach(function (row) {
      if (row.querySelector("output[data-live]")) update(row);
    });
  }
  document.addEventListener("input", function (event) {
    const row = event.target.closest && event.target.closest("tr.form-row");
    if (row && row.querySelector("output[data-live]")) update(row);
  });
  document.addEventListener("DOMContentLoaded", function () { all(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) all(event.target.closest("table") || event.target);
  });
})();

// The plan's menu row: bring the current part into view (it may be far right on a phone).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".plan-nav-row").forEach(function (row) {
    const active = row.querySelector(".active");
    if (active && active.offsetLeft + active.offsetWidth > row.clientWidth) {
      row.scrollLeft = active.offsetLeft - (row.clientWidth - active.offsetWidth) / 2;
    }
  });
});

// After an htmx swap: if the element that had focus was replaced, put focus somewhere sensible
// (the first field in error, else the conflict or error message, else the first control of
// what arrived, else the region itself) and tell screen readers what happened through the
// page's polite live region. Autosaves and polling leave focus where the user is.
(function () {
  "use strict";
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

  function announce(text) {
    const live = document.getElementById("a11y-live");
    if (!live || !text) return;
    live.textContent = "";
    // A change after a short pause is what screen readers notice reliably.
    window.setTimeout(function () { live.textContent = text; }, 100);
  }
  function clean(text) { return (text || "").replace(/\s+/g, " ").trim(); }
  function region(detail) {
    const target = detail.target;
    if (target && target.isConnected) return target;
    if (target && target.id) return document.getElementById(target.id);
    return detail.elt && detail.elt.isConnected ? detail.elt : null;
  }
  function focusOn(el) {
    if (!el) return;
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute("data-focus-region", "");
    }
    el.focus({ preventScroll: false });
  }

  let lostFocus = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    // Focus is lost when the element that holds it is about to be replaced.
    const active = document.activeElement;
    const target = event.detail.target;
    lostFocus = !!(target && active && active !== document.body && target.contains(active));
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const detail = event.detail;
    const where = region(detail);
    const verb = ((detail.requestConfig || {}).verb || "get").toLowerCase();
    const focusGone = lostFocus || !document.activeElement || document.activeElement === document.body;
    lostFocus = false;
    if (!where) return;
    // A table row's message (a conflict, a refusal) arrives in the row after it.
    const next = where.tagName === "TR" ? where.nextElementSibling : null;
    const invalid = where.querySelector(".is-invalid");
    const alert = where.querySelector("[role=alert]") || (next && next.querySelector("[role=alert]"));
    if (invalid || alert) {
      if (focusGone) focusOn(invalid || alert);
      if (alert) announce(clean(alert.textContent));
      return;
    }
    const live = document.getElementById("a11y-live");
    // A region that is itself live (an autosave's status) speaks for itself.
    if (verb !== "get" && live && !where.closest("[aria-live]")) {
      announce(live.dataset.saved);
    }
    if (focusGone) focusOn(where.querySelector(FOCUSABLE) || where);
  });
})();

// A table wider than its box scrolls sideways: keyboard users need to reach it to scroll it,
// so a scrolling box becomes a named, focusable region (WCAG 2.1.1).
(function () {
  "use strict";
  function label(box) {
    const caption = box.querySelector("caption");
    if (caption) return caption.textContent.replace(/\s+/g, " ").trim();
    const section = box.closest("section, .card, article");
    const heading = section && section.querySelector("h1, h2, h3, h4, .card-header");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : document.title;
  }
  function mark(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) box.setAttribute("aria-label", label(box));
      }
    });
  }
  // Widths change after the first paint (the web font arrives, a card opens): look again then.
  const watcher = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      const box = entry.target.closest(".table-responsive");
      if (box) mark(box.parentElement || document);
    });
  });
  function watch(root) {
    mark(root);
    if (watcher) root.querySelectorAll(".table-responsive > table").forEach(function (table) { watcher.observe(table); });
  }
  document.addEventListener("DOMContentLoaded", function () { watch(document); });
  window.addEventListener("load", function () { mark(document); });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { mark(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) watch(event.target.parentElement || event.target);
  });
})();
