// @ts-check
/** A small SVG sparkline (area + line) with a text alternative. */

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 240;
const HEIGHT = 48;

export class Sparkline {
  #svg;
  #area;
  #line;

  /** @param {SVGSVGElement} svg Needs `viewBox="0 0 240 48"`. */
  constructor(svg) {
    this.#svg = svg;
    this.#area = document.createElementNS(SVG, "path");
    this.#area.setAttribute("class", "area");
    this.#line = document.createElementNS(SVG, "polyline");
    this.#line.setAttribute("class", "line");
    svg.append(this.#area, this.#line);
  }

  /**
   * @param {readonly number[]} values Oldest first.
   * @param {string} label The text alternative (e.g. the current rate).
   */
  render(values, label) {
    const max = Math.max(4, ...values);
    const step = WIDTH / Math.max(1, values.length - 1);
    const points = values.map(
      (v, i) => `${(i * step).toFixed(1)},${(HEIGHT - 2 - (v / max) * (HEIGHT - 4)).toFixed(1)}`,
    );
    this.#line.setAttribute("points", points.join(" "));
    this.#area.setAttribute("d", points.length ? `M0,${HEIGHT} L${points.join(" L")} L${WIDTH},${HEIGHT} Z` : "");
    this.#svg.setAttribute("aria-label", label);
  }
}
