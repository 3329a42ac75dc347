// @ts-check
/** DOM helpers. Payload text is only ever set through `textContent`, never parsed as HTML. */

/**
 * Creates an element. `props.text` sets its text; `on*` functions become listeners; `false`/`null`/`undefined`
 * attributes are left out, `true` ones are set empty.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {(Node | string | null | undefined | false)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "text") element.textContent = String(value ?? "");
    else if (name.startsWith("on") && typeof value === "function")
      element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/**
 * The element with this id; throws when the page lacks it (a markup bug).
 * @template {HTMLElement | SVGElement} T
 * @param {string} id
 * @param {new (...args: never[]) => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return element;
}

/**
 * Keeps at most `max` children in `parent`, removing the first ones.
 * @param {Element} parent
 * @param {number} max
 */
export function trimChildren(parent, max) {
  while (parent.children.length > max) parent.firstElementChild?.remove();
}
