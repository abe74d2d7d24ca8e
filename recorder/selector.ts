/**
 * A short, deterministic CSS selector for an element, stable across visits of the same page so heatmaps can
 * find the element again in a recorded snapshot. Preference: a unique hand-written `#id`, then a unique
 * `[data-testid]` / `[data-sl-id]`; otherwise a `tag:nth-of-type(n)` path from the nearest such anchor, or
 * from body.
 */

/** Ids that frameworks generate change between renders or builds, so they make bad anchors. */
const GENERATED_ID = /^\d|[:\s]|\d{4,}|[0-9a-f]{8,}|^(ember|react-|radix-|headlessui-|mui-|yui_|ext-gen|__)/i;

const ANCHOR_ATTRIBUTES = ['data-testid', 'data-sl-id'] as const;

export function isGeneratedId(id: string): boolean {
  return GENERATED_ID.test(id);
}

function escapeString(value: string): string {
  return value.replace(/["\\]/g, (char) => `\\${char}`);
}

type Root = Document | DocumentFragment;

function matchesOnce(root: Root, selector: string): boolean {
  try {
    return root.querySelectorAll(selector).length === 1;
  } catch {
    return false;
  }
}

/** The selector that names `element` alone within `root`, if it has a stable id or test id. */
function anchorSelector(element: Element, root: Root): string | undefined {
  const id = element.id;
  if (id && !isGeneratedId(id)) {
    // CSS.escape is in every browser that runs the recorder's ES2020 build.
    const selector = `#${CSS.escape(id)}`;
    if (matchesOnce(root, selector)) return selector;
  }
  for (const attribute of ANCHOR_ATTRIBUTES) {
    const value = element.getAttribute(attribute);
    if (value) {
      const selector = `[${attribute}="${escapeString(value)}"]`;
      if (matchesOnce(root, selector)) return selector;
    }
  }
  return undefined;
}

/** `tag`, or `tag:nth-of-type(n)` when siblings share the tag. */
function stepSelector(element: Element): string {
  const tag = element.localName;
  const parent = element.parentElement;
  if (!parent) return tag;
  let index = 0;
  let count = 0;
  for (const sibling of Array.from(parent.children)) {
    if (sibling.localName !== tag) continue;
    count++;
    if (sibling === element) index = count;
  }
  return count > 1 ? `${tag}:nth-of-type(${index})` : tag;
}

export function cssSelector(element: Element): string {
  const rootNode = element.getRootNode();
  const root: Root = rootNode instanceof Document || rootNode instanceof DocumentFragment ? rootNode : element.ownerDocument;
  const steps: string[] = [];
  for (let current: Element | null = element; current; current = current.parentElement) {
    const anchor = anchorSelector(current, root);
    if (anchor) {
      steps.unshift(anchor);
      break;
    }
    const tag = current.localName;
    if (tag === 'body' || tag === 'html') {
      steps.unshift(tag);
      break;
    }
    steps.unshift(stepSelector(current));
  }
  return steps.join(' > ');
}
