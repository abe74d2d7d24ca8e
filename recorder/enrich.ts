import type { PagePayload, SlPayloads, SlTagName, StackFrame } from '../contract/protocol.ts';
import { MAX_ERROR_MESSAGE_CHARS, MAX_LABEL_CHARS } from './constants.ts';
import { guard, type Reporter } from './errors.ts';
import { elementLabel, readableText } from './label.ts';
import { listen } from './listen.ts';
import type { Privacy } from './privacy.ts';
import { cssSelector } from './selector.ts';

/**
 * Sightline's own events beside rrweb's: clicks anchored to elements, page views (SPA navigations too), form
 * fields, submits and uncaught errors. None of them ever carries an input's value.
 */

export type EmitCustom = <Tag extends SlTagName>(tag: Tag, payload: SlPayloads[Tag]) => void;

export interface EnrichmentContext {
  win: Window;
  emit: EmitCustom;
  privacy: Privacy;
  /** Elements not recorded at all; clicks inside them are anchored to the outermost one, the replay's placeholder. */
  blockSelector: string;
  report: Reporter;
  /** Called as an SPA navigation happens, before the old page's DOM goes (the last field's value is taken then). */
  onNavigation?: () => void;
  /** An error's stack as frames, once the developer capture is loaded; undefined before, or without it. */
  framesOf?: (stack: unknown) => StackFrame[] | undefined;
}

export interface Enrichment {
  /** The page being shown now, for the sl:page that follows every full snapshot. */
  currentPage(): PagePayload;
  stop(): void;
}

type FieldElement = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Input types that are buttons or invisible, not fields a visitor fills in. */
const NOT_FIELD_TYPES = new Set(['submit', 'button', 'reset', 'image', 'hidden']);

const clamp01 = (value: number): number => (value < 0 ? 0 : value > 1 ? 1 : value);
const squash = (text: string, max: number): string => text.replace(/\s+/g, ' ').trim().slice(0, max);

function eventTarget(event: Event): Element | undefined {
  // composedPath reaches inside open shadow roots, where event.target stops at the host.
  const first = event.composedPath?.()[0] ?? event.target;
  return first instanceof Element ? first : undefined;
}

function outermost(element: Element, selector: string): Element | undefined {
  let found = element.closest(selector) ?? undefined;
  while (found?.parentElement) {
    const outer: Element | null = found.parentElement.closest(selector);
    if (!outer) break;
    found = outer;
  }
  return found;
}

export function startEnrichment(context: EnrichmentContext): Enrichment {
  const { win, emit, privacy, report } = context;
  const doc = win.document;
  const removers: Array<() => void> = [];

  const on = (type: string, handler: (event: Event) => void) => listen(doc, [type], handler, report, removers);

  // Clicks: the selector and the offset inside the element, so heatmaps survive other layouts.
  on('click', (event) => {
    const click = event as MouseEvent;
    if (!click.isTrusted) return; // a script's element.click() is not a visitor's click
    let target = eventTarget(click);
    if (!target) return;
    target = outermost(target, context.blockSelector) ?? target;
    // An icon's <path> is not a stable anchor; the whole <svg> is.
    while (target instanceof SVGElement && target.ownerSVGElement) target = target.ownerSVGElement;
    const box = target.getBoundingClientRect();
    // detail 0: a click from the keyboard (Enter, Space) has no position; place it at the element's centre.
    const fromKeyboard = click.detail === 0;
    const ox = fromKeyboard || box.width === 0 ? 0.5 : clamp01((click.clientX - box.left) / box.width);
    const oy = fromKeyboard || box.height === 0 ? 0.5 : clamp01((click.clientY - box.top) / box.height);
    const root = doc.documentElement;
    const body = doc.body || root;
    emit('sl:click', {
      selector: cssSelector(target),
      tag: target.localName,
      label: elementLabel(target, privacy),
      ox,
      oy,
      x: fromKeyboard ? box.left + box.width * ox + win.scrollX : click.pageX,
      y: fromKeyboard ? box.top + box.height * oy + win.scrollY : click.pageY,
      vw: win.innerWidth,
      vh: win.innerHeight,
      dw: Math.max(root.scrollWidth, body.scrollWidth),
      dh: Math.max(root.scrollHeight, body.scrollHeight),
    });
  });

  // Form fields: which field, never what is in it.
  function fieldOf(event: Event): FieldElement | undefined {
    const target = eventTarget(event);
    const field =
      target instanceof HTMLInputElement ? (NOT_FIELD_TYPES.has(target.type) ? undefined : target)
        : target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement ? target
          : undefined;
    return field && !field.closest(context.blockSelector) ? field : undefined;
  }
  function fieldName(field: FieldElement): string {
    const name = field.getAttribute('name');
    if (name) return name;
    const label = field.labels?.[0];
    const text = label && !privacy.isHidden(label) ? squash(readableText(label, privacy.hiddenSelector), MAX_LABEL_CHARS) : '';
    return text || squash(field.getAttribute('aria-label') || '', MAX_LABEL_CHARS) || field.id;
  }
  for (const [type, action] of [['focusin', 'focus'], ['focusout', 'blur'], ['change', 'change']] as const) {
    on(type, (event) => {
      const field = fieldOf(event);
      if (!field) return;
      emit('sl:field', {
        action,
        form: field.form ? cssSelector(field.form) : '',
        field: cssSelector(field),
        name: fieldName(field),
        kind: privacy.isPassword(field) ? 'password' : field instanceof HTMLInputElement ? field.type : field.localName,
        label: elementLabel(field, privacy),
      });
    });
  }
  on('submit', (event) => {
    const form = eventTarget(event);
    if (form instanceof HTMLFormElement && !form.closest(context.blockSelector)) emit('sl:submit', { form: cssSelector(form) });
  });

  // Uncaught errors. Bubble phase on window: resource load errors do not bubble, so only script errors arrive.
  const onError = guard(report, (event: Event) => {
    if (!(event instanceof ErrorEvent)) return;
    const message = event.message || (event.error instanceof Error ? event.error.message : String(event.error));
    emit('sl:error', {
      message: message.slice(0, MAX_ERROR_MESSAGE_CHARS),
      source: event.filename || '',
      line: event.lineno || 0,
      column: event.colno || 0,
      frames: context.framesOf?.(event.error instanceof Error ? event.error.stack : undefined),
    });
  });
  const onRejection = guard(report, (event: PromiseRejectionEvent) => {
    const reason: unknown = event.reason;
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    const message = `Unhandled rejection: ${text}`.slice(0, MAX_ERROR_MESSAGE_CHARS);
    const frames = context.framesOf?.(reason instanceof Error ? reason.stack : undefined);
    emit('sl:error', { message, source: '', line: 0, column: 0, frames });
  });
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);
  removers.push(() => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
  });

  let current: PagePayload = { url: win.location.href, title: doc.title, referrer: doc.referrer };
  removers.push(trackNavigations(win, report, emit, (page) => {
    context.onNavigation?.();
    current = page;
  }));

  return {
    currentPage: () => ({ ...current, title: doc.title }),
    stop: () => removers.splice(0).forEach((remove) => remove()),
  };
}

/**
 * SPA page views: history.pushState/replaceState are patched and popstate (which hash changes fire too) is
 * watched. The sl:page goes out a tick later, because routers usually set document.title after pushState.
 */
function trackNavigations(
  win: Window,
  report: Reporter,
  emit: EmitCustom,
  onPage: (page: PagePayload) => void,
): () => void {
  const history = win.history;
  let lastUrl = win.location.href;
  const check = guard(report, () => {
    const url = win.location.href;
    if (url === lastUrl) return;
    const page = { url, title: '', referrer: lastUrl };
    lastUrl = url;
    onPage(page);
    win.setTimeout(guard(report, () => emit('sl:page', { ...page, title: win.document.title })), 0);
  });
  const originals = { pushState: history.pushState, replaceState: history.replaceState };
  const patched = {} as typeof originals;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = originals[method];
    patched[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args); // the page's own call: its errors stay the page's
      check();
      return result;
    };
    history[method] = patched[method];
  }
  win.addEventListener('popstate', check);
  return () => {
    win.removeEventListener('popstate', check);
    // Only undo our own patch: another script may have wrapped ours since.
    for (const method of ['pushState', 'replaceState'] as const) {
      if (history[method] === patched[method]) history[method] = originals[method];
    }
  };
}
