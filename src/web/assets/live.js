// Live refresh of the board and the case page (SPEC §7): poll the tenant's change sequence and,
// when it moved, swap in the page's live region. Works across processes and nodes, as /live reads
// the database. Without this script the pages work as plain links and forms.
;(function () {
  'use strict'
  var POLL_MS = 2000
  var region = document.getElementById('live-region')
  if (!region || !window.fetch) return
  var status = document.getElementById('live-status')
  var busy = false

  function swap(html) {
    var holder = document.createElement('div')
    holder.innerHTML = html
    var fresh = holder.querySelector('#live-region')
    if (!fresh) return
    // Keep keyboard focus on the same card (or element with an id) when the region is replaced.
    var focusedId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : ''
    region.replaceWith(fresh)
    region = fresh
    if (focusedId) {
      var again = document.getElementById(focusedId)
      if (again) again.focus()
    }
    var form = document.querySelector('input[name="version"]')
    if (status) {
      status.textContent =
        form && fresh.dataset.version !== form.value
          ? 'This case has changed since you opened it: reload the page before saving.'
          : 'Updated at ' + new Date().toLocaleTimeString()
    }
  }

  function poll() {
    if (busy || document.hidden) return
    busy = true
    fetch('/live', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (answer) {
        return answer.ok ? answer.json() : null
      })
      .then(function (live) {
        if (!live || String(live.seq) === region.dataset.liveSeq) return null
        return fetch(location.href, { credentials: 'same-origin', headers: { 'x-firehouse-fragment': '1' } }).then(function (answer) {
          return answer.ok ? answer.text().then(swap) : null
        })
      })
      .catch(function () {})
      .then(function () {
        busy = false
      })
  }

  setInterval(poll, POLL_MS)
})()
