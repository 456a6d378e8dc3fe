// The web app's only script (pages work without it): the Content-Security-
// Policy runs no inline script, so what the pages do in the browser is here.
(function () {
  'use strict';

  // The fulfils picker offers the pledges and commitments of the party typed.
  function fulfilsPicker() {
    var party = document.querySelector('input[name=party]'), list = document.getElementById('dl-fulfils');
    if (!party || !list) return;
    var all = Array.prototype.slice.call(list.options).map(function (o) { return o.cloneNode(true); });
    function filter() {
      var p = party.value.trim().toUpperCase();
      list.replaceChildren.apply(list, all.filter(function (o) { return !p || o.dataset.party === p; }).map(function (o) { return o.cloneNode(true); }));
    }
    party.addEventListener('input', filter);
    filter();
  }

  // A "Back" link goes back in the history when there is one (its href is
  // where it goes without a script).
  function backLinks() {
    document.querySelectorAll('a[data-back]').forEach(function (a) {
      a.addEventListener('click', function (ev) {
        if (window.history.length > 1) {
          ev.preventDefault();
          window.history.back();
        }
      });
    });
  }

  function init() {
    fulfilsPicker();
    backLinks();
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
