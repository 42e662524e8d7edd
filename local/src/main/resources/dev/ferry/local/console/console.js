// ferry dev's console: refreshes the server-rendered page from /console/api/*. Every value is put in with
// textContent, never as HTML: record bodies and failure reasons are hostile input.
(function () {
  'use strict';

  var COUNTS = ['in', 'forwarded', 'delivered', 'duplicates', 'deferred', 'retried', 'deadLettered', 'rejected'];
  var letters = [];
  var openId = null;
  var openLetter = null;
  var shownTrace = null;
  var lettersSeen = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== null && text !== undefined) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function clock(iso) { return iso && iso.length >= 19 ? iso.substring(11, 19) : ''; }

  function answer(r) {
    return r.json().then(function (body) {
      if (!r.ok) { throw new Error(body && body.error ? body.error : 'HTTP ' + r.status); }
      return body;
    });
  }

  function get(path) {
    return fetch('/console/api/' + path, { headers: { 'Accept': 'application/json' }, cache: 'no-store' }).then(answer);
  }

  // The custom header makes a cross-site form or script unable to post here without a preflight, which is refused.
  function post(path) {
    return fetch('/console/api/' + path, { method: 'POST', headers: { 'X-Ferry-Console': '1' }, cache: 'no-store' }).then(answer);
  }

  function replaceRows(tbody, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function traceLink(trace) {
    var a = el('a', trace || '', 'trace mono');
    a.href = '#trail-section';
    if (trace) { a.setAttribute('data-trace', trace); }
    return a;
  }

  function status(text, bad) {
    $('status').textContent = text;
    $('status').className = bad ? 'bad' : '';
    $('updated').textContent = bad ? '' : 'updated ' + new Date().toLocaleTimeString();
  }

  // ------------------------------------------------------------------ counts and latest events

  function renderCounts(body) {
    $('integration-count').textContent = body.integrations.length;
    replaceRows(document.querySelector('#counts tbody'), body.rows.map(function (row) {
      var tr = el('tr');
      tr.setAttribute('data-integration', row.integration);
      tr.setAttribute('data-step', row.step);
      tr.appendChild(el('td', row.integration));
      tr.appendChild(el('td', row.step));
      COUNTS.forEach(function (c) {
        var td = el('td', row[c], row[c] > 0 && (c === 'deadLettered' || c === 'rejected') ? 'bad' : null);
        td.setAttribute('data-count', c);
        tr.appendChild(td);
      });
      return tr;
    }));
    $('counts-empty').hidden = body.rows.length > 0;
  }

  function renderRecent(body) {
    replaceRows(document.querySelector('#recent tbody'), body.events.map(function (e) {
      var tr = el('tr', null, 'outcome-' + e.outcome);
      var at = el('td', clock(e.at));
      at.title = e.at;
      tr.appendChild(at);
      tr.appendChild(el('td', e.integration));
      tr.appendChild(el('td', e.recordId, 'mono'));
      tr.appendChild(el('td', e.step));
      tr.appendChild(el('td', e.outcome));
      tr.appendChild(el('td', e.attempt));
      var td = el('td');
      td.appendChild(traceLink(e.traceId));
      tr.appendChild(td);
      return tr;
    }));
  }

  // ------------------------------------------------------------------ dead letters

  function renderLetters(body) {
    var text = JSON.stringify(body);
    if (text === lettersSeen) { return; } // unchanged: keep the rows (and a button being clicked) as they are
    lettersSeen = text;
    letters = body.deadLetters;
    $('dead-letter-count').textContent = body.count;
    replaceRows(document.querySelector('#dead-letters tbody'), letters.map(function (l) {
      var tr = el('tr', null, l.id === openId ? 'open' : null);
      tr.setAttribute('data-id', l.id);
      tr.setAttribute('data-integration', l.integration || '');
      tr.setAttribute('data-record', l.recordId || '');
      tr.setAttribute('data-trace', l.traceId || '');
      tr.appendChild(el('td', l.queue));
      tr.appendChild(el('td', l.integration));
      tr.appendChild(el('td', l.recordId, 'mono'));
      tr.appendChild(el('td', l.summary));
      tr.appendChild(el('td', l.reason, 'reason'));
      var at = el('td', clock(l.at));
      at.title = l.at;
      tr.appendChild(at);
      tr.appendChild(el('td', l.failures.length));
      var td = el('td');
      var open = el('button', 'Open', 'open');
      open.type = 'button';
      td.appendChild(open);
      tr.appendChild(td);
      return tr;
    }));
    $('dead-letters-empty').hidden = letters.length > 0;
  }

  function findLetter(id) {
    for (var i = 0; i < letters.length; i++) { if (letters[i].id === id) { return letters[i]; } }
    return null;
  }

  function openLetterPanel(id) {
    var l = findLetter(id);
    if (!l) { return; }
    openId = id;
    openLetter = l;
    $('letter').hidden = false;
    $('letter-gone').hidden = true;
    $('letter-record').textContent = l.recordId || '(none)';
    $('letter-integration').textContent = l.integration || '(unknown)';
    $('letter-queue').textContent = l.queue;
    $('letter-trace').textContent = l.traceId || '';
    $('letter-trace').setAttribute('data-trace', l.traceId || '');
    replaceRows(document.querySelector('#history tbody'), l.failures.map(function (f) {
      var tr = el('tr');
      var at = el('td', clock(f.at));
      at.title = f.at;
      tr.appendChild(at);
      tr.appendChild(el('td', f.step));
      tr.appendChild(el('td', f.attempt));
      tr.appendChild(el('td', f.kind, f.kind === 'permanent' ? 'bad' : null));
      tr.appendChild(el('td', f.httpStatus === null || f.httpStatus === undefined ? '' : f.httpStatus));
      tr.appendChild(el('td', f.reason, 'reason'));
      tr.appendChild(el('td', f.detail, 'mono'));
      return tr;
    }));
    $('letter-received').textContent = l.unreadable !== null && l.unreadable !== undefined ? l.unreadable
      : JSON.stringify(l.received, null, 2);
    $('letter-mapped-box').hidden = !l.mapped;
    $('letter-mapped').textContent = l.mapped ? JSON.stringify(l.mapped, null, 2) : '';
    $('preview').hidden = true;
    $('replay-result').textContent = '';
    $('preview-replay').disabled = !l.recordId;
    Array.prototype.forEach.call(document.querySelectorAll('#dead-letters tbody tr'), function (tr) {
      tr.className = tr.getAttribute('data-id') === id ? 'open' : '';
    });
  }

  function replayQuery(l, dry) {
    return 'replay?integration=' + encodeURIComponent(l.integration) + '&record=' + encodeURIComponent(l.recordId)
      + (dry ? '&dryRun=true' : '');
  }

  function previewReplay() {
    var l = openLetter;
    if (!l) { return; }
    $('replay-result').textContent = '';
    post(replayQuery(l, true)).then(function (report) {
      var item = report.items.filter(function (i) { return i.action === 'would-replay'; })[0];
      $('preview').hidden = false;
      if (!item) {
        $('preview-summary').textContent = 'Nothing would be replayed (' + report.scanned + ' dead letters looked at).';
        $('preview-mapping').textContent = '';
        $('preview-error').hidden = true;
        $('replay').disabled = true;
        return;
      }
      $('preview-summary').textContent = 'Would re-drive ' + report.matched + ' dead letter(s) of record ' + item.recordId
        + ' from ' + item.queue + ' to ' + item.target + (item.preview ? ', mapped by the current spec as:' : '.');
      $('preview-mapping').textContent = item.preview ? JSON.stringify(item.preview, null, 2) : '';
      $('preview-error').hidden = !item.error;
      $('preview-error').textContent = item.error ? 'It would still fail: ' + item.error : '';
      $('replay').disabled = false;
    }).catch(function (e) {
      $('preview').hidden = true;
      $('replay-result').textContent = 'Preview failed: ' + e.message;
    });
  }

  function replay() {
    var l = openLetter;
    if (!l) { return; }
    $('replay').disabled = true;
    post(replayQuery(l, false)).then(function (report) {
      $('replay-result').textContent = 'Replayed ' + report.replayed + ' dead letter(s) of record ' + l.recordId
        + '; follow its trail below.';
      $('preview').hidden = true;
      showTrail(l.traceId);
      refreshLetters();
    }).catch(function (e) {
      $('replay-result').textContent = 'Replay failed: ' + e.message;
      $('replay').disabled = false;
    });
  }

  // ------------------------------------------------------------------ trail

  function showTrail(trace) {
    shownTrace = trace && trace.trim() ? trace.trim() : null;
    $('trail-trace').value = shownTrace || '';
    refreshTrail();
  }

  function refreshTrail() {
    if (!shownTrace) { return Promise.resolve(); }
    return get('trail?trace=' + encodeURIComponent(shownTrace)).then(function (body) {
      if (body.traceId !== shownTrace) { return; }
      replaceRows(document.querySelector('#trail tbody'), body.events.map(function (e) {
        var tr = el('tr', null, 'outcome-' + e.outcome);
        tr.setAttribute('data-outcome', e.outcome);
        tr.setAttribute('data-step', e.step);
        var at = el('td', clock(e.at));
        at.title = e.at;
        tr.appendChild(at);
        tr.appendChild(el('td', e.step));
        tr.appendChild(el('td', e.outcome));
        tr.appendChild(el('td', e.attempt || ''));
        tr.appendChild(el('td', e.recordId, 'mono'));
        tr.appendChild(el('td', e.detail, 'reason'));
        return tr;
      }));
      $('trail-empty').hidden = body.events.length > 0;
    });
  }

  // ------------------------------------------------------------------ refresh loop

  function refreshLetters() {
    return get('dead-letters').then(function (body) {
      renderLetters(body);
      if (openId) {
        var l = findLetter(openId);
        if (l) { openLetter = l; }
        $('letter-gone').hidden = l !== null; // replayed (or re-driven elsewhere): the panel keeps what it showed
      }
    });
  }

  function refresh() {
    return Promise.all([get('counts').then(renderCounts), get('recent').then(renderRecent), refreshLetters(), refreshTrail()])
      .then(function () { status('live', false); })
      .catch(function (e) { status('not reachable: ' + e.message, true); });
  }

  function reloadSpecs() {
    $('reload-result').textContent = 'reloading ...';
    post('reload').then(function (body) {
      $('reload-result').textContent = body.changed.length === 0 ? 'specs reloaded, nothing changed'
        : 'specs reloaded: ' + body.changed.join(', ');
    }).catch(function (e) {
      $('reload-result').textContent = 'not reloaded: ' + e.message;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.addEventListener('click', function (ev) {
      var t = ev.target;
      if (t.matches('button.open')) {
        openLetterPanel(t.closest('tr').getAttribute('data-id'));
      } else if (t.matches('a[data-trace]')) {
        ev.preventDefault();
        showTrail(t.getAttribute('data-trace'));
        $('trail-section').scrollIntoView();
      }
    });
    $('preview-replay').addEventListener('click', previewReplay);
    $('replay').addEventListener('click', replay);
    $('reload-specs').addEventListener('click', reloadSpecs);
    $('trail-show').addEventListener('click', function () { showTrail($('trail-trace').value); });
    $('trail-trace').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { showTrail($('trail-trace').value); }
    });
    refresh();
    setInterval(refresh, 1500);
  });
}());
