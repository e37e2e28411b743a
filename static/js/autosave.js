/* The application steps save as the person types, and nothing typed is lost.
 *
 * - htmx posts the step (attributes on the form: debounced input, change, blur); the answer
 *   replaces the status line ("Saved at 18:42") and each field's error list.
 * - What the server has not confirmed yet (being sent, refused as invalid, or sent while the
 *   session had ended) is kept in this tab's sessionStorage, sealed with AES-GCM under the key
 *   the page carries (data-draft-key), and put back into the fields when the step is opened
 *   again, after a new login too. Without WebCrypto (a page not served over HTTPS or from
 *   localhost) the personal numbers (data-sensitive) are not kept at all, only the rest.
 * - Leaving the page with unconfirmed input asks first (beforeunload), and sends the step one
 *   last time (sendBeacon) while the page goes.
 * No inline script anywhere: this file is loaded with `defer` (strict CSP).
 */
(function () {
  "use strict";

  var STORE = "pos-portal-draft:";
  var MAX_AGE_MS = 24 * 3600 * 1000;
  var leavingOnPurpose = false;

  function fieldsOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "hidden" || el.type === "submit") return;
      if (el.type === "checkbox") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.type === "radio") {
        if (!(el.name in values)) values[el.name] = "";
        if (el.checked) values[el.name] = el.value;
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function setField(form, name, value) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name) return;
      if (el.type === "checkbox") {
        el.checked = Array.isArray(value) ? value.indexOf(el.value) !== -1 : !!value;
      } else if (el.type === "radio") {
        el.checked = el.value === value;
      } else {
        el.value = value;
      }
    });
    var box = document.getElementById("field-" + name);
    if (box) box.classList.add("restored");
  }

  function markErrors(form) {
    form.querySelectorAll(".field-errors").forEach(function (errors) {
      var name = errors.id.replace(/^errors-/, "");
      var box = document.getElementById("field-" + name);
      var invalid = !!errors.querySelector("li");
      if (box) box.classList.toggle("invalid", invalid);
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (invalid) el.setAttribute("aria-invalid", "true");
        else el.removeAttribute("aria-invalid");
      });
    });
  }

  function Sealer(form) {
    var raw = form.dataset.draftKey;
    var subtle = window.crypto && window.crypto.subtle;
    this.sensitive = (form.dataset.sensitive || "").split(" ").filter(Boolean);
    this.key = raw && subtle
      ? subtle.importKey("raw", Uint8Array.from(atob(raw), function (c) { return c.charCodeAt(0); }),
          "AES-GCM", false, ["encrypt", "decrypt"]).catch(function () { return null; })
      : Promise.resolve(null);
  }

  Sealer.prototype.seal = function (values) {
    var sensitive = this.sensitive;
    return this.key.then(function (key) {
      if (!key) {
        var plain = {};
        Object.keys(values).forEach(function (n) { if (sensitive.indexOf(n) === -1) plain[n] = values[n]; });
        return { at: Date.now(), plain: plain };
      }
      var iv = window.crypto.getRandomValues(new Uint8Array(12));
      var data = new TextEncoder().encode(JSON.stringify(values));
      return window.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data).then(function (sealed) {
        return { at: Date.now(), iv: btoa(String.fromCharCode.apply(null, iv)),
                 sealed: btoa(String.fromCharCode.apply(null, new Uint8Array(sealed))) };
      });
    });
  };

  Sealer.prototype.open = function (stored) {
    if (!stored || Date.now() - stored.at > MAX_AGE_MS) return Promise.resolve({});
    if (stored.plain) return Promise.resolve(stored.plain);
    return this.key.then(function (key) {
      if (!key) return {};
      var bytes = function (b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); };
      return window.crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(stored.iv) }, key, bytes(stored.sealed))
        .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); })
        .catch(function () { return {}; }); // another person's or an old key: not ours to read
    });
  };

  function Autosave(form) {
    this.form = form;
    this.storeKey = STORE + form.dataset.autosave;
    this.sealer = new Sealer(form);
    this.confirmed = fieldsOf(form); // what the server holds, as the page showed it
    this.pending = {};
    this.writing = Promise.resolve();
    var self = this;
    form.addEventListener("input", function () { self.remember(); });
    form.addEventListener("change", function () { self.remember(); });
    // What each request carried, kept with it: answers are matched to their own request.
    form.addEventListener("htmx:beforeSend", function (event) { event.detail.xhr.posPortalSent = fieldsOf(form); });
    form.addEventListener("htmx:beforeSwap", function (event) {
      // The ended-session (401) and refused-field answers carry a status line to show too.
      if (event.detail.xhr.status === 401 || event.detail.xhr.status === 400) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    form.addEventListener("htmx:afterRequest", function (event) { self.answered(event.detail.xhr); });
    form.addEventListener("htmx:afterSettle", function () { markErrors(form); });
    form.addEventListener("htmx:sendError", function () { self.offline(); });
    form.addEventListener("htmx:responseError", function () { self.offline(); });
    this.restore();
  }

  Autosave.prototype.remember = function () {
    var now = fieldsOf(this.form);
    var self = this;
    Object.keys(now).forEach(function (name) {
      if (!same(now[name], self.confirmed[name])) {
        self.pending[name] = now[name];
      } else {
        delete self.pending[name];
        var box = document.getElementById("field-" + name);
        if (box) box.classList.remove("restored");
      }
    });
    // Said on the form too: styles and tests can see that something is not saved yet.
    this.form.toggleAttribute("data-unsaved", this.unsaved());
    this.store();
  };

  Autosave.prototype.store = function () {
    var self = this;
    var pending = Object.assign({}, this.pending);
    this.writing = this.writing.then(function () {
      if (!Object.keys(pending).length) {
        sessionStorage.removeItem(self.storeKey);
        return;
      }
      return self.sealer.seal(pending).then(function (stored) {
        sessionStorage.setItem(self.storeKey, JSON.stringify(stored));
      });
    }).catch(function () { /* storage full or refused: the server copy is all there is */ });
  };

  Autosave.prototype.answered = function (xhr) {
    var sent = xhr.posPortalSent;
    markErrors(this.form);
    if (!sent || xhr.status !== 200) return; // not saved (session ended, refused, no answer): all stays pending
    var answer = new DOMParser().parseFromString(xhr.responseText, "text/html").getElementById("autosave-status");
    if (!answer || answer.dataset.state === "refused") return;
    var invalid = (answer.dataset.invalid || "").split(" ");
    var self = this;
    Object.keys(sent).forEach(function (name) {
      if (invalid.indexOf(name) === -1) self.confirmed[name] = sent[name];
    });
    this.remember();
  };

  Autosave.prototype.offline = function () {
    var status = document.getElementById("autosave-status");
    if (status) {
      status.textContent = this.form.dataset.msgOffline;
      status.dataset.state = "offline";
      status.className = "autosave offline";
    }
  };

  Autosave.prototype.restore = function () {
    var self = this;
    var stored = null;
    try { stored = JSON.parse(sessionStorage.getItem(this.storeKey) || "null"); } catch (e) { stored = null; }
    if (!stored) return;
    this.sealer.open(stored).then(function (values) {
      var names = Object.keys(values).filter(function (n) { return !same(values[n], self.confirmed[n]); });
      if (!names.length) {
        sessionStorage.removeItem(self.storeKey);
        return;
      }
      names.forEach(function (n) { setField(self.form, n, values[n]); });
      var status = document.getElementById("autosave-status");
      if (status) status.textContent = self.form.dataset.msgRestored;
      self.remember();
      if (window.htmx) window.htmx.trigger(self.form, "change");
    });
  };

  Autosave.prototype.unsaved = function () {
    return Object.keys(this.pending).length > 0;
  };

  Autosave.prototype.lastSend = function () {
    if (!this.unsaved() || !navigator.sendBeacon) return;
    var data = new FormData(this.form);
    data.set("autosave", "1");
    navigator.sendBeacon(this.form.getAttribute("hx-post"), data);
  };

  function watchFileInputs(form) {
    var chosen = false;
    form.addEventListener("change", function (event) {
      if (event.target.type === "file" || event.target.type === "checkbox") chosen = true;
    });
    return function () { return chosen; };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-unsaved-warning]");
    if (!form) return;
    var autosave = form.dataset.autosave ? new Autosave(form) : null;
    var touched = watchFileInputs(form);
    var unsaved = function () { return autosave ? autosave.unsaved() : touched(); };

    form.addEventListener("submit", function () { leavingOnPurpose = true; });
    document.addEventListener("click", function (event) {
      // Logging in again keeps the draft in this tab: no need to ask before going.
      if (event.target.closest && event.target.closest("[data-login-again]")) leavingOnPurpose = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (leavingOnPurpose || !unsaved()) return;
      event.preventDefault();
      event.returnValue = "";
    });
    window.addEventListener("pagehide", function () {
      if (autosave && !leavingOnPurpose) autosave.lastSend();
    });
  });
})();
