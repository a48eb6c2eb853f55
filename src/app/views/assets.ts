/** The app's only static files, served from memory: no external resource is ever loaded. */

export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f5f1}
header.top{display:flex;gap:1.5rem;align-items:baseline;flex-wrap:wrap;padding:.6rem 1.5rem;background:#1f4e5f;color:#fff}
header.top a{color:#fff}
.brand{font-weight:700;font-size:1.2rem;text-decoration:none}
.where,.user{font-size:.85rem;opacity:.9}
main{padding:1rem 1.5rem 3rem;max-width:1400px}
h1{font-size:1.6rem;margin:.4rem 0 1rem}
h2{font-size:1.25rem;margin:1.2rem 0 .5rem}
h4{margin:.2rem 0;font-size:1rem}
a{color:#0b5394}
.hint{color:#555;font-size:.85rem;margin:.1rem 0 .4rem}
.card{background:#fff;border:1px solid #d9d6cc;border-radius:8px;padding:1rem 1.2rem;margin:0 0 1rem}
.card.narrow{max-width:28rem}
.card.inline{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}
.card label{display:block;font-weight:600;margin-top:.6rem}
.card.inline label{margin:0}
.row{display:flex;gap:1rem;flex-wrap:wrap}
.row>*{flex:1 1 24rem}
input,textarea,button,.button{font:inherit}
input,textarea{border:1px solid #888;border-radius:4px;padding:.3rem .45rem;background:#fff}
input[readonly]{background:#eeece5;border-color:#bbb}
textarea{width:100%}
input:focus,textarea:focus,button:focus,a:focus,summary:focus{outline:3px solid #f0a500;outline-offset:1px}
input[aria-invalid=true],textarea[aria-invalid=true]{border:2px solid #b00020;background:#fff0f0}
.error{display:block;color:#b00020;font-weight:600;font-size:.9rem}
button,.button{display:inline-block;background:#1f4e5f;color:#fff;border:0;border-radius:6px;padding:.45rem 1rem;cursor:pointer;text-decoration:none;margin-top:.6rem}
button.primary{font-size:1.1rem;padding:.6rem 1.6rem}
.card:not(.inline) button,form.session button{display:block}
.banner{border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem;background:#e8f1f8;border-left:6px solid #0b5394}
.banner p{margin:.2rem 0}
.banner.good{background:#e6f4ea;border-color:#1e7e34}
.banner.bad{background:#fdecea;border-color:#b00020}
table.list{border-collapse:collapse;background:#fff;margin:.3rem 0 1rem}
table.list th,table.list td{border:1px solid #d9d6cc;padding:.3rem .6rem;text-align:left;vertical-align:top}
table.list th{background:#eeece5;font-size:.9rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.wp{min-width:16rem;max-width:32rem;white-space:pre-wrap}
td.date{white-space:nowrap}
.scroll{overflow-x:auto}
.columns{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:1.5rem;align-items:start}
@media (max-width:1000px){.columns{grid-template-columns:1fr}}
form.session{background:#fff;border:1px solid #d9d6cc;border-radius:8px;padding:1rem 1.2rem}
fieldset.rater{border:1px solid #c9c5b8;border-radius:8px;margin:.8rem 0;padding:.4rem 1rem .8rem;display:flex;gap:2rem;flex-wrap:wrap}
fieldset.rater legend{font-weight:700;font-size:1.1rem;padding:0 .4rem}
.lines{flex:1 1 16rem}
.line{display:flex;flex-wrap:wrap;align-items:center;gap:.2rem .6rem;margin:.25rem 0}
.line label{flex:1 1 12rem;font-size:.95rem}
.line input.val{width:4.2rem;text-align:right;font-size:1.1rem}
.line input[type=range]{flex:1 1 8rem;max-width:12rem}
.line .error{flex-basis:100%}
.total{margin:.4rem 0 0;font-size:1.05rem}
details{margin:.8rem 0}
summary{cursor:pointer;font-weight:600}
.wp-label{display:block;font-weight:700;margin-top:1rem}
.alerts{background:#fff8e1;border:2px solid #f0a500;border-radius:8px;padding:.3rem 1rem .6rem;margin-bottom:1rem}
.alerts h2{margin-top:.4rem}
.alerts ul{margin:.2rem 0;padding-left:1.2rem}
.alert{margin:.3rem 0}
.ok{color:#1e7e34;font-weight:600}
.workpoints dl{margin:0}
.workpoints dt{font-weight:700;margin-top:.5rem}
.workpoints dd{margin:0 0 0 1rem;white-space:pre-wrap}
figure.fitchart{margin:0;background:#fff;border:1px solid #d9d6cc;border-radius:8px;padding:.5rem;overflow-x:auto}
figure.fitchart svg{max-width:100%;height:auto}
section.danger{margin-top:2rem;border-top:1px solid #d9d6cc}
button.danger,.button.danger{background:#b00020}
.inline-actions{display:flex;gap:1.2rem;align-items:baseline}
dl.what dt{font-weight:700;margin-top:.5rem}
dl.what dd{margin:0 0 0 1rem}
details.deleted-session{margin:.4rem 0}
`;

/**
 * Progressive enhancement only: a slider beside each typed value (the form works without it). The typed
 * field stays the one that is sent and the one keyboard users fill in; the slider is skipped by Tab.
 */
export const JS = `
document.querySelectorAll("input.val[data-min]").forEach(function (input) {
  var r = document.createElement("input");
  r.type = "range";
  r.min = input.dataset.min; r.max = input.dataset.max; r.step = input.dataset.step;
  r.tabIndex = -1;
  r.setAttribute("aria-hidden", "true");
  var sync = function () {
    var v = Number(String(input.value).replace(",", "."));
    if (input.value !== "" && isFinite(v)) r.value = String(v);
    r.classList.toggle("unset", input.value === "");
  };
  sync();
  input.addEventListener("input", sync);
  r.addEventListener("input", function () {
    input.value = document.documentElement.lang === "da" ? r.value.replace(".", ",") : r.value;
  });
  input.insertAdjacentElement("afterend", r);
});
`;
