/**
 * A store page as rrweb serializes it (a full snapshot's node tree): header with cart badge, a product with its
 * buttons, a carousel, a grid of related products, a toast area and a footer, plus a stylesheet's worth of inline
 * CSS, about 40 KB as JSON — the size of a real product page's snapshot. Pure and deterministic.
 */

/** A serialized rrweb node (type 0 document, 1 doctype, 2 element, 3 text). */
export type SnapshotNode = Record<string, unknown>;

/** Something a shopper clicks: its node id, a stable selector and its box in page coordinates. */
export interface Clickable {
  id: number;
  selector: string;
  tag: string;
  /** As the recorder names it: `"Add to cart" button`. */
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SyntheticPage {
  /** The document node, as `data.node` of a FullSnapshot event. */
  node: SnapshotNode;
  /** Node ids the shopper's actions change. */
  ids: { body: number; toasts: number; cartBadgeText: number; slides: number[]; inputs: number[] };
  clickables: Clickable[];
  documentHeight: number;
  /** The id the next added node may take. */
  nextId: number;
}

/** The footer's id attribute: the last element of <body>, so a replay showing it has rebuilt the whole page. */
export const LAST_ELEMENT_ID = 'site-footer';

/** Roughly what a store's stylesheet holds; the snapshot carries it inline as rrweb does for same-origin sheets. */
function stylesheet(rules: number): string {
  const parts: string[] = [];
  for (let i = 0; i < rules; i++) {
    parts.push(`.block-${i} > .item:not(.hidden){display:flex;gap:${i % 24}px;padding:${i % 16}px ${i % 12}px;` +
      `color:#${(0x202020 + i * 4099).toString(16).slice(-6)};border-radius:${i % 9}px}`);
  }
  return parts.join('');
}

/** Builds one page of the given kind; ids start at 1 (the document), as rrweb numbers them. */
export function buildPage(kind: string, productCards: number): SyntheticPage {
  let nextId = 1;
  const clickables: Clickable[] = [];
  const slides: number[] = [];
  const inputs: number[] = [];
  const el = (tagName: string, attributes: Record<string, string>, childNodes: SnapshotNode[] = []): SnapshotNode =>
    ({ type: 2, tagName, attributes, childNodes, id: nextId++ });
  const text = (textContent: string): SnapshotNode => ({ type: 3, textContent, id: nextId++ });
  const button = (selector: string, label: string, box: Omit<Clickable, 'id' | 'selector' | 'tag' | 'label'>,
    attributes: Record<string, string> = {}): SnapshotNode => {
    const node = el('button', { type: 'button', class: 'button', ...attributes }, [text(label)]);
    clickables.push({ id: node.id as number, selector, tag: 'button', label: `"${label}" button`, ...box });
    return node;
  };

  const doc: SnapshotNode = { type: 0, childNodes: [], id: nextId++ };
  const doctype: SnapshotNode = { type: 1, name: 'html', publicId: '', systemId: '', id: nextId++ };
  const head = el('head', {}, [
    el('meta', { charset: 'utf-8' }),
    el('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    el('title', {}, [text(`${kind} · Lumen & Leaf`)]),
    el('style', { _cssText: stylesheet(220) }),
  ]);
  const cartBadge = text('0');
  const header = el('header', { class: 'site-header' }, [
    el('a', { class: 'brand', id: 'nav-home', href: 'index.html' }, [text('Lumen & Leaf')]),
    el('nav', { class: 'site-nav' }, [
      el('a', { id: 'nav-shop', href: 'index.html' }, [text('Shop')]),
      el('a', { id: 'nav-cart', href: 'cart.html' }, [text('Cart '), el('span', { class: 'badge', id: 'cart-count' }, [cartBadge])]),
    ]),
  ]);
  const carousel = el('section', { class: 'carousel', id: 'carousel' }, Array.from({ length: 5 }, (_, i) => {
    const slide = el('div', { class: i === 0 ? 'slide active' : 'slide' }, [el('h2', {}, [text(`Spring edit ${i + 1}`)])]);
    slides.push(slide.id as number);
    return slide;
  }));
  const detail = el('div', { class: 'product-detail', id: 'product-detail' }, [
    el('figure', { class: 'product-image', id: 'product-image' }, [el('div', { class: 'art' })]),
    el('div', { class: 'product-info' }, [
      el('h1', { id: 'product-name' }, [text('Stoneware mug, speckled oat')]),
      el('p', { class: 'price large' }, [text('$24.00')]),
      el('p', { class: 'description' }, [text('Thrown by hand in small batches; every glaze a little different. '.repeat(4))]),
      button('#qty-decrease', '−', { x: 620, y: 520, width: 40, height: 40 }),
      (() => {
        const input = el('input', { id: 'quantity', name: 'quantity', type: 'number', value: '1' });
        inputs.push(input.id as number);
        return input;
      })(),
      button('#qty-increase', '+', { x: 720, y: 520, width: 40, height: 40 }),
      button('#add-to-cart', 'Add to cart', { x: 620, y: 590, width: 320, height: 48 }, { class: 'button primary wide' }),
    ]),
  ]);
  const cards = Array.from({ length: productCards }, (_, i) =>
    el('article', { class: 'product-card', id: `card-${i + 1}` }, [
      el('a', { href: `product.html?id=${i + 1}`, class: 'card-link' }, [el('div', { class: `art art-${i % 6}` })]),
      el('h3', {}, [text(`Product ${i + 1}: linen napkin set`)]),
      el('p', { class: 'price' }, [text(`$${(12 + i * 3).toFixed(2)}`)]),
      button(`#card-${i + 1} > button`, 'Quick add', { x: 40 + (i % 4) * 300, y: 900 + Math.floor(i / 4) * 380, width: 260, height: 40 }),
    ]));
  const toasts = el('div', { class: 'toasts', id: 'toasts', role: 'status' });
  const footer = el('footer', { class: 'site-footer', id: LAST_ELEMENT_ID }, [
    el('p', { class: 'footer-brand' }, [text('Lumen & Leaf')]),
    el('p', { class: 'muted' }, [text('Small-batch homeware. Free shipping on orders over $50. Returns within 30 days.')]),
  ]);
  const body = el('body', { 'data-page': kind }, [
    header,
    el('main', { class: 'page', id: 'main' }, [carousel, detail, el('section', { class: 'grid', id: 'related' }, cards)]),
    toasts,
    footer,
  ]);
  doc.childNodes = [doctype, el('html', { lang: 'en' }, [head, body])];
  const rows = Math.ceil(productCards / 4);
  return {
    node: doc,
    ids: { body: body.id as number, toasts: toasts.id as number, cartBadgeText: cartBadge.id as number, slides, inputs },
    clickables,
    documentHeight: 900 + rows * 380 + 300,
    nextId,
  };
}
