// pledgerCharts draws the charts of a pledger chart page with ECharts.
//
// This is fixed, trusted code, the same on every page. Its argument is
// data only, read from the page's JSON data block: for each chart,
// the ECharts option built in Go (strings in it stay strings: nothing turns
// them into functions) and a format telling which tooltips and axis labels
// to write. ECharts puts tooltips into the page as HTML, so every text a
// tooltip shows (ledger names, amounts already written by pledger in the
// reader's language) is escaped here before it is joined into markup.
function pledgerCharts(specs) {
  'use strict';

  var entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return entities[c]; });
  }

  // A colour swatch, only for a colour that is a hex code (ours).
  function swatch(color) {
    if (typeof color !== 'string' || !/^#[0-9a-fA-F]{3,8}$/.test(color)) {
      return '';
    }
    return '<span style="display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;background:' +
      color + '"></span>';
  }

  function tipOf(d) {
    return d && Array.isArray(d.tip) && d.tip.length ? d.tip : null;
  }

  function head(text, color) {
    return '<div style="font-weight:600;margin-bottom:3px">' + swatch(color) + esc(text) + '</div>';
  }

  function row(text) {
    return '<div>' + text + '</div>';
  }

  // One tooltip per category: the lines of its head, then a line per series.
  function axisTip(f) {
    var colon = f.lang === 'fr' ? '\u00a0: ' : ': ';
    return function (ps) {
      if (!Array.isArray(ps)) {
        ps = [ps];
      }
      if (!ps.length) {
        return '';
      }
      var lines = (f.heads && f.heads[ps[0].dataIndex]) || [ps[0].name];
      var out = head(lines[0]);
      for (var i = 1; i < lines.length; i++) {
        out += row(esc(lines[i]));
      }
      ps.forEach(function (p) {
        var t = tipOf(p.data);
        if (t) {
          out += row(swatch(p.color) + esc(p.seriesName) + colon + '<b>' + esc(t.join(' ')) + '</b>');
        }
      });
      return out;
    };
  }

  // One tooltip per bar, node or flow: its lines, the first as a head.
  function itemTip(p) {
    var t = tipOf(p.data);
    if (!t) {
      return '';
    }
    var out = head(t[0], p.color);
    for (var i = 1; i < t.length; i++) {
      out += row(esc(t[i]));
    }
    return out;
  }

  // Amount axes: "150 M USD", in the page's language.
  function moneyAxis(f) {
    var short;
    try {
      short = new Intl.NumberFormat(f.lang, { notation: 'compact', maximumFractionDigits: 1 });
    } catch (e) {
      short = new Intl.NumberFormat(f.lang);
    }
    return function (v) {
      return v === 0 ? '0' : short.format(v) + '\u00a0' + f.currency;
    };
  }

  // Time axes in milliseconds, with a tick about every year start: the
  // year whose start is nearest.
  function yearAxis(v) {
    var d = new Date(v);
    var y = d.getUTCFullYear();
    if (d.getUTCMonth() >= 6) {
      y++;
    }
    return String(y);
  }

  function axes(opt, name) {
    var a = opt[name];
    if (!a) {
      return [];
    }
    return Array.isArray(a) ? a : [a];
  }

  function label(opt, names, formatter) {
    (names || []).forEach(function (name) {
      axes(opt, name).forEach(function (ax) {
        ax.axisLabel = ax.axisLabel || {};
        ax.axisLabel.formatter = formatter;
      });
    });
  }

  // Until every chart has finished drawing, the page's root element says
  // data-drawing, so that a program printing the page (internal/pdf) knows
  // when to print. The count starts at one for this loop itself.
  var root = document.documentElement;
  var pending = 1;
  function done() {
    if (--pending === 0) {
      root.removeAttribute('data-drawing');
    }
  }
  root.setAttribute('data-drawing', '');

  // The toolbox's data view shows the chart's data table (written in Go,
  // after the chart), copied as elements: no markup is built from text.
  function dataView(opt, id) {
    var dv = opt.toolbox && opt.toolbox.feature && opt.toolbox.feature.dataView;
    var table = document.getElementById(id.replace(/^chart-/, 'table-'));
    if (!dv) {
      return;
    }
    if (!table) {
      dv.show = false;
      return;
    }
    dv.optionToContent = function () {
      var box = document.createElement('div');
      box.className = 'data';
      box.style.cssText = 'padding:4px 12px;overflow:auto;height:100%;box-sizing:border-box';
      // It scrolls: a keyboard reaches it, and it is named as its table.
      box.tabIndex = 0;
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', table.caption ? table.caption.textContent : '');
      var copy = table.cloneNode(true);
      copy.removeAttribute('id');
      box.appendChild(copy);
      return box;
    };
  }

  // The buttons after each chart. One shows the data table to sighted
  // readers (screen readers read it where it is, shown or not); the other
  // saves the chart as a PNG image as the toolbox does, from the keyboard.
  function tableButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('button.save-image'), function (b) {
      var el = document.getElementById(b.getAttribute('data-chart'));
      var inst = el && echarts.getInstanceByDom(el);
      var save = inst && inst.getOption().toolbox;
      save = save && save[0] && save[0].feature && save[0].feature.saveAsImage;
      if (!save) {
        return;
      }
      b.hidden = false;
      b.addEventListener('click', function () {
        var a = document.createElement('a');
        a.download = save.name + '.png';
        a.href = inst.getDataURL({ type: 'png', pixelRatio: save.pixelRatio, backgroundColor: save.backgroundColor,
          excludeComponents: ['toolbox'] });
        a.click();
      });
    });
    var buttons = document.querySelectorAll('button.show-data');
    Array.prototype.forEach.call(buttons, function (b) {
      var box = document.getElementById(b.getAttribute('aria-controls'));
      if (!box) {
        return;
      }
      b.hidden = false;
      b.addEventListener('click', function () {
        var shown = box.classList.toggle('sr-only') === false;
        b.textContent = b.getAttribute(shown ? 'data-hide' : 'data-show');
      });
    });
  }

  var drawn = [];
  specs.forEach(function (s) {
    var f = s.format;
    var opt = s.option;
    var el = document.getElementById(f.id);
    if (!el) {
      return;
    }
    opt.tooltip = opt.tooltip || {};
    opt.tooltip.formatter = f.tooltip === 'axis' ? axisTip(f) : itemTip;
    label(opt, f.money, moneyAxis(f));
    label(opt, f.years, yearAxis);
    dataView(opt, f.id);
    var chart = echarts.init(el, null, {
      renderer: 'canvas',
      devicePixelRatio: Math.max(2, window.devicePixelRatio || 1)
    });
    pending++;
    var finished = false;
    chart.on('finished', function () {
      if (!finished) {
        finished = true;
        done();
      }
    });
    chart.setOption(opt);
    drawn.push(chart);
  });
  tableButtons();
  done();
  window.addEventListener('resize', function () {
    drawn.forEach(function (c) { c.resize(); });
  });
}

pledgerCharts(JSON.parse(document.getElementById('pledger-charts').textContent));
