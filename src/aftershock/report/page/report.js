// aftershock report: the interactive dependency graph and the timeline's details.
// Everything taken from the model is written with textContent or setAttribute, never as HTML.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COL = 250, ROW = 24, BAND = 30, TOP = 40;
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges, also = data.also;
  var svg = document.getElementById("graph");
  var status = document.getElementById("status");
  var out = nodes.map(function () { return []; });
  edges.forEach(function (e, i) { out[e[0]].push(i); });
  var byName = {};
  nodes.forEach(function (n, i) { byName[n[0]] = i; });
  var isTarget = {};
  data.targets.forEach(function (i) { isTarget[i] = true; });

  // -- blast radii, from the single-failure equations ---------------------------------------
  // An edge explains its source's failures when everything that takes its target down (bit 1)
  // or degrades it (bit 2) does the same to the source; ``also`` lists, per node, what takes
  // it down or degrades it through k-of-n gates. A target's blast radius is the target and
  // everything that reaches it backwards over explaining edges or lists it.
  var downUsers = nodes.map(function () { return []; });
  var worseUsers = nodes.map(function () { return []; });
  edges.forEach(function (e) {
    if (e[4] & 1) downUsers[e[1]].push(e[0]);
    if (e[4] & 2) worseUsers[e[1]].push(e[0]);
  });
  var alsoDown = {}, alsoWorse = {}, alsoOf = {};
  Object.keys(also).forEach(function (key) {
    var v = +key;
    alsoOf[v] = {};
    also[key][0].forEach(function (t) { (alsoDown[t] = alsoDown[t] || []).push(v); });
    also[key][1].forEach(function (t) { (alsoWorse[t] = alsoWorse[t] || []).push(v); alsoOf[v][t] = true; });
  });
  function closure(t, users, extra) {
    var found = {}; found[t] = true;
    var queue = [t].concat(extra[t] || []);
    queue.forEach(function (v) { found[v] = true; });
    for (var head = 0; head < queue.length; head++) {
      var list = users[queue[head]];
      for (var j = 0; j < list.length; j++) {
        if (!found[list[j]]) { found[list[j]] = true; queue.push(list[j]); }
      }
    }
    return found;
  }
  function numbers(set, without) {
    return Object.keys(set).map(Number).filter(function (i) { return !without || !without[i]; }).sort(function (a, b) { return a - b; });
  }
  function blastOf(t) {
    // [the nodes t's failure alone takes down (t included), those it only degrades]
    var down = closure(t, downUsers, alsoDown);
    return [numbers(down), numbers(closure(t, worseUsers, alsoWorse), down)];
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // -- layout: a column per kind and depth, rows grouped in bands by region ----------------
  var pos = new Array(nodes.length);
  var edgeLayer = el("g", { "class": "edges" }, svg);
  var bandLayer = el("g", { "class": "bands" }, svg);
  var nodeLayer = el("g", { "class": "nodes" }, svg);
  var edgeEls = edges.map(function (e) {
    return el("path", { "class": "edge " + e[2] + (e[3] ? " hidden" : "") }, edgeLayer);
  });
  var nodeEls = nodes.map(function (n, i) {
    var g = el("g", { "class": "node k-" + n[1], "data-name": n[0], "data-i": String(i), tabindex: "0" }, nodeLayer);
    el("circle", { r: n[1] === "business" ? 7 : 5 }, g);
    var label = el("text", { x: 8, y: -7 }, g);
    label.textContent = n[0];
    var tip = el("title", {}, g);
    tip.textContent = n[0] + " (" + n[1] + ", " + n[2] + ")";
    return g;
  });

  function layout(subset) {
    // place ``subset`` (all nodes when null) in compact columns; the rest keep their places
    var chosen = subset || nodes.map(function (_, i) { return i; });
    var inside = {};
    chosen.forEach(function (i) { inside[i] = true; });
    var byColumn = {};
    chosen.forEach(function (i) { (byColumn[nodes[i][3]] = byColumn[nodes[i][3]] || []).push(i); });
    while (bandLayer.firstChild) bandLayer.removeChild(bandLayer.firstChild);
    Object.keys(byColumn).forEach(function (c) {
      var column = byColumn[c].sort(function (a, b) { return nodes[a][4] - nodes[b][4]; });
      var y = TOP, group = null;
      column.forEach(function (i) {
        if (nodes[i][2] !== group) {
          group = nodes[i][2];
          y += BAND;
          var t = el("text", { "class": "band", x: c * COL - 6, y: y - 20 }, bandLayer);
          t.textContent = group;
        }
        pos[i] = { x: c * COL, y: y };
        y += ROW;
      });
    });
    chosen.forEach(function (i) { nodeEls[i].setAttribute("transform", "translate(" + pos[i].x + "," + pos[i].y + ")"); });
    edges.forEach(function (e, k) {
      if (!inside[e[0]] || !inside[e[1]]) return;
      var a = pos[e[0]], b = pos[e[1]], mid = (a.x + b.x) / 2;
      edgeEls[k].setAttribute("d", "M" + a.x + "," + a.y + " C" + mid + "," + a.y + " " + mid + "," + b.y + " " + b.x + "," + b.y);
    });
  }
  layout(null);

  // -- pan and zoom --------------------------------------------------------------------
  var view = { x: 0, y: 0, w: 1000, h: 700 };
  function apply() { svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  function fit(indices) {
    var list = indices && indices.length ? indices : nodes.map(function (_, i) { return i; });
    if (!list.length) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    list.forEach(function (i) {
      minX = Math.min(minX, pos[i].x); maxX = Math.max(maxX, pos[i].x);
      minY = Math.min(minY, pos[i].y); maxY = Math.max(maxY, pos[i].y);
    });
    var box = svg.getBoundingClientRect();
    var ratio = box.width && box.height ? box.height / box.width : 0.6;
    var w = Math.max(maxX - minX + 260, 500), h = Math.max(maxY - minY + 60, 300);
    if (h / w > ratio) { w = h / ratio; } else { h = w * ratio; }
    view = { x: minX - 40, y: minY - 30, w: w, h: h };
    apply();
  }
  function center(i) {
    view.x = pos[i].x - view.w / 3; view.y = pos[i].y - view.h / 2; apply();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var box = svg.getBoundingClientRect();
    var fx = (ev.clientX - box.left) / box.width, fy = (ev.clientY - box.top) / box.height;
    var k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    var px = view.x + fx * view.w, py = view.y + fy * view.h;
    view.w *= k; view.h *= k; view.x = px - fx * view.w; view.y = py - fy * view.h;
    apply();
  }, { passive: false });
  var drag = null, moved = false;
  svg.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y }; moved = false; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var box = svg.getBoundingClientRect();
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
    view.x = drag.vx - dx * view.w / box.width; view.y = drag.vy - dy * view.h / box.height;
    apply();
  });
  window.addEventListener("mouseup", function () { drag = null; });

  // -- highlighting --------------------------------------------------------------------
  var list = document.getElementById("impact-list");
  var hint = document.querySelector("#impact .hint");
  var select = document.getElementById("target");
  var focusBox = document.getElementById("focus");
  var lit = [];

  function clear() {
    svg.classList.remove("active");
    nodeEls.forEach(function (g) { g.setAttribute("class", g.getAttribute("class").replace(/ (lit|down|degraded|chosen|dep)/g, "")); });
    edgeEls.forEach(function (p) { p.setAttribute("class", p.getAttribute("class").replace(/ (lit|path|dep)/g, "")); });
    while (list.firstChild) list.removeChild(list.firstChild);
    hint.textContent = "Nothing chosen yet.";
    status.textContent = "";
    if (lit.length && focusBox.checked) layout(null);
    lit = [];
  }
  function mark(i, cls) { nodeEls[i].setAttribute("class", nodeEls[i].getAttribute("class") + " " + cls); }
  function markEdge(k, cls) { edgeEls[k].setAttribute("class", edgeEls[k].getAttribute("class") + " " + cls); }

  function explains(k) {
    // the link v -> w explains: w's failure alone reaches v
    var e = edges[k];
    return (e[4] & 2) || (alsoOf[e[0]] && alsoOf[e[0]][e[1]]);
  }

  function pathTo(from, target, allowed) {
    // prefer links that explain: v depends on w and w's failure alone reaches v
    return walk(from, target, allowed, true) || walk(from, target, allowed, false);
  }

  function walk(from, target, allowed, strict) {
    // breadth-first along dependencies, through affected nodes only
    var prev = {}; prev[from] = -1;
    var queue = [from];
    for (var head = 0; head < queue.length; head++) {
      var v = queue[head];
      if (v === target) break;
      for (var j = 0; j < out[v].length; j++) {
        var k = out[v][j], w = edges[k][1];
        if (prev[w] !== undefined || !(allowed[w] || w === target)) continue;
        if (strict && !explains(k)) continue;
        prev[w] = k; queue.push(w);
      }
    }
    if (prev[target] === undefined) return null;
    var chain = [], v2 = target;
    while (prev[v2] !== -1) { chain.push(prev[v2]); v2 = edges[prev[v2]][0]; }
    return chain.reverse();
  }

  function choose(t) {
    clear();
    if (!isTarget[t]) { status.textContent = nodes[t][0] + " is not a failure target"; return; }
    var radius = blastOf(t);
    svg.classList.add("active");
    select.value = String(t);
    var affected = {};
    mark(t, "chosen lit"); lit.push(t);
    radius[0].forEach(function (i) { affected[i] = "down"; mark(i, "down lit"); lit.push(i); });
    radius[1].forEach(function (i) { affected[i] = "degraded"; mark(i, "degraded lit"); lit.push(i); });
    edges.forEach(function (e, k) { if ((affected[e[0]]) && (affected[e[1]] || e[1] === t)) markEdge(k, "lit"); });
    var services = lit.filter(function (i) { return nodes[i][1] === "business" && i !== t; });
    hint.textContent = nodes[t][0] + " fails: " + radius[0].length + " down, " + radius[1].length + " degraded" + (services.length ? "; business services:" : "; no business service is affected.");
    services.forEach(function (b) {
      var li = document.createElement("li");
      var head = document.createElement("strong");
      head.textContent = nodes[b][0] + " " + affected[b].toUpperCase();
      li.appendChild(head);
      var chain = pathTo(b, t, affected);
      if (chain) {
        chain.forEach(function (k) { markEdge(k, "path"); });
        var names = [nodes[b][0]].concat(chain.map(function (k) { return nodes[edges[k][1]][0]; }));
        var p = document.createElement("div");
        p.className = "path";
        p.textContent = names.join(" → ");
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    status.textContent = services.length + " business service(s) affected";
    if (focusBox.checked) { layout(lit); fit(lit); }
  }

  function dependencies(b) {
    clear();
    svg.classList.add("active");
    var seen = {}; seen[b] = true;
    var queue = [b];
    for (var head = 0; head < queue.length; head++) {
      var v = queue[head];
      out[v].forEach(function (k) {
        markEdge(k, "dep lit");
        var w = edges[k][1];
        if (!seen[w]) { seen[w] = true; queue.push(w); }
      });
    }
    Object.keys(seen).forEach(function (i) { mark(+i, "dep lit"); lit.push(+i); });
    mark(b, "chosen");
    hint.textContent = nodes[b][0] + " depends on " + (lit.length - 1) + " nodes (highlighted).";
    status.textContent = "";
    if (focusBox.checked) { layout(lit); fit(lit); }
  }

  function pick(i) {
    if (nodes[i][1] === "business") dependencies(i); else choose(i);
  }

  nodeEls.forEach(function (g, i) {
    g.addEventListener("click", function () { if (!moved) pick(i); });
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") pick(i); });
  });

  // -- controls --------------------------------------------------------------------------
  var datalist = document.getElementById("names");
  var names = nodes.map(function (n, i) { return [n[0], i]; }).sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  names.forEach(function (pair) {
    var option = document.createElement("option");
    option.value = pair[0];
    datalist.appendChild(option);
    if (isTarget[pair[1]]) {
      var choice = document.createElement("option");
      choice.value = String(pair[1]);
      choice.textContent = pair[0];
      select.appendChild(choice);
    }
  });
  select.addEventListener("change", function () {
    if (select.value === "") { clear(); return; }
    var t = +select.value; choose(t); if (!focusBox.checked) center(t);
  });
  var search = document.getElementById("search");
  search.addEventListener("change", function () {
    var text = search.value.trim().toLowerCase();
    if (!text) return;
    var found = byName[search.value.trim()];
    if (found === undefined) {
      for (var j = 0; j < names.length; j++) { if (names[j][0].toLowerCase().indexOf(text) >= 0) { found = names[j][1]; break; } }
    }
    if (found === undefined) { status.textContent = "nothing matches " + search.value; return; }
    pick(found);
    if (!focusBox.checked) center(found);
  });
  focusBox.addEventListener("change", function () {
    svg.classList.toggle("focus", focusBox.checked);
    layout(focusBox.checked && lit.length ? lit : null);
    fit(focusBox.checked ? lit : null);
  });
  document.getElementById("fit").addEventListener("click", function () { fit(focusBox.checked ? lit : null); });
  document.getElementById("clear").addEventListener("click", function () { select.value = ""; clear(); });
  Array.prototype.forEach.call(document.querySelectorAll(".conc-row"), function (row) {
    row.addEventListener("click", function () {
      var i = byName[row.getAttribute("data-target")];
      if (i === undefined) return;
      choose(i);
      document.getElementById("graph-section").scrollIntoView();
    });
  });

  // -- timeline details ------------------------------------------------------------------
  var whyLabel = document.getElementById("why-label"), whyText = document.getElementById("why-text");
  Array.prototype.forEach.call(document.querySelectorAll("#timeline-chart .bar"), function (bar) {
    function show() {
      Array.prototype.forEach.call(document.querySelectorAll("#timeline-chart .bar.picked"), function (b) { b.classList.remove("picked"); });
      bar.classList.add("picked");
      whyLabel.textContent = bar.getAttribute("data-label");
      whyText.textContent = bar.getAttribute("data-because");
    }
    bar.addEventListener("click", show);
    bar.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(); });
  });

  // start at reading size in the top left corner; Fit shows everything
  var box0 = svg.getBoundingClientRect();
  view = { x: -40, y: 0, w: Math.max(box0.width, 400), h: Math.max(box0.height, 300) };
  apply();
  document.body.setAttribute("data-ready", "1");
})();
