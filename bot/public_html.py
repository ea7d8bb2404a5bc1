"""The public page's HTML: one layout, a small stylesheet and a small map script, plain
server-rendered markup with landmarks, labels and table headers. Every value is escaped by the
caller (`bot/public_page.py`); texts come from the gettext catalogues there."""

from string import Template

LAYOUT = Template(
    """<!doctype html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title — $council</title>
<link rel="stylesheet" href="/public.css">
</head>
<body>
<a class="skip" href="#main">$skip</a>
<header>
<p class="council">$council</p>
<nav aria-label="$nav_label">
<ul>
<li><a href="/?lang=$lang">$nav_stats</a></li>
<li><a href="/appeals?lang=$lang">$nav_list</a></li>
<li><a href="/open-data.csv">$nav_csv</a></li>
<li><a href="$other_url" lang="$other_lang" hreflang="$other_lang">$other_name</a></li>
</ul>
</nav>
</header>
<main id="main">
<h1>$title</h1>
$content
</main>
<footer>
<p>$footer</p>
</footer>
$script
</body>
</html>
"""
)

STYLESHEET = """
:root { --ink: #1b1b1b; --muted: #555; --line: #d0d4da; --accent: #1f5fa8; --late: #a61b1b; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0.75rem 1rem; }
header { border-bottom: 3px solid var(--accent); }
.council { margin: 0; font-weight: 600; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; margin: 0.5rem 0 0;
  padding: 0; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2b705; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end;
  margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: 0.9rem; }
input, select, button { font: inherit; padding: 0.3rem 0.4rem; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 4px;
  padding: 0.4rem 1rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.4rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.late { color: var(--late); font-weight: 600; }
.pages { display: flex; gap: 1rem; align-items: center; margin: 1rem 0; }
dl.card { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
dl.card dt { font-weight: 600; }
dl.card dd { margin: 0; }
blockquote { margin: 0.5rem 0; padding: 0.5rem 1rem; border-left: 4px solid var(--line);
  white-space: pre-wrap; }
#map { position: relative; overflow: hidden; width: 100%; max-width: 768px; height: 360px;
  background: #eef1f4; border: 1px solid var(--line); margin: 0.5rem 0 1rem; }
#map img.tile { position: absolute; width: 256px; height: 256px; }
#map .pin { position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px;
  border-radius: 50%; background: var(--late); border: 2px solid #fff; }
.note { color: var(--muted); font-size: 0.9rem; }
footer { color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--line); }
@media (max-width: 40rem) { dl.card { grid-template-columns: 1fr; } }
"""

#: Draws the visitor-loaded tiles of `data-tiles` around the points of `data-points`; without it
#: (or without tiles) the page says where the points are in the list and tables.
MAP_SCRIPT = Template(
    """<script>
(function () {
  var box = document.getElementById("map");
  if (!box) { return; }
  var points = JSON.parse(box.getAttribute("data-points"));
  var template = box.getAttribute("data-tiles");
  var zoom = parseInt(box.getAttribute("data-zoom"), 10);
  if (!points.length || !template) { return; }
  function project(lat, lon) {
    var n = Math.pow(2, zoom), rad = lat * Math.PI / 180;
    return [(lon + 180) / 360 * n * 256,
            (1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2 * n * 256];
  }
  var sx = 0, sy = 0;
  points.forEach(function (p) { var xy = project(p[0], p[1]); sx += xy[0]; sy += xy[1]; });
  var cx = sx / points.length, cy = sy / points.length;
  var w = box.clientWidth, h = box.clientHeight;
  var left = cx - w / 2, top = cy - h / 2;
  for (var tx = Math.floor(left / 256); tx <= Math.floor((left + w) / 256); tx++) {
    for (var ty = Math.floor(top / 256); ty <= Math.floor((top + h) / 256); ty++) {
      var img = document.createElement("img");
      img.className = "tile"; img.alt = "";
      img.src = template.replace("{z}", zoom).replace("{x}", tx).replace("{y}", ty);
      img.style.left = (tx * 256 - left) + "px"; img.style.top = (ty * 256 - top) + "px";
      box.appendChild(img);
    }
  }
  points.forEach(function (p) {
    var xy = project(p[0], p[1]), pin = document.createElement("a");
    pin.className = "pin"; pin.href = p[2]; pin.title = p[3];
    pin.style.left = (xy[0] - left) + "px"; pin.style.top = (xy[1] - top) + "px";
    box.appendChild(pin);
  });
  box.setAttribute("aria-label", $label);
})();
</script>"""
)
