// sesphr view: the trace stepper (inlined into the page; no network needed).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var select = document.getElementById("trace-select");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var counter = document.getElementById("step-counter");
  var stepText = document.getElementById("step-text");
  var table = document.getElementById("marking");
  var trace = 0;
  var position = 0;

  function byId(id) { return document.getElementById(id); }

  // The marking after `upTo` steps of the current trace: [{after, tokens}] per place.
  function markingAt(upTo) {
    var m = data.places.map(function (p) { return { after: p.initial, tokens: p.tokens }; });
    var steps = data.traces.length ? data.traces[trace].steps : [];
    for (var i = 0; i < upTo; i++) {
      steps[i].changes.forEach(function (c) { m[c.p] = { after: c.after, tokens: c.tokens }; });
    }
    return m;
  }

  function show() {
    var steps = data.traces.length ? data.traces[trace].steps : [];
    var step = position > 0 ? steps[position - 1] : null;
    var changed = {};
    if (step) step.changes.forEach(function (c) { changed[c.p] = true; });
    var marking = markingAt(position);
    document.querySelectorAll(".transition.firing, .place.changed, .arc.firing").forEach(function (e) {
      e.classList.remove("firing", "changed");
    });
    marking.forEach(function (m, i) {
      var badge = byId("badge" + i);
      badge.style.display = m.tokens > 0 ? "" : "none";
      badge.querySelector("text").textContent = String(m.tokens);
      var place = data.places[i];
      byId("ptitle" + i).textContent =
        place.name + (place.ty ? ": " + place.ty : "") + "\n" + m.after;
      if (changed[i]) byId("p" + i).classList.add("changed");
    });
    if (step) {
      byId("t" + step.t).classList.add("firing");
      document.querySelectorAll('.arc[data-transition="' + step.t + '"]').forEach(function (e) {
        e.classList.add("firing");
      });
    }
    document.body.dataset.step = String(position);
    counter.textContent = "step " + position + " of " + steps.length;
    prev.disabled = position === 0;
    next.disabled = position >= steps.length;
    if (!data.traces.length) {
      stepText.textContent = "No trace loaded: the initial marking is shown.";
    } else if (step) {
      stepText.textContent = step.transition + (step.binding ? " [" + step.binding + "]" : "") +
        " fires:\n" + step.changes.map(function (c) {
          return "  " + data.places[c.p].name + " := " + c.after;
        }).join("\n") + (step.note ? "\n" + step.note : "");
    } else {
      stepText.textContent = "Initial marking. Press \u201cnext\u201d (or \u2192) to fire the first step.";
    }
    table.innerHTML = "";
    marking.forEach(function (m, i) {
      if (m.tokens === 0 && !changed[i]) return;
      var row = table.insertRow();
      if (changed[i]) row.className = "changed";
      row.insertCell().textContent = data.places[i].name;
      row.insertCell().textContent = m.after;
    });
  }

  data.traces.forEach(function (t, i) {
    var option = document.createElement("option");
    option.value = String(i);
    option.textContent = t.title + " \u2014 " + t.steps.length + " step(s)";
    select.appendChild(option);
  });
  select.disabled = data.traces.length === 0;
  select.addEventListener("change", function () { trace = Number(select.value); position = 0; show(); });
  prev.addEventListener("click", function () { if (position > 0) { position--; show(); } });
  next.addEventListener("click", function () {
    var steps = data.traces.length ? data.traces[trace].steps : [];
    if (position < steps.length) { position++; show(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") next.click();
    if (e.key === "ArrowLeft") prev.click();
  });
  // Zoom of the net's drawing: a factor on its natural size, or fit to the frame.
  var svg = byId("net-svg");
  var natural = [Number(svg.getAttribute("width")), Number(svg.getAttribute("height"))];
  function zoom(factor) {
    svg.setAttribute("width", String(Math.round(natural[0] * factor)));
    svg.setAttribute("height", String(Math.round(natural[1] * factor)));
    svg.dataset.zoom = String(factor);
  }
  byId("zoom-in").addEventListener("click", function () { zoom(Number(svg.dataset.zoom || 1) * 1.25); });
  byId("zoom-out").addEventListener("click", function () { zoom(Number(svg.dataset.zoom || 1) / 1.25); });
  byId("zoom-fit").addEventListener("click", function () {
    zoom(Math.min(1, (byId("net-figure").clientWidth - 4) / natural[0]));
  });
  // A drawing wider than its frame starts fitted to it (zoom in with +).
  if (natural[0] > byId("net-figure").clientWidth) byId("zoom-fit").click();
  show();
})();
