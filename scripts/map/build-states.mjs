// Regenerates crates/app/src/network/states.tsv from the us-atlas TopoJSON.
//
// Run at development time only (`npm ci && npm run build` in this folder); Carrel commits the
// output and never runs Node. The input, states-albers-10m.json, is already projected to
// Albers USA in a 975 x 610 pixel frame, so the script only decodes the topology and writes
// each state's outline as SVG path data rounded to a tenth of a pixel.
//
// Output: one line per state or DC, tab-separated:
//   FIPS code, label x, label y, area in square pixels, SVG path data.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules/us-atlas/states-albers-10m.json");
const target = join(here, "../../crates/app/src/network/states.tsv");

const topology = JSON.parse(readFileSync(source, "utf8"));
const states = feature(topology, topology.objects.states).features;

// Coordinates are kept as whole tenths of a pixel, so relative steps add up exactly.
const tenths = (value) => Math.round(value * 10);

function number(t) {
  const sign = t < 0 ? "-" : "";
  const abs = Math.abs(t);
  const whole = Math.floor(abs / 10);
  const part = abs % 10;
  const text = part === 0 ? `${whole}` : whole === 0 ? `.${part}` : `${whole}.${part}`;
  return sign + text;
}

function ringPath(ring) {
  const points = [];
  for (const [x, y] of ring) {
    const p = [tenths(x), tenths(y)];
    const last = points[points.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) points.push(p);
  }
  if (points.length < 3) return "";
  let d = `M${number(points[0][0])} ${number(points[0][1])}l`;
  const steps = [];
  for (let i = 1; i < points.length; i++) {
    const dx = points[i][0] - points[i - 1][0];
    const dy = points[i][1] - points[i - 1][1];
    steps.push(`${number(dx)} ${number(dy)}`);
  }
  return d + steps.join(" ") + "z";
}

// Shoelace area and centroid of a ring, in pixels.
function ringShape(ring) {
  let area = 0, cx = 0, cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  area /= 2;
  if (area === 0) return { area: 0, x: ring[0][0], y: ring[0][1] };
  return { area: Math.abs(area), x: cx / (6 * area), y: cy / (6 * area) };
}

function polygonsOf(geometry) {
  if (geometry.type === "Polygon") return [geometry.coordinates];
  if (geometry.type === "MultiPolygon") return geometry.coordinates;
  return [];
}

const lines = [];
for (const state of states) {
  const polygons = polygonsOf(state.geometry);
  const d = polygons.flat().map(ringPath).filter(Boolean).join("");
  let largest = { area: 0, x: 0, y: 0 };
  let total = 0;
  for (const polygon of polygons) {
    const outer = ringShape(polygon[0]);
    total += outer.area;
    if (outer.area > largest.area) largest = outer;
  }
  lines.push([state.id, largest.x.toFixed(1), largest.y.toFixed(1), Math.round(total), d]);
}
lines.sort((a, b) => a[0].localeCompare(b[0]));
writeFileSync(target, lines.map((l) => l.join("\t")).join("\n") + "\n");
console.log(`wrote ${lines.length} shapes to ${target}`);
