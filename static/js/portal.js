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
