/* A district select that follows its form's province select (regions/forms.py).
   Without this script the form still works: the server refuses a district of another province
   and lists the right ones. */
(function () {
  "use strict";

  function option(value, text) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function fill(select, groups) {
    var chosen = select.value;
    var placeholder = select.querySelector("option[value='']");
    select.replaceChildren(option("", placeholder ? placeholder.textContent : "—"));
    groups.forEach(function (group) {
      var optgroup = document.createElement("optgroup");
      optgroup.label = group.city;
      group.districts.forEach(function (district) {
        optgroup.appendChild(option(district[0], district[1]));
      });
      select.appendChild(optgroup);
    });
    select.value = chosen; // kept when it belongs to the new province, cleared otherwise
    if (select.value !== chosen) select.value = "";
  }

  function follow(select) {
    var province = select.form && select.form.elements[select.dataset.provinceField];
    if (!province) return;
    province.addEventListener("change", function () {
      if (!province.value) {
        fill(select, []);
        return;
      }
      var url = select.dataset.districtsUrl.replace("/00/", "/" + encodeURIComponent(province.value) + "/");
      select.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) { fill(select, data.groups); })
        .catch(function () { /* the server's check still catches a mismatch */ })
        .finally(function () { select.removeAttribute("aria-busy"); });
    });
  }

  function start() {
    document.querySelectorAll("select[data-province-field][data-districts-url]").forEach(follow);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
