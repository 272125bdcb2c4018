#!/usr/bin/python3
"""bench-report.py: summarise bench-measure.py output; optionally draw it.

    bench-report.py TIMES [--svg FILE] [--machine TEXT] [--markdown]

Prints, per scenario and runtime: runs, wall p50/p95, CPU (user+sys of the
runtime and the container process together) p50/p95 and the peak RSS of the
largest process; then hardrun's p50 wall and CPU as a ratio to every other
runtime measured in the same scenario. --markdown prints the same as
Markdown tables. --svg writes a bar chart (p50 bars, p95 whiskers) of wall
and CPU time, labelled with the machine.
"""
import argparse
import html

COLOURS = {"hardrun": "#1f6feb", "baseline": "#93c5fd", "nopolicy": "#a5b4fc", "crun": "#d97706", "runc": "#6b7280", "bwrap": "#059669"}


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)]


def load(path):
    data = {}  # scenario -> runtime -> list of (wall_us, cpu_us, rss_kb)
    for line in open(path):
        scenario, runtime, _, wall, cpu, rss = line.split()
        data.setdefault(scenario, {}).setdefault(runtime, []).append((int(wall), int(cpu), int(rss)))
    return data


def summarise(data):
    rows = []
    for scenario, runtimes in data.items():
        for runtime, runs in runtimes.items():
            wall = [r[0] / 1000 for r in runs]
            cpu = [r[1] / 1000 for r in runs]
            rows.append({
                "scenario": scenario, "runtime": runtime, "n": len(runs),
                "wall50": percentile(wall, 50), "wall95": percentile(wall, 95),
                "cpu50": percentile(cpu, 50), "cpu95": percentile(cpu, 95),
                "rss": max(r[2] for r in runs) / 1024,
            })
    return rows


def ratios(rows):
    out = []
    by = {(r["scenario"], r["runtime"]): r for r in rows}
    for r in rows:
        if r["runtime"] == "hardrun":
            continue
        h = by.get((r["scenario"], "hardrun"))
        if h:
            out.append((r["scenario"], r["runtime"], h["wall50"] / r["wall50"], h["cpu50"] / r["cpu50"],
                        h["rss"] / r["rss"]))
    return out


def print_text(rows, rats):
    print(f"{'scenario':<22} {'runtime':<8} {'runs':>4} {'wall p50':>9} {'p95':>7} {'cpu p50':>8} {'p95':>7} {'peak RSS':>9}")
    for r in rows:
        print(f"{r['scenario']:<22} {r['runtime']:<8} {r['n']:>4} {r['wall50']:>9.2f} {r['wall95']:>7.2f} "
              f"{r['cpu50']:>8.2f} {r['cpu95']:>7.2f} {r['rss']:>7.1f}MB")
    print("times in ms; ratios are hardrun / other, p50")
    for s, o, w, c, m in rats:
        print(f"{s:<22} hardrun/{o:<6} wall {w:.2f}  cpu {c:.2f}  peak RSS {m:.2f}")


def print_markdown(rows, rats):
    print("| scenario | runtime | runs | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['scenario']} | {r['runtime']} | {r['n']} | {r['wall50']:.2f} | {r['wall95']:.2f} | "
              f"{r['cpu50']:.2f} | {r['cpu95']:.2f} | {r['rss']:.1f} |")
    print()
    print("| scenario | hardrun / | wall p50 | CPU p50 | peak RSS |")
    print("| --- | --- | ---: | ---: | ---: |")
    for s, o, w, c, m in rats:
        print(f"| {s} | {o} | {w:.2f} | {c:.2f} | {m:.2f} |")


def panel(rows, scenarios, runtimes, key, title, x0, y0, width, bar_h):
    """One horizontal bar panel: a group per scenario, a bar per runtime."""
    out = []
    # scaled to the largest p50; a p95 beyond the panel is cut at its edge
    vmax = max(r[key + "50"] for r in rows) * 1.35 or 1
    label_w = 150
    plot_w = width - label_w - 10
    out.append(f'<text x="{x0 + label_w}" y="{y0 - 8}" font-weight="bold">{html.escape(title)}</text>')
    y = y0
    by = {(r["scenario"], r["runtime"]): r for r in rows}
    for s in scenarios:
        present = [rt for rt in runtimes if (s, rt) in by]
        out.append(f'<text x="{x0 + label_w - 6}" y="{y + bar_h * len(present) / 2 + 4}" text-anchor="end">'
                   f'{html.escape(s)}</text>')
        for rt in present:
            r = by[(s, rt)]
            w50 = plot_w * r[key + "50"] / vmax
            w95 = min(plot_w, plot_w * r[key + "95"] / vmax)
            xb = x0 + label_w
            out.append(f'<rect x="{xb}" y="{y}" width="{w50:.1f}" height="{bar_h - 2}" fill="{COLOURS.get(rt, "#999")}"/>')
            out.append(f'<line x1="{xb + w50:.1f}" x2="{xb + w95:.1f}" y1="{y + bar_h / 2 - 1}" y2="{y + bar_h / 2 - 1}" '
                       f'stroke="#111" stroke-width="1"/>')
            lx = min(xb + w95 + 4, xb + plot_w - 6)
            out.append(f'<text x="{lx:.1f}" y="{y + bar_h - 3}" font-size="10">{r[key + "50"]:.1f}</text>')
            y += bar_h
        y += 8
    return out, y


def svg(rows, machine, path):
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    runtimes = [rt for rt in COLOURS if any(r["runtime"] == rt for r in rows)]
    width, bar_h = 440, 14
    parts_w, end_y = panel(rows, scenarios, runtimes, "wall", "wall time, ms (bar p50, line to p95)", 0, 60, width, bar_h)
    parts_c, _ = panel(rows, scenarios, runtimes, "cpu", "CPU user+sys, ms (runtime + container)", width + 10, 60,
                       width, bar_h)
    height = end_y + 40
    legend = []
    lx = 10
    for rt in runtimes:
        legend.append(f'<rect x="{lx}" y="{height - 24}" width="12" height="12" fill="{COLOURS[rt]}"/>'
                      f'<text x="{lx + 16}" y="{height - 14}">{rt}</text>')
        lx += 90
    body = "\n".join(parts_w + parts_c + legend)
    doc = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width + 10}" height="{height}" '
           f'font-family="sans-serif" font-size="12">\n'
           f'<rect width="100%" height="100%" fill="white"/>\n'
           f'<text x="10" y="20" font-size="14" font-weight="bold">hardrun start and exec cost, /bin/true</text>\n'
           f'<text x="10" y="38" font-size="11">{html.escape(machine)}</text>\n{body}\n</svg>\n')
    with open(path, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("times")
    ap.add_argument("--svg")
    ap.add_argument("--machine", default="")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    rows = summarise(load(a.times))
    rats = ratios(rows)
    (print_markdown if a.markdown else print_text)(rows, rats)
    if a.svg:
        svg(rows, a.machine, a.svg)


if __name__ == "__main__":
    main()
