// paperbrief static search: looks up the query's tokens in the sharded JSON index under search/
// (built by paperbrief.render.search_index) and lists the matching papers. Every text is put
// into the page with textContent / DOM nodes, never as HTML.
(function () {
  "use strict";
  var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2fa1f}";
  var PART = new RegExp("([" + CJK + "]+)|((?:(?![" + CJK + "])[\\p{L}\\p{N}])+)", "gu");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var input = document.getElementById("q");
  var meta = null;
  var cache = {};

  // Mirrors paperbrief.search.site_tokens: lowercase latin words, CJK runs as bigrams.
  function parse(text) {
    var tokens = [], cjk = [], words = [], m;
    text = text.toLowerCase();
    PART.lastIndex = 0;
    while ((m = PART.exec(text)) !== null) {
      if (m[1]) {
        var run = Array.from(m[1]);
        cjk.push(m[1]);
        if (run.length === 1) { tokens.push(m[1]); }
        for (var i = 0; i + 1 < run.length; i++) { tokens.push(run[i] + run[i + 1]); }
      } else {
        words.push(m[2]);
        tokens.push(m[2]);
      }
    }
    return { tokens: Array.from(new Set(tokens)), cjk: cjk, words: words };
  }

  // FNV-1a over code points, as paperbrief.render.search_index.shard_of.
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    for (var ch of token) { h ^= ch.codePointAt(0); h = Math.imul(h, 0x01000193); }
    return (h >>> 0) % shards;
  }

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      });
    }
    return cache[url];
  }

  function undelta(list) {
    var out = [], n = 0;
    for (var i = 0; i < list.length; i++) { n += list[i]; out.push(n); }
    return out;
  }

  function say(key, n) {
    status.textContent = (status.dataset[key] || "").replace("{count}", String(n));
  }

  function highlight(el, text, q) {
    var parts = q.cjk.concat(q.words).filter(function (s) { return s.length > 0; })
      .map(function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!parts.length) { el.textContent = text; return; }
    parts.sort(function (a, b) { return b.length - a.length; });
    var re = new RegExp(parts.join("|"), "giu"), last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function run(query) {
    var q = parse(query);
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    if (!q.tokens.length) { say("none", 0); return; }
    if (q.tokens.every(function (t) { return Array.from(t).length === 1 && /[^\x00-\x7f]/.test(t); })) {
      say("short", 0); return;
    }
    say("searching", 0);
    getJSON("search/meta.json").then(function (m) {
      meta = m;
      var shards = {};
      q.tokens.forEach(function (t) { shards[shardOf(t, m.shards)] = true; });
      return Promise.all(Object.keys(shards).map(function (i) { return getJSON("search/t/" + i + ".json"); }));
    }).then(function (tables) {
      var merged = {};
      tables.forEach(function (t) { Object.assign(merged, t); });
      var scores = null;
      q.tokens.forEach(function (t) {
        var entry = merged[t] || [[], []], here = {};
        undelta(entry[1]).forEach(function (d) { here[d] = 1; });
        undelta(entry[0]).forEach(function (d) { here[d] = 3; });
        if (scores === null) { scores = here; return; }
        var next = {};
        Object.keys(scores).forEach(function (d) { if (here[d]) { next[d] = scores[d] + here[d]; } });
        scores = next;
      });
      var ids = Object.keys(scores || {}).map(Number);
      ids.sort(function (a, b) { return (scores[b] - scores[a]) || (b - a); });
      var total = ids.length;
      ids = ids.slice(0, meta.limit || 50);
      var chunks = {};
      ids.forEach(function (d) { chunks[Math.floor(d / meta.chunk)] = true; });
      return Promise.all(Object.keys(chunks).map(function (k) {
        return getJSON("search/d/" + k + ".json").then(function (docs) { return [Number(k), docs]; });
      })).then(function (loaded) {
        var docs = {};
        loaded.forEach(function (pair) { docs[pair[0]] = pair[1]; });
        render(ids.map(function (d) { return docs[Math.floor(d / meta.chunk)][d % meta.chunk]; }), q, total);
      });
    }).catch(function () { say("error", 0); });
  }

  function render(docs, q, total) {
    if (!docs.length) { say("none", 0); return; }
    say("count", total);
    docs.forEach(function (doc) {
      // doc: [arxiv_id, date, title, domain, summary]
      var li = document.createElement("li");
      var a = document.createElement("a");
      // the page of an old-style id (hep-th/9901001) is papers/hep-th_9901001.html (render.page_name)
      a.href = "papers/" + encodeURIComponent(doc[0].replace(/\//g, "_")) + ".html";
      a.className = "hit";
      highlight(a, doc[2], q);
      var metaLine = document.createElement("div");
      metaLine.className = "hit-meta";
      metaLine.textContent = doc[1] + " · arXiv " + doc[0] + (doc[3] ? " · " + doc[3] : "");
      var snippet = document.createElement("div");
      snippet.className = "snippet";
      highlight(snippet, doc[4], q);
      li.appendChild(a);
      li.appendChild(metaLine);
      li.appendChild(snippet);
      list.appendChild(li);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (input) { input.value = query; }
  document.querySelectorAll("header.site input[name=q]").forEach(function (el) { el.value = query; });
  run(query);
})();
