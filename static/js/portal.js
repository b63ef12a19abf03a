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
